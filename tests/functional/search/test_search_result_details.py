"""Each search result says its kind, date, place and author; authors cost one query a page."""
from forum.accounts.models import User
from forum.extensions import db
from forum.places.models import City
from forum.practices import services as practices
from tests.fixtures import search as search_fixtures
from tests.fixtures.calls import make_call
from tests.fixtures.web import page

search_index = search_fixtures.search_index


def _practices(app, authors, n, word="ornitottero"):
    with app.app_context():
        city = City(name="Matera", slug="matera", region="Basilicata", province="MT")
        db.session.add(city)
        db.session.flush()
        for i in range(n):
            author = db.session.get(User, authors[i % len(authors)].id)
            practices.create_practice(author, {
                "kind": "offer", "title": f"Pratica {word} {i}", "summary": "Sintesi",
                "body": "Testo", "language": "it", "themes": ["open-data"], "city": city.id})
        db.session.commit()


def test_a_result_shows_kind_date_city_and_author(app, client, make_user, search_index):
    author = make_user("ada.lovelace", full_name="Ada Lovelace")
    _practices(app, [author], 1)
    item = page(client.get("/search?q=ornitottero&lang=it")).select_one(".search-results li")
    assert item.select_one(".badge").get_text(strip=True) == "Buone pratiche"
    meta = item.select_one(".search-result-meta")
    assert meta.select_one("time")["datetime"]
    assert "Matera" in meta.get_text()
    link = meta.select_one("a")
    assert link.get_text(strip=True) == "Ada Lovelace" and link["href"] == "/members/ada.lovelace"
    assert "di Ada Lovelace" in " ".join(meta.get_text(" ").split())


def test_authors_are_loaded_once_for_the_page(app, client, make_user, search_index,
                                              count_queries):
    authors = [make_user(f"autore{i}") for i in range(6)]
    _practices(app, authors[:1], 1, word="zigolo")  # makes the city
    with app.app_context():
        city = db.session.query(City).filter_by(slug="matera").one()
        for i, author in enumerate(authors):
            practices.create_practice(db.session.get(User, author.id), {
                "kind": "offer", "title": f"Pratica pettirosso {i}", "summary": "Sintesi",
                "body": "Testo", "language": "it", "themes": ["open-data"], "city": city.id})
        db.session.commit()
    client.get("/search?q=pettirosso")  # warm: templates, caches
    with count_queries() as six:
        assert len(page(client.get("/search?q=pettirosso")).select(".search-results li")) == 6
    # Six authors, one query for them (and one for the six practices).
    user_queries = [q for q in six if q.lstrip().startswith("SELECT users.")]
    practice_queries = [q for q in six if q.lstrip().startswith("SELECT practices.")]
    assert len(user_queries) == 1 and len(practice_queries) == 1


def test_a_call_result_does_not_name_who_proposed_it(app, client, search_index):
    # A call's page names no author (who proposed it is staff's business): nor does search.
    with app.app_context():
        make_call(title="Bando ornitottero")
        db.session.commit()
    item = page(client.get("/search?q=ornitottero&lang=it")).select_one(".search-results li")
    assert " ".join(item.select_one("h3").get_text(" ").split()) == "Bando ornitottero"
    meta = item.select_one(".search-result-meta")
    assert meta.select_one("time") is not None
    assert meta.select_one("a") is None and " di " not in f" {meta.get_text(' ')} "
