"""`next=` never leads off the site: every Location a user-given target produces, resolved the
way a browser resolves it, stays on the site's origin."""
import re
import time
from urllib.parse import quote, urljoin, urlsplit

import pyotp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from forum.core.security import browser_form, safe_next
from tests.functional.security.world import PASSWORD, csrf_token_for

SITE = "http://localhost/auth/login"
SPECIAL = {"http", "https", "ws", "wss", "ftp", "file"}
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.S)

PIECES = ["/", "\\", "//", "///", ":", "@", ".", "..", "\t", "\n", "\r", " ", "\x00", "\x0b",
          "\x1f", "\x7f", "evil.example", "localhost", "http:", "https:", "HTTPS:", "javascript:",
          "data:", "%2f", "%5c", "%2e", "#", "?", "a", "ü", "\u3002", "\uff0f"]
targets = st.one_of(st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
                    st.text(max_size=30))

ATTACKS = ["////evil.example", "http:///evil.example", "//evil.example", "/\\evil.example",
           "\\\\evil.example", "/\t/evil.example", " //evil.example", "\x00//evil.example",
           "https:evil.example", "http:evil.example", "javascript:alert(1)", "/\n/evil.example",
           "https://evil.example", "HTTP://evil.example", "/\\/evil.example", "\\/evil.example"]


def browser_origin(base: str, location: str):
    """The origin a browser lands on for `Location: location` on page `base` (WHATWG URL
    parsing of a special-scheme page, in the cases that decide the host)."""
    base_parts = urlsplit(base)
    location = browser_form(location)
    match = SCHEME.fullmatch(location)
    if match:
        scheme, rest = match.group(1).lower(), match.group(2)
        if scheme not in SPECIAL:
            return ("opaque", location)
        if scheme != base_parts.scheme or rest.startswith("//"):
            # "special authority ignore slashes": any number of slashes, then the host.
            parts = urlsplit(f"{scheme}://{rest.lstrip('/')}")
            return parts.scheme, parts.hostname, parts.port
        location = rest
    if location.startswith("//"):
        parts = urlsplit(f"{base_parts.scheme}://{location.lstrip('/')}")
        return parts.scheme, parts.hostname, parts.port
    parts = urlsplit(urljoin(base, location))
    return parts.scheme, parts.hostname, parts.port


SITE_ORIGIN = browser_origin(SITE, "/")


def test_the_browser_model_knows_the_reported_attacks():
    for attack in ATTACKS[:2]:
        assert browser_origin(SITE, attack)[1] == "evil.example"
    assert browser_origin(SITE, "/\t/evil.example")[1] == "evil.example"


def refused_with_nul(target: str, response) -> bool:
    """A NUL anywhere in a request is refused (400) before any view (core/bounds.py), so such
    a target redirects nowhere at all."""
    if "\x00" not in target:
        return False
    assert response.status_code == 400
    return True


@pytest.fixture
def member_client(app, world):
    from tests.functional.security.world import signed_in_client

    return signed_in_client(app, world, "member")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=targets)
@example(target=ATTACKS[0])
@example(target=ATTACKS[1])
def test_sign_in_redirects_only_on_the_site(member_client, target):
    response = member_client.get("/auth/login?next=" + quote(target, safe=""))
    if refused_with_nul(target, response):
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    assert browser_origin(SITE, location) == SITE_ORIGIN, f"{target!r} -> {location!r}"


@pytest.mark.parametrize("attack", ATTACKS)
def test_re_authentication_redirects_only_on_the_site(app, member_client, attack):
    response = member_client.post(
        "/account/confirm-identity?next=" + quote(attack, safe=""),
        data={"csrf_token": csrf_token_for(app, member_client), "password": PASSWORD})
    if refused_with_nul(attack, response):
        return
    assert response.status_code == 302
    assert browser_origin(SITE, response.headers["Location"]) == SITE_ORIGIN


def enrol(app, user_id: int) -> str:
    from forum.accounts.models import User
    from forum.accounts.twofactor import services as twofactor
    from forum.extensions import db

    secret = twofactor.new_secret()
    with app.app_context():
        twofactor.enable(db.session.get(User, user_id), secret, pyotp.TOTP(secret).now())
        db.session.commit()
    return secret


def current_code(secret: str) -> str:
    # The next 30-second step's code: the current one was used up by enrolling.
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_two_factor_step_redirects_only_on_the_site(app, world, attack):
    secret = enrol(app, world.user_id("member"))
    client = app.test_client()
    response = client.post("/auth/login?next=" + quote(attack, safe=""), data={
        "csrf_token": csrf_token_for(app, client), "login": world.username("member"),
        "password": PASSWORD})
    if refused_with_nul(attack, response):
        return
    assert response.headers["Location"].endswith("/auth/login/code")
    response = client.post("/auth/login/code", data={
        "csrf_token": csrf_token_for(app, client), "code": current_code(secret)})
    assert response.status_code == 302
    assert browser_origin(SITE, response.headers["Location"]) == SITE_ORIGIN


@pytest.mark.parametrize("target", ["/discussions/3?page=2#post-4", "/members/?q=a%20b",
                                    "/cerca?q=%C3%A8", "/practices/"])
def test_targets_on_the_site_are_kept(app, target):
    with app.test_request_context():
        assert safe_next(target, "/home") == target
