"""One site address: no link the site sends or serves carries the request's Host header.

Every request here claims `Host: evil.example`, as a reset-link poisoning attack does; every
absolute URL in the outbox, the feeds and the calendars must name FORUM_BASE_URL's host.
"""
import re
from pathlib import Path

import pytest

from forum import create_app
from forum.config import ConfigError, development_base_url
from tests.functional.security.world import PASSWORD, csrf_token_for, signed_in_client

EVIL = {"HTTP_HOST": "evil.example"}
URL = re.compile(r"https?://[^\s\"'<>]+")
SOURCE = Path(__file__).resolve().parents[3] / "forum"


def post(app, client, path, data):
    data = {"csrf_token": csrf_token_for(app, client), **data}
    return client.post(path, data=data, environ_overrides=EVIL)


def foreign_urls(app, text: str) -> list[str]:
    base = app.config["FORUM_BASE_URL"]
    return [u for u in URL.findall(text)
            if "evil.example" in u or (u.startswith(("http://localhost", "https://localhost"))
                                       and not u.startswith(base + "/"))]


def site_links(app, text: str) -> list[str]:
    return [u for u in URL.findall(text) if u.startswith(app.config["FORUM_BASE_URL"] + "/")]


def test_every_mail_triggered_with_a_forged_host_links_only_to_the_site(app, world, outbox):
    visitor = app.test_client()
    post(app, visitor, "/auth/register", {
        "username": "nuovo-iscritto", "email": "nuovo@example.org", "password": PASSWORD,
        "full_name": "Nuova Persona", "privacy": "y", "accept_privacy": "y"})
    post(app, visitor, "/auth/reset", {"email": "sec-author@example.org"})
    unconfirmed = signed_in_client(app, world, "unconfirmed")
    post(app, unconfirmed, "/account/confirm", {})
    author = signed_in_client(app, world, "author")
    post(app, author, "/account/email", {"email": "altra@example.org", "password": PASSWORD})
    member = signed_in_client(app, world, "member")
    post(app, member, f"/practices/{world.ids['practice']}/interest", {"message": "Ciao"})
    staff = signed_in_client(app, world, "staff")
    post(app, staff, f"/mod/post/{world.ids['post']}/hide", {"reason": "Fuori tema"})

    mails = outbox()
    subjects = " | ".join(subject for _to, subject, _body in mails)
    # Each trigger above really sent its mail (so the check below has something to read).
    for kind in ("/auth/confirm/", "/auth/reset/", "/account/email/", "/practices/",
                 "/discussions/"):
        assert any(kind in body and site_links(app, body) for _to, _s, body in mails), \
            f"no mail linking {kind} among: {subjects}"
    for recipient, subject, body in mails:
        assert not foreign_urls(app, body), f"mail {subject!r} to {recipient}: {body}"


@pytest.mark.parametrize("path", ["/calls.ics", "/feeds/calls.atom", "/calls/{call}.ics",
                                  "/feeds/discussions.atom", "/feeds/practices.atom",
                                  "/twinnings/{twinning}/feed.atom",
                                  "/networks/{network}/feed.atom"])
def test_feeds_and_calendars_ignore_a_forged_host(app, world, path):
    response = app.test_client().get(path.format(call=world.ids["call"], **world.slugs),
                                     environ_overrides=EVIL)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert site_links(app, text.replace("\r\n ", ""))
    assert "evil.example" not in text


def test_no_absolute_url_is_built_from_the_request_anywhere_in_the_code():
    """The class, not the instance: absolute URLs come only from forum/core/urls.py."""
    pattern = re.compile(r"_external\s*=\s*True|request\.(host|host_url|url_root|root_url)\b")
    offenders = [f"{path.relative_to(SOURCE)}:{n}"
                 for path in SOURCE.rglob("*.py") if path.name != "urls.py"
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if pattern.search(line)]
    assert not offenders, f"build absolute URLs with forum.core.urls.site_url: {offenders}"


@pytest.fixture(scope="module")
def production_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("production")
    return create_app({
        "FORUM_ENV": "production", "FORUM_BASE_URL": "https://gemellaggi.example.org",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'forum.db'}",
        "FORUM_UPLOAD_DIR": str(instance / "uploads"),
        "FORUM_SEARCH_INDEX_DIR": str(instance / "index")})


def test_production_refuses_a_host_other_than_the_configured_one(production_app):
    client = production_app.test_client()
    assert client.get("/auth/login", base_url="https://evil.example").status_code == 400
    assert client.get("/auth/login", base_url="https://gemellaggi.example.org").status_code == 200


def test_production_needs_the_site_address(tmp_path):
    with pytest.raises(ConfigError, match="FORUM_BASE_URL"):
        create_app({"FORUM_ENV": "production", "FORUM_BASE_URL": None,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_a_malformed_site_address_stops_start_up(tmp_path):
    with pytest.raises(ConfigError, match="FORUM_BASE_URL"):
        create_app({"FORUM_BASE_URL": "gemellaggi.example.org",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_development_address_is_what_make_run_serves():
    assert development_base_url({}) == "http://127.0.0.1:5000"
    assert development_base_url({"HOST": "0.0.0.0", "PORT": "8123"}) == "http://127.0.0.1:8123"
    assert development_base_url({"HOST": "192.168.1.5", "PORT": "8000"}) == \
        "http://192.168.1.5:8000"


def test_forwarded_headers_are_believed_only_from_configured_proxies(tmp_path):
    def remote_addr(proxies):
        app = create_app({"FORUM_TRUSTED_PROXIES": proxies,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
        seen = {}
        app.before_request(lambda: seen.setdefault("addr", __import__("flask").request.remote_addr))
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
        return seen["addr"]

    assert remote_addr(0) == "10.0.0.2"
    assert remote_addr(1) == "203.0.113.9"
