"""What visitors' and members' browsers get: cached pages for visitors only, 304s,
fingerprinted static files kept a year, compressed text, no cookie before a form needs one,
the right Vary headers."""
import gzip

import pytest

from forum.core.caching import FileVersion, cache
from forum.discussions import services as discussions
from forum.discussions.models import Discussion
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.fixtures.web import page, text_of


@pytest.fixture
def page_cache(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "FORUM_PAGE_CACHE_SECONDS", 30)
    # A version of this test's own: other test processes commit (and move theirs) meanwhile.
    monkeypatch.setitem(app.extensions, "forum_content_version",
                        FileVersion(tmp_path / "content-version"))
    with app.app_context():
        cache.clear()
    yield
    with app.app_context():
        cache.clear()


@pytest.fixture
def thread(app, make_user):
    author = make_user("cache-author")
    with app.app_context():
        twinning = Twinning(slug="cache-twinning", title="Gemellaggio della cache")
        db.session.add(twinning)
        from forum.accounts.models import User

        member = db.session.get(User, author.id)
        discussion = discussions.start_discussion(member, twinning, "Bilancio partecipato",
                                                  "Il primo messaggio.")
        db.session.commit()
        return discussion.id, author


def test_a_visitor_gets_the_second_view_from_the_cache_and_a_write_shows_at_once(
        app, client, page_cache, thread, count_queries):
    discussion_id, author = thread
    url = f"/discussions/{discussion_id}"
    first = client.get(url)
    assert first.status_code == 200
    with count_queries() as queries:
        again = client.get(url)
    assert again.status_code == 200 and queries == []
    assert text_of(again) == text_of(first)
    with app.app_context():
        from forum.accounts.models import User

        discussions.reply(db.session.get(User, author.id), db.session.get(Discussion,
                          discussion_id), "Una risposta appena scritta.")
        db.session.commit()
    assert "Una risposta appena scritta." in text_of(client.get(url))


def test_a_signed_in_member_never_sees_a_visitor_page(client, page_cache, thread, login,
                                                      count_queries):
    discussion_id, author = thread
    url = f"/discussions/{discussion_id}"
    client.get(url)
    client.get(url)  # now in the cache for visitors
    login(author)
    with count_queries() as queries:
        response = client.get(url)
    assert queries  # rendered for this member, not read from the cache
    assert page(response).find("form", action=f"/discussions/{discussion_id}/reply")
    assert "ETag" not in response.headers


def test_a_visitor_with_the_page_gets_304(client, thread):
    url = f"/discussions/{thread[0]}"
    first = client.get(url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_pages_with_a_form_for_the_visitor_are_never_shared(client, app, page_cache):
    first = app.test_client().get("/auth/login")
    second = app.test_client().get("/auth/login")
    token = page(first).find("input", attrs={"name": "csrf_token"})["value"]
    assert token != page(second).find("input", attrs={"name": "csrf_token"})["value"]
    assert "session=" in first.headers.get("Set-Cookie", "")


def test_read_only_pages_give_a_visitor_no_cookie(client, thread):
    for url in ("/", f"/discussions/{thread[0]}", "/calls/", "/twinnings/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url


def test_pages_vary_on_language_and_compress(client, thread):
    response = client.get(f"/discussions/{thread[0]}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Bilancio partecipato" in gzip.decompress(response.data).decode()
    vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
    assert {"accept-language", "accept-encoding", "cookie"} <= vary


def test_static_files_are_fingerprinted_and_kept_a_year(client):
    css = next(link["href"] for link in page(client.get("/")).find_all("link", rel="stylesheet")
               if "site.css" in link["href"])
    assert "?v=" in css
    response = client.get(css)
    assert response.status_code == 200
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    assert "cookie" not in response.headers.get("Vary", "").lower()
    stale = client.get("/static/css/site.css?v=0000")
    assert not stale.cache_control.immutable and stale.cache_control.max_age == 24 * 3600


def test_scripts_are_deferred(client):
    # A module script is deferred by the browser itself (HTML: "module scripts are deferred").
    scripts = page(client.get("/")).find_all("script", src=True)
    assert scripts and all(script.has_attr("defer") or script.get("type") == "module"
                           for script in scripts)


def test_a_members_pages_and_export_are_never_stored(client, make_user, login):
    login(make_user("no-store-member"))
    for url in ("/", "/account/profile", "/account/export"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.no_store and response.cache_control.private, url
