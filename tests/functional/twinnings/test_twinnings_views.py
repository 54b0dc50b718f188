"""The twinning pages as visitors, members and staff see them."""
from sqlalchemy import select

from forum.extensions import db
from forum.twinnings.models import Twinning, TwinningParticipant
from tests.fixtures.twinnings import BG_LE, bergamo_lecce
from tests.fixtures.web import page, submit, text_of


def test_visitor_reads_the_twinning(app, client):
    slug = bergamo_lecce(app, participants=2)
    response = client.get(f"/twinnings/{slug}?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "La Governance della Smart City and Community. BG-LE" in text
    assert "Objectives" in text and "trasferimento di know-how" in text
    assert "Results" in text and "Associazione Bergamo Smart City" in text
    assert "Bergamo : Transferring city" in text and "Lecce : Beneficiary city" in text
    assert "2 participants" in text
    assert "Persona" in text
    # the general discussion created with the twinning is listed
    assert "General discussion of the twinning" in text  # in the page's language
    # the event going on now is marked live, with its streaming link
    assert "Live now" in text
    assert page(response).find("a", href="https://stream.example.org/bg-le") is not None
    # visitors are invited to sign in rather than shown a join button
    assert "Join the twinning" not in text


def test_unknown_twinning_is_404(client):
    assert client.get("/twinnings/nothing-here").status_code == 404


def test_member_joins_and_leaves(app, client, make_user, login):
    slug = bergamo_lecce(app, participants=0)
    member = make_user(full_name="Chiara Neri")
    login(member)
    response = submit(client, f"/twinnings/{slug}/join", {}, form_url=f"/twinnings/{slug}?lang=en")
    assert "You joined the twinning." in text_of(response)
    assert "1 participant" in text_of(response) and "Chiara Neri" in text_of(response)
    # joining twice changes nothing
    submit(client, f"/twinnings/{slug}/join", {}, form_url=f"/twinnings/{slug}")
    with app.app_context():
        twinning = db.session.scalar(select(Twinning).where(Twinning.slug == slug))
        assert twinning.participant_count == 1
    response = submit(client, f"/twinnings/{slug}/leave", {}, form_url=f"/twinnings/{slug}")
    assert "0 participants" in text_of(client.get(f"/twinnings/{slug}?lang=en"))
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(TwinningParticipant)) == 0


def test_unconfirmed_member_cannot_join(app, client, make_user, login):
    slug = bergamo_lecce(app)
    member = make_user(confirmed=False)
    login(member)
    token_page = client.get(f"/twinnings/{slug}")
    assert "Join the twinning" not in text_of(client.get(f"/twinnings/{slug}?lang=en"))
    from tests.fixtures.web import csrf_from
    response = client.post(f"/twinnings/{slug}/join", data={"csrf_token": csrf_from(token_page)})
    assert response.status_code == 403


def test_visitor_posting_join_is_sent_to_sign_in(app, client):
    slug = bergamo_lecce(app)
    from tests.fixtures.web import csrf_from
    response = client.post(f"/twinnings/{slug}/join",
                           data={"csrf_token": csrf_from(client.get("/auth/login"))})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_list_is_filtered_and_bad_filters_are_400(app, client):
    bergamo_lecce(app)
    assert BG_LE in client.get("/twinnings/?city=lecce").get_data(as_text=True)
    assert BG_LE in client.get("/twinnings/?status=active").get_data(as_text=True)
    assert BG_LE not in client.get("/twinnings/?status=concluded").get_data(as_text=True)
    for query in ("city=atlantis", "network=none", "status=sleeping", "page=0", "page=x"):
        assert client.get(f"/twinnings/?{query}").status_code == 400, query


def test_twinning_page_queries_do_not_grow(app, client, make_user, login, count_queries):
    few = bergamo_lecce(app, participants=2)
    with app.test_request_context():
        from forum.places import services as places
        from forum.twinnings import services
        from tests.fixtures.twinnings import add_participants, staff_user

        many = services.create_twinning(staff_user(), {
            "title": "Numero Unico Pronto Intervento - NU112", "description": "Esempio",
            "cities": [{"city": places.city_by_slug("bergamo"), "role": "transferring"},
                       {"city": places.city_by_slug("lecce"), "role": "beneficiary"}]})
        add_participants(many, 50, prefix="many")
        db.session.commit()
        many = many.slug

    def measure(slug):
        client.get(f"/twinnings/{slug}")
        with count_queries() as queries:
            assert client.get(f"/twinnings/{slug}").status_code == 200
        return len(queries)

    assert measure(few) == measure(many) <= 15
    login(make_user())
    assert measure(few) == measure(many) <= 15


def test_staff_create_a_twinning_of_three_cities_with_an_event(app, client, make_user, login):
    from forum.extensions import db as _db
    from forum.places import services as places

    with app.test_request_context():
        ids = [places.create_city(None, {"name": n}).id for n in ("Bergamo", "Lecce", "Matera")]
        _db.session.commit()
    login(make_user(role="staff"))
    rows = {"cities-0-city": str(ids[0]), "cities-0-role": "transferring",
            "cities-1-city": str(ids[1]), "cities-1-role": "beneficiary",
            "cities-2-city": str(ids[2]), "cities-2-role": "beneficiary"}
    data = {"title": "Governance condivisa", "slug": "", "status": "active", "network": "0",
            "description": "Descrizione", "objectives": "Obiettivi", "results": "",
            "themes": ["governance", "open-data"], **rows}
    # one role missing: refused, with what was typed kept
    wrong = {**data, "cities-0-role": "beneficiary"}
    response = submit(client, "/twinnings/new", wrong, form_url="/twinnings/new?lang=en")
    assert "Give at least one transferring city and one beneficiary city." in text_of(response)
    assert page(response).find("input", id="title")["value"] == "Governance condivisa"
    response = submit(client, "/twinnings/new", data)
    text = text_of(client.get("/twinnings/governance-condivisa?lang=en"))
    assert "Matera : Beneficiary city" in text and "Bergamo : Transferring city" in text
    assert "Open data" in text
    assert "General discussion of the twinning" in text  # in the page's language
    # an event, typed in Italian time, stored in UTC
    response = submit(client, "/twinnings/governance-condivisa/events/new", {
        "title": "Kick-off", "starts_at": "2026-07-01T10:00", "ends_at": "2026-07-01T09:00",
        "place": "Matera", "stream_url": "javascript:alert(1)"})
    errors = text_of(response)
    assert "The end cannot come before the start." in errors or "fine" in errors
    assert page(response).find("input", id="title")["value"] == "Kick-off"
    submit(client, "/twinnings/governance-condivisa/events/new", {
        "title": "Kick-off", "starts_at": "2026-07-01T10:00", "ends_at": "2026-07-01T12:00",
        "place": "Matera", "stream_url": "https://live.example.org/kickoff"})
    from forum.twinnings.models import Event
    with app.app_context():
        event = _db.session.scalar(select(Event))
        assert event.starts_at.hour == 8 and event.starts_at.utcoffset().total_seconds() == 0
    text = text_of(client.get("/twinnings/governance-condivisa?lang=en"))
    assert "Kick-off" in text and "1 July 2026, 10:00" in text


def test_home_shows_the_latest_twinnings(app, client):
    slug = bergamo_lecce(app)
    response = client.get("/?lang=en")
    section = page(response).find("section", attrs={"aria-labelledby": "latest-twinnings"})
    assert section is not None
    assert section.find("a", href=f"/twinnings/{slug}") is not None
    assert "Bergamo (Transferring city)" in section.get_text(" ")


def test_staff_edit_the_twinning_and_its_events(app, client, make_user, login):
    from forum.twinnings.models import Event

    slug = bergamo_lecce(app)
    login(make_user(role="staff"))
    form = page(client.get(f"/twinnings/{slug}/edit"))
    assert form.find("input", id="title")["value"].startswith("La Governance")
    chosen = form.find("select", id="cities-0-city").find("option", selected=True)
    assert chosen.get_text() == "Bergamo"
    assert form.find("input", attrs={"value": "governance", "checked": True}) is not None
    fields = {tag["name"]: tag.get("value", "") for tag in form.select("input[name], textarea")
              if tag.get("type") not in ("checkbox", "file", "hidden")}
    for select_tag in form.select("select"):
        option = select_tag.find("option", selected=True) or select_tag.find("option")
        fields[select_tag["name"]] = option["value"]
    fields.update({"title": "BG-LE, nuova edizione", "status": "concluded",
                   "description": "Nuova descrizione", "themes": ["open-data"]})
    response = submit(client, f"/twinnings/{slug}/edit", fields)
    text = text_of(response)
    assert "BG-LE, nuova edizione" in text and "Nuova descrizione" in text
    with app.app_context():
        event_id = db.session.scalar(select(Event.id))
    edit_url = f"/events/{event_id}/edit"
    form = page(client.get(edit_url))
    assert form.find("input", id="title")["value"] == "Incontro in diretta"
    submit(client, edit_url, {"title": "Incontro rinviato", "starts_at": "2027-03-01T18:00",
                              "ends_at": "2027-03-01T20:00", "place": "Bergamo",
                              "stream_url": ""})
    text = text_of(client.get(f"/twinnings/{slug}?lang=en"))
    assert "Incontro rinviato" in text and "1 March 2027, 18:00" in text
    assert "Live now" not in text
    submit(client, f"/events/{event_id}/delete", {}, form_url=f"/twinnings/{slug}")
    assert "Incontro rinviato" not in text_of(client.get(f"/twinnings/{slug}"))
