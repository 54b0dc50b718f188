"""GET /search/titles: the practice form's picker, practices by title as people type."""
from forum.accounts.models import User
from forum.extensions import db
from forum.practices import services as practices
from forum.search.views import _title_query


def _practices(app, author_id):
    with app.app_context():
        author = db.session.get(User, author_id)
        made = {}
        for key, title in (("open", "Aprire i dati del Comune"),
                           ("other", "Laboratori digitali per gli anziani"),
                           ("hidden", "Aprire le biblioteche la sera")):
            made[key] = practices.create_practice(author, {
                "kind": "offer", "title": title, "summary": "Sintesi", "body": "Testo",
                "language": "it", "themes": ["open-data"]}).id
        db.session.commit()
        from forum.practices.models import Practice
        db.session.get(Practice, made["hidden"]).visibility = "hidden"
        db.session.commit()
        return made


def test_titles_start_with_what_is_typed_and_only_visible_practices(app, client, make_user,
                                                                   login, search_index):
    author = make_user("autrice")
    made = _practices(app, author.id)
    response = client.get("/search/titles?type=practice&q=apri")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "private" in response.headers["Cache-Control"]
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == [made["open"]]
    assert results[0] == {"id": made["open"], "title": "Aprire i dati del Comune",
                          "url": f"/practices/{made['open']}"}
    # Several words: the last one is still being typed.
    assert [r["id"] for r in client.get(
        "/search/titles?type=practice&q=laboratori dig").get_json()["results"]] == [made["other"]]
    # Staff see the hidden one too, as in the search.
    login(make_user("moderatrice", role="staff"))
    ids = {r["id"] for r in client.get("/search/titles?type=practice&q=apri").get_json()["results"]}
    assert ids == {made["open"], made["hidden"]}


def test_too_little_typed_asks_nothing(client, search_index):
    for q in ("", "a", " ! ", "*"):
        response = client.get(f"/search/titles?type=practice&q={q}")
        assert response.status_code == 200 and response.get_json() == {"results": []}


def test_only_practices_are_picked_by_title(client, search_index):
    assert client.get("/search/titles?type=member&q=anna").status_code == 400
    assert client.get("/search/titles?q=anna").status_code == 400


def test_typed_text_becomes_words_and_a_prefix_without_operators():
    assert _title_query("aprire dat") == "aprire dat*"
    assert _title_query('Dati" OR (x') == "dati or x*"
    assert _title_query("é") == ""
    assert len(_title_query("a" * 500)) <= 101
