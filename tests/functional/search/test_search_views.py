"""/search as visitors and staff see it: results, highlights, facets, errors."""
import pytest

from forum.discussions.models import Post
from forum.extensions import db
from tests.fixtures.search import make_content
from tests.fixtures.web import page, text_of


def result_titles(response):
    return [a.get_text(" ", strip=True) for a in page(response).select(".search-results h3 a")]


def test_results_with_highlights_and_links(client, app, search_index):
    make_content(app)
    response = client.get("/search?q=citta&lang=en")
    assert response.status_code == 200
    assert "La Governance della Smart City and Community. BG-LE" in result_titles(response)
    marks = [m.get_text() for m in page(response).select(".search-results mark")]
    assert "città" in marks
    links = [a["href"] for a in page(response).select(".search-results h3 a")]
    assert "/twinnings/bergamo-lecce" in links
    assert "2 results" in text_of(response)


def test_header_has_a_labelled_search_box(client, search_index):
    form = page(client.get("/?lang=en")).find("form", attrs={"role": "search"})
    assert form is not None and form["action"] == "/search"
    field = form.find("input", attrs={"name": "q"})
    label = form.find("label", attrs={"for": field["id"]})
    assert label.get_text(strip=True) == "Search"


def test_markup_in_content_is_escaped_and_only_marks_are_markup(client, app, search_index):
    content = make_content(app)
    with app.app_context():
        post = db.session.get(Post, content.reply_id)
        post.body_html = "<p>&lt;img src=x onerror=alert(1)&gt; zanzara &lt;b&gt;x&lt;/b&gt;</p>"
        db.session.commit()
    response = client.get("/search?q=zanzara")
    results = page(response).select_one(".search-results")
    assert results.find("img") is None and results.find("b") is None
    assert "onerror=alert(1)>" in results.get_text()  # shown as text, not run
    assert [m.get_text() for m in results.find_all("mark")] == ["zanzara"]


def test_hidden_post_never_found_by_visitor_or_member(client, app, search_index, make_user,
                                                      login):
    make_content(app)
    response = client.get("/search?q=ornitorinco&lang=en")
    assert "ornitorinco" not in " ".join(result_titles(response)).lower()
    assert "0 results" in text_of(response)
    login(make_user())
    assert "0 results" in text_of(client.get("/search?q=ornitorinco&lang=en"))


def test_staff_see_hidden_content_marked(client, app, search_index, make_user, login):
    make_content(app)
    login(make_user(role="staff"))
    response = client.get("/search?q=ornitorinco&lang=en")
    item = page(response).select_one(".search-results li")
    assert item is not None
    assert "Hidden" in item.get_text()


def test_facets_count_and_filter(client, app, search_index):
    make_content(app)
    response = client.get("/search?q=gemellaggio&lang=en")
    facets = page(response).select_one(".search-facets").get_text(" ", strip=True)
    assert "Twinnings (1)" in facets and "Discussions (1)" in facets
    assert "Bergamo (2)" in facets and "Governance (2)" in facets
    filtered = client.get("/search?q=gemellaggio&type=twinning&lang=en")
    assert result_titles(filtered) == ["La Governance della Smart City and Community. BG-LE"]
    assert "1 result" in text_of(filtered)
    assert "0 results" in text_of(client.get("/search?q=gemellaggio&city=milano&lang=en"))


def test_sort_by_date_puts_newest_first(client, app, search_index):
    content = make_content(app)
    from datetime import timedelta

    with app.app_context():
        reply = db.session.get(Post, content.reply_id)
        reply.created_at = reply.created_at + timedelta(days=30)
        reply.body_html = "<p>Governance games.</p>"
        db.session.commit()
    relevance = result_titles(client.get("/search?q=governance"))
    newest = result_titles(client.get("/search?q=governance&sort=date"))
    assert relevance[0] == "La Governance della Smart City and Community. BG-LE"
    assert newest[0] == "Discussione generale del gemellaggio"  # the post, dated later


def test_did_you_mean(client, app, search_index):
    make_content(app)
    response = client.get("/search?q=governnce&lang=en")
    suggestion = page(response).select_one(".search-suggestion a")
    assert suggestion is not None and suggestion.get_text() == "governance"
    assert "q=governance" in suggestion["href"]


def test_pagination(client, app, search_index):
    content = make_content(app)
    with app.app_context():
        db.session.add_all(Post(discussion_id=content.discussion_id, number=10 + i, body="-",
                                body_html=f"<p>Mobilità sostenibile numero {i}</p>")
                           for i in range(25))
        db.session.commit()
    first = client.get("/search?q=mobilita&lang=en")
    assert len(result_titles(first)) == 20 and "25 results" in text_of(first)
    second = client.get("/search?q=mobilita&page=2&lang=en")
    assert len(result_titles(second)) == 5
    assert client.get("/search?q=mobilita&page=3").status_code == 404


@pytest.mark.parametrize("query", ["type=nope", "page=0", "page=x", "page=-1", "sort=random",
                                   "theme=nope", "city=%3Cscript%3E", "page=99999"])
def test_bad_parameters_are_400(client, search_index, query):
    assert client.get(f"/search?q=x&{query}").status_code == 400


@pytest.mark.parametrize("q", ['"unbalanced quote', "AND", "OR", "NOT", "((", "*", "!" * 2000,
                               "?", "[a TO", "gemell* AND (", ":", "^"])
def test_malformed_queries_give_results_or_a_message(client, app, search_index, q):
    make_content(app)
    response = client.get("/search", query_string={"q": q, "lang": "en"})
    assert response.status_code == 200
    text = text_of(response)
    assert "result" in text or "Your search has no words to look for" in text


def test_empty_query_shows_the_form_only(client, search_index):
    response = client.get("/search?lang=en")
    assert response.status_code == 200
    assert page(response).select_one("#search-q") is not None
    assert page(response).select_one(".search-results") is None


def test_italian_page(client, app, search_index):
    make_content(app)
    response = client.get("/search?q=gemellaggi&lang=it")
    assert response.status_code == 200
    assert "Discussione generale del gemellaggio" in result_titles(response)
