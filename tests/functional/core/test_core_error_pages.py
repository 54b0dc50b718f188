"""Error pages: each code answers with its translated page in the site's layout."""
import pytest
from flask import Blueprint, abort, flash, redirect, render_template_string, request

from forum import create_app
from forum.core import errors
from forum.extensions import limiter
from tests.fixtures.web import page, text_of

ENGLISH_TITLES = {
    400: "Bad request",
    403: "Access denied",
    404: "Page not found",
    405: "Method not allowed",
    413: "Request too large",
    429: "Too many requests",
    500: "Something went wrong",
}


def _test_blueprint() -> Blueprint:
    bp = Blueprint("errors_under_test", __name__)

    @bp.get("/_test/abort/<int:code>")
    def abort_with(code):
        abort(code)

    @bp.get("/_test/template-error")
    def template_error():
        # A failure half-way through rendering, as a broken template would give.
        return render_template_string("{% extends 'base.html' %}{% block content %}"
                                      "{{ 1 // 0 }}{% endblock %}")

    @bp.post("/_test/upload")
    def upload():
        return str(len(request.form))

    @bp.get("/_test/flash")
    def flash_and_go():
        flash("Saved, as a test.", "success")
        return redirect("/privacy")

    return bp


@pytest.fixture(scope="module")
def error_app(test_config):
    """A separate app where exceptions become 500 pages (the test app re-raises them)."""
    # create_app binds the shared limiter to the new app; keep the main test app's settings.
    saved = dict(vars(limiter))
    app = create_app({**test_config, "PROPAGATE_EXCEPTIONS": False, "FORUM_MAX_UPLOAD_MB": 1})
    vars(limiter).update(saved)
    app.register_blueprint(_test_blueprint())
    return app


@pytest.fixture
def error_client(error_app):
    return error_app.test_client()


def _assert_error_page(response, code):
    assert response.status_code == code
    soup = page(response)
    assert soup.find("html")["lang"] == "en"
    assert soup.find("h1").get_text(strip=True) == ENGLISH_TITLES[code]
    assert f"Error {code}" in text_of(response)
    # In the layout: header, navigation, main landmark, footer.
    assert soup.find("header") and soup.find("footer")
    assert soup.find("nav", attrs={"aria-label": "Main navigation"})
    assert soup.find("main", id="main")
    assert soup.find("meta", attrs={"name": "robots", "content": "noindex"})


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_each_error_code_has_its_english_page(error_client, code):
    _assert_error_page(error_client.get(f"/_test/abort/{code}?lang=en"), code)


def test_unknown_page_is_a_404_in_the_layout(client):
    _assert_error_page(client.get("/no-such-page?lang=en"), 404)


def test_wrong_method_is_a_405_that_says_what_is_allowed(client):
    response = client.post("/privacy?lang=en")
    _assert_error_page(response, 405)
    assert "GET" in response.headers["Allow"]


def test_request_larger_than_the_limit_is_a_413_page(error_client):
    body = {"data": "x" * (1024 * 1024 + 1)}
    response = error_client.post("/_test/upload?lang=en", data=body)
    _assert_error_page(response, 413)


def test_missing_csrf_token_is_a_400_page(error_client):
    response = error_client.post("/_test/upload?lang=en", data={"a": "b"})
    _assert_error_page(response, 400)


def test_error_inside_a_template_still_gives_the_500_page(error_client):
    response = error_client.get("/_test/template-error?lang=en")
    _assert_error_page(response, 500)
    assert "An unexpected error occurred" in text_of(response)


def test_500_page_survives_a_broken_layout(error_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the layout is broken too")

    monkeypatch.setattr(errors, "render_template", broken)
    response = error_client.get("/_test/template-error?lang=en")
    assert response.status_code == 500
    assert "Something went wrong" in text_of(response)
    assert response.content_type.startswith("text/html")


def test_error_page_is_italian_by_default(error_client):
    response = error_client.get("/_test/abort/404")
    assert response.status_code == 404
    assert page(response).find("html")["lang"] == "it"


def test_error_pages_keep_the_security_headers(error_client):
    response = error_client.get("/_test/template-error")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_flash_then_redirect_shows_the_message_once(error_client):
    response = error_client.get("/_test/flash?lang=en", follow_redirects=True)
    status = page(response).find(attrs={"role": "status"})
    assert "Saved, as a test." in status.get_text()
    assert page(error_client.get("/privacy")).find(attrs={"role": "status"}) is None
