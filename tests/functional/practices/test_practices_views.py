"""The practice pages as visitors, members, authors and staff see them."""

from forum.extensions import db
from forum.practices import services
from forum.practices.models import Practice
from tests.fixtures.practices import load_fixture, place, public_administration
from tests.fixtures.web import page, submit, text_of


def _new_practice(app, author_id=None, **data):
    """A practice made through the service; returns its id."""
    from forum.accounts.models import User

    with app.test_request_context():
        author = db.session.get(User, author_id) if author_id else None
        fields = {"kind": "offer", "title": "Una pratica", "summary": "In breve.",
                  "body": "Il testo.", "language": "it", "themes": ["governance"], **data}
        practice = services.create_practice(author, fields)
        db.session.commit()
        return practice.id


def _fixture(app) -> dict[str, int]:
    with app.test_request_context():
        loaded = load_fixture()
        db.session.commit()
        return {key: p.id for key, p in loaded.items()}


# --- the list -----------------------------------------------------------------------------


def test_visitor_filters_by_theme_and_city_in_both_languages(app, client):
    with app.app_context():
        lecce, bergamo = place("lecce", "Lecce"), place("bergamo", "Bergamo")
        db.session.commit()
        lecce_id, bergamo_id = lecce.id, bergamo.id
    _new_practice(app, title="Gioco civico a Lecce", city=lecce_id,
                  themes=["civic-participation"], kind="seek")
    _new_practice(app, title="Governance a Bergamo", city=bergamo_id, themes=["governance"])
    _new_practice(app, title="Open data in English", language="en", themes=["open-data"])

    italian = text_of(client.get("/practices/?theme=civic-participation&lang=it"))
    assert "Gioco civico a Lecce" in italian and "Governance a Bergamo" not in italian
    english = text_of(client.get("/practices/?city=bergamo&lang=en"))
    assert "Governance a Bergamo" in english and "Gioco civico a Lecce" not in english
    assert "1 practice" in english
    both = text_of(client.get("/practices/?kind=seek&city=lecce&lang=en"))
    assert "Gioco civico a Lecce" in both and "I seek" in both
    assert "Open data in English" in text_of(client.get("/practices/?language=en"))
    assert "Open data in English" not in text_of(client.get("/practices/?language=it"))
    everything = text_of(client.get("/practices/?lang=en"))
    # newest first
    assert everything.index("Open data in English") < everything.index("Gioco civico a Lecce")


def test_unknown_filters_are_400(client):
    for query in ("kind=swap", "theme=astrology", "city=atlantis", "status=asleep",
                  "language=fr", "page=0", "page=x"):
        assert client.get(f"/practices/?{query}").status_code == 400, query


def test_query_orders_by_relevance(app, client):
    _fixture(app)
    response = client.get("/practices/?q=portale+open+data&lang=en")
    cards = page(response).select(".practice-card h2 a, .practice-card h3 a")
    titles = [a.get_text(strip=True) for a in cards]
    assert titles[0] in ("Portale open data comunale chiavi in mano",
                         "Come abbiamo aperto i dati della città",
                         "Aprire i dati del Comune: da dove cominciare?",
                         # the English request for the same: a portal of open data
                         "Publishing our council's data as open data")
    assert "Lampioni LED intelligenti e telegestione" not in titles
    assert "most relevant first" in text_of(response)


def test_hidden_practices_are_not_listed_or_shown(app, client):
    practice_id = _new_practice(app, title="Pratica nascosta")
    with app.app_context():
        db.session.get(Practice, practice_id).visibility = "hidden"
        db.session.commit()
    assert "Pratica nascosta" not in text_of(client.get("/practices/"))
    assert client.get(f"/practices/{practice_id}").status_code == 404
    assert client.get("/practices/999999").status_code == 404


def test_list_and_page_queries_do_not_grow(app, client, count_queries):
    ids = _fixture(app)
    client.get("/practices/")  # warm-up: first request loads translations and the like
    with count_queries() as few_list:
        client.get("/practices/?per_page=ignored")
    with count_queries() as few_page:
        client.get(f"/practices/{ids['seek-gaming']}")
    for n in range(30):
        _new_practice(app, title=f"Offerta numero {n}", kind="offer",
                      themes=["civic-participation"], body=f"Gioco e partecipazione {n}")
    with count_queries() as many_list:
        client.get("/practices/")
    with count_queries() as many_page:
        client.get(f"/practices/{ids['seek-gaming']}")
    assert len(many_list) == len(few_list)
    assert len(many_page) == len(few_page)


# --- writing ------------------------------------------------------------------------------

SEEK_FORM = {
    "kind": "seek", "language": "it", "themes": ["civic-participation"],
    "title": "Coinvolgere i cittadini di Lecce con il gioco",
    "summary": "Cerchiamo una piattaforma di social gaming per la partecipazione dei giovani.",
    "body": "Vorremmo premiare con punti e badge chi partecipa alla vita del quartiere.",
    "city": "0", "organisation": "0", "twinning": "0", "status": "open", "related": "",
}


def test_member_from_lecce_seeks_meets_an_offer_and_gets_matched(app, client, make_user, login,
                                                                 outbox):
    ids = _fixture(app)
    with app.app_context():
        lecce = place("lecce", "Lecce")
        comune = public_administration("Comune di Lecce", lecce)
        ravenna = public_administration("Comune di Ravenna")
        db.session.commit()
        comune_id, ravenna_id, lecce_id = comune.id, ravenna.id, lecce.id
    seeker = make_user("giulia", full_name="Giulia Ferri", organisation_id=comune_id,
                       city_id=lecce_id)
    offerer = make_user("marta", full_name="Marta Galli", organisation_id=ravenna_id,
                        preferred_language="en")
    with app.app_context():
        # the social gaming offer is Marta's
        db.session.get(Practice, ids["offer-gaming"]).author_id = offerer.id
        db.session.commit()

    # Giulia posts a cerco in Italian and sees the matching offers with reasons
    login(seeker)
    response = submit(client, "/practices/new?lang=it",
                      {**SEEK_FORM, "city": str(lecce_id), "organisation": str(comune_id)})
    assert response.status_code == 200
    seek_url = response.request.path
    seek_id = int(seek_url.rstrip("/").rsplit("/", 1)[1])
    response = client.get(f"{seek_url}?lang=en")
    html = page(response)
    first = html.select_one(".practice-suggestion")
    assert int(first["data-practice"]) == ids["offer-gaming"]
    reasons = " ".join(first.select_one(".practice-reasons").get_text(" ").split())
    assert "shares the themes Civic participation and social gaming" in reasons
    assert "similar words:" in reasons and "gaming" in reasons

    # she says she is interested in the offer, after being told what is shared
    offer_url = f"/practices/{ids['offer-gaming']}"
    offer_page = text_of(client.get(f"{offer_url}?lang=en"))
    assert "the author will see your e-mail address and organisation" in offer_page
    assert "marta@example.org" not in offer_page
    response = submit(client, f"{offer_url}/interest",
                      {"message": "Ci piacerebbe adottare la vostra app."},
                      form_url=f"{offer_url}?lang=en")
    text = text_of(response)
    assert "The author has been told by e-mail" in text
    assert "marta@example.org" in text and "Comune di Ravenna" in text

    # Marta gets the notice in her language (English), with Giulia's contact
    recipient, subject, body = outbox()[-1]
    assert recipient == "marta@example.org"
    assert subject == "Giulia Ferri is interested in your practice"
    assert "giulia@example.org" in body and "Comune di Lecce" in body
    assert "Ci piacerebbe adottare la vostra app." in body
    assert f"/practices/{ids['offer-gaming']}" in body

    # on the offer, Marta sees Giulia's contact; the offer counts one administration
    _logout(client)
    login(offerer)
    text = text_of(client.get(f"{offer_url}?lang=en"))
    assert "giulia@example.org" in text and "Comune di Lecce" in text
    assert "1 member is interested" in text
    assert "Adopted or asked for by 1 public administration" in text

    # a third member sees neither e-mail nor organisation of the two
    _logout(client)
    other = make_user("terzo")
    login(other)
    text = text_of(client.get(f"{offer_url}?lang=en"))
    assert "giulia@example.org" not in text and "marta@example.org" not in text
    assert "1 member is interested" in text

    # Giulia marks her cerco matched, naming Marta's offer
    _logout(client)
    login(seeker)
    response = submit(client, f"{seek_url}/matched",
                      {"answer_practice": str(ids["offer-gaming"]), "answer_user": "0"},
                      form_url=f"{seek_url}?lang=en")
    text = text_of(response)
    assert "The practice is marked as matched." in text
    assert page(response).select_one("[data-figure=status]").get_text(strip=True) == "Matched"
    assert "Social gaming per la partecipazione civica" in \
        page(response).select_one("[data-figure=answered-by]").get_text()
    with app.app_context():
        seek = db.session.get(Practice, seek_id)
        assert seek.status == "matched" and seek.adopter_count == 1
        # Comune di Lecce both asked for the offer and adopted it: counted once
        assert db.session.get(Practice, ids["offer-gaming"]).adopter_count == 1


def _logout(client):
    submit(client, "/auth/logout", {}, form_url="/account/profile")


def test_home_shows_the_latest_practices_and_the_nav_links_them(app, client):
    _new_practice(app, title="Pratica in vetrina", kind="seek")
    response = client.get("/?lang=en")
    section = page(response).find(id="latest-practices").find_parent("section")
    assert "Good practices: seek and offer" in section.get_text()
    assert "Pratica in vetrina" in section.get_text()
    nav = [a.get_text(strip=True) for a in page(response).select("#main-menu a")]
    assert "Practices" in nav


def test_a_practice_written_in_another_language_is_marked_with_it(app, client):
    """WCAG 3.1.2: text in English inside an Italian page says so, and only that text."""
    english = _new_practice(app, title="Open data in English", summary="Short.",
                            body="The text.", language="en")
    italian = _new_practice(app, title="Dati aperti in italiano")

    shown = page(client.get(f"/practices/{english}?lang=it"))
    marked = {tag.get_text(" ", strip=True) for tag in shown.select('main [lang="en"]')}
    assert {"Open data in English", "Short.", "The text."} <= marked
    assert shown.html["lang"] == "it"
    listed = page(client.get("/practices/?lang=it"))
    assert listed.find("a", string="Open data in English")["lang"] == "en"
    assert not listed.find("a", string="Dati aperti in italiano").has_attr("lang")
    # On the English page the same practice needs no mark, the Italian one does.
    assert not page(client.get(f"/practices/{english}?lang=en")).select('main [lang="en"]')
    assert page(client.get(f"/practices/{italian}?lang=en")).select('main [lang="it"]')


def test_the_filters_fold_behind_a_button_open_when_some_are_in_use(client):
    folded = page(client.get("/practices/?lang=it")).select_one("details.filter-details")
    assert folded is not None and not folded.has_attr("open")
    assert folded.select_one("summary").get_text(strip=True) == "Filtri"
    assert folded.select_one("form[method=get] select[name=kind]") is not None
    shown = page(client.get("/practices/?lang=it&kind=offer&q=dati")).select_one(
        "details.filter-details")
    assert shown.has_attr("open")
    assert shown.select_one("summary").get_text(strip=True) == "Filtri (2)"
