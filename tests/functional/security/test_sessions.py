"""Sessions that end: a session or remember-me cookie copied before sign-out, a password or
e-mail change, or a change to two-factor sign-in stops working; staff pages ask a session
that never gave the account's second factor for a code."""
import time

import pyotp
import pytest

from tests.fixtures.web import link_in
from tests.functional.security.world import PASSWORD, csrf_token_for

REMEMBER = "remember_token"


def sign_in(app, username, remember=False):
    client = app.test_client()
    data = {"csrf_token": csrf_token_for(app, client), "login": username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def copy_of(app, client, names=("session",)):
    """Another browser holding the same cookies, as a thief who copied them would."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.set_cookie(name, cookie.value)
    return thief


def signed_in(client) -> bool:
    return client.get("/account/profile").status_code == 200


def post(app, client, path, data=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_token_for(app, client), **(data or {})},
                       **kwargs)


@pytest.fixture
def member(app, make_user):
    return make_user("sessione")


def test_sign_out_ends_a_copied_session_cookie(app, member):
    browser = sign_in(app, member.username)
    thief = copy_of(app, browser)
    assert signed_in(thief)
    post(app, browser, "/auth/logout")
    assert not signed_in(browser)
    assert not signed_in(thief)


def test_sign_out_ends_a_copied_remember_me_cookie(app, member):
    browser = sign_in(app, member.username, remember=True)
    thief = copy_of(app, browser, names=(REMEMBER,))
    assert signed_in(thief)  # the remember-me cookie alone opens a session...
    stolen = thief.get_cookie(REMEMBER).value
    post(app, browser, "/auth/logout")
    fresh = app.test_client()
    fresh.set_cookie(REMEMBER, stolen)
    assert not signed_in(fresh)  # ...until its owner signs out


def test_password_change_ends_copied_cookies_and_keeps_this_browser(app, member):
    browser = sign_in(app, member.username, remember=True)
    session_thief = copy_of(app, browser)
    remember_thief = copy_of(app, browser, names=(REMEMBER,))
    response = post(app, browser, "/account/password", {
        "current_password": PASSWORD, "new_password": "a much newer pass phrase",
        "confirm": "a much newer pass phrase"})
    assert response.status_code == 302
    assert signed_in(browser)
    assert not signed_in(session_thief)
    assert not signed_in(remember_thief)


def test_email_change_ends_copied_cookies(app, member, outbox):
    browser = sign_in(app, member.username)
    thief = copy_of(app, browser)
    assert post(app, browser, "/account/email",
                {"email": "nuovo-indirizzo@example.org", "password": PASSWORD}).status_code == 302
    link = link_in(outbox()[-2][2], "/account/email/")
    assert browser.get(link).status_code == 302
    assert signed_in(browser)
    assert not signed_in(thief)


def enrol(app, client) -> str:
    """Turn two-factor sign-in on through its pages; returns the secret."""
    from forum.accounts.twofactor.web import SETUP_KEY

    assert client.get("/account/two-factor/setup").status_code == 200
    with client.session_transaction() as stored:
        secret = stored[SETUP_KEY]
    response = post(app, client, "/account/two-factor/setup",
                    {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    return secret


def next_code(secret):
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def staff(make_user):
    return make_user("custode", role="staff")


def test_enrolling_ends_the_sessions_opened_with_the_password_alone(app, staff):
    earlier = sign_in(app, staff.username)
    assert earlier.get("/mod/").status_code == 200
    enrolling = sign_in(app, staff.username)
    enrol(app, enrolling)
    assert enrolling.get("/mod/").status_code == 200
    response = earlier.get("/mod/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("action", ["/account/two-factor/disable",
                                    "/account/two-factor/recovery-codes"])
def test_changing_two_factor_ends_copied_cookies(app, staff, action):
    browser = sign_in(app, staff.username)
    enrol(app, browser)
    thief = copy_of(app, browser)
    assert thief.get("/mod/").status_code == 200
    assert post(app, browser, action).status_code in (200, 302)
    assert signed_in(browser)
    assert not signed_in(thief)


def test_staff_pages_need_the_second_factor_in_a_remembered_session(app, staff):
    browser = sign_in(app, staff.username, remember=True)
    secret = enrol(app, browser)
    # The remember-me cookie of the enrolled session: a new browser session opens from it.
    remembered = copy_of(app, browser, names=(REMEMBER,))
    assert signed_in(remembered)
    response = remembered.get("/mod/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/confirm-identity")
    reauth = post(app, remembered, response.headers["Location"],
                  {"password": PASSWORD, "code": next_code(secret)})
    assert reauth.status_code == 302 and reauth.headers["Location"] == "/mod/"
    assert remembered.get("/mod/").status_code == 200
