"""Signing in and out: username or e-mail, remember me, next=, suspension, rate limits."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from forum import create_app
from forum.accounts.models import User
from forum.core.i18n import LANG_COOKIE
from forum.extensions import db, limiter
from tests.fixtures.web import csrf_from, submit, text_of

GENERIC = "The username, e-mail address or password is not correct."


def sign_in(client, login, password, next_=None, **extra):
    url = "/auth/login" + (f"?next={next_}" if next_ else "")
    return submit(client, url, {"login": login, "password": password, **extra}, follow=False)


def test_sign_in_with_username_or_email_in_any_case(app, client, make_user):
    member = make_user("Anna_B")
    for login in ("anna_b", "ANNA_B", member.email.upper()):
        response = sign_in(client, login, member.password)
        assert response.status_code == 302, login
        assert client.get("/account/profile").status_code == 200
        submit(client, "/auth/logout", {}, form_url="/account/profile")
        assert client.get("/account/profile").status_code == 302


def test_sign_in_records_the_last_login(app, client, make_user):
    member = make_user()
    sign_in(client, member.username, member.password)
    with app.app_context():
        last = db.session.get(User, member.id).last_login_at
    assert last is not None and datetime.now(UTC) - last < timedelta(minutes=1)


def test_failure_gets_one_generic_message_whatever_was_wrong(app, client, make_user):
    member = make_user()
    client.get("/?lang=en")
    wrong_password = sign_in(client, member.username, "not the password at all")
    unknown_user = sign_in(client, "nobody-here", "not the password at all")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert GENERIC in text_of(response)
    assert text_of(wrong_password).count(GENERIC) == 1


def test_next_is_honoured_on_this_site_only(client, make_user):
    member = make_user()
    response = sign_in(client, member.username, member.password, next_="/members/")
    assert response.headers["Location"] == "/members/"
    submit(client, "/auth/logout", {}, form_url="/account/profile")
    for target in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        response = submit(client, "/auth/login?next=" + target,
                          {"login": member.username, "password": member.password},
                          form_url="/auth/login", follow=False)
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"], target
        submit(client, "/auth/logout", {}, form_url="/account/profile")


def test_login_page_redirects_a_signed_in_member_only_within_the_site(client, make_user, login):
    login(make_user())
    response = client.get("/auth/login?next=https://evil.example/")
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    member = make_user()
    sign_in(client, member.username, member.password)
    assert client.get_cookie("remember_token") is None
    submit(client, "/auth/logout", {}, form_url="/account/profile")
    sign_in(client, member.username, member.password, remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only and cookie.expires is not None
    # The remember-me cookie alone signs the member back in.
    client.delete_cookie("session")
    assert client.get("/account/profile").status_code == 200


def test_sign_in_sets_the_language_cookie_to_the_preferred_language(app, client, make_user):
    member = make_user(preferred_language="en")
    response = sign_in(client, member.username, member.password)
    assert client.get_cookie(LANG_COOKIE).value == "en"
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_suspended_member_is_refused_with_the_end_date(app, client, make_user):
    until = datetime.now(UTC) + timedelta(days=30)
    member = make_user(suspended_until=until)
    client.get("/?lang=en")
    response = sign_in(client, member.username, member.password)
    assert response.status_code == 200
    shown = until.astimezone(ZoneInfo("Europe/Rome"))  # the day as Italy reads it
    day = f"{shown.day} {shown.strftime('%B')} {shown.year}"
    assert f"Your account is suspended until {day}" in text_of(response)
    assert client.get("/account/profile").status_code == 302


def test_logout_is_a_post_with_csrf(client, make_user, login):
    login(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account/profile").status_code == 200
    submit(client, "/auth/logout", {}, form_url="/account/profile")
    assert client.get("/account/profile").status_code == 302


def test_sign_in_needs_a_csrf_token(client, make_user):
    member = make_user()
    response = client.post("/auth/login", data={"login": member.username,
                                                "password": member.password})
    assert response.status_code == 400


@pytest.fixture
def limited_app(_app, test_config):
    """A second app with rate limits on: the limiter is one object shared by every app."""
    app = create_app({**test_config, "RATELIMIT_ENABLED": True})
    limiter.reset()
    try:
        yield app
    finally:
        limiter.enabled = False
        limiter.reset()
        with app.app_context():
            db.engine.dispose()


def test_repeated_failed_sign_ins_get_429(limited_app):
    client = limited_app.test_client()
    client.get("/?lang=en")
    token = csrf_from(client.get("/auth/login"))
    # Another name each time: the per-account delay (tests/functional/security/test_limits.py)
    # would step in after five; this is the limit per address.
    codes = [client.post("/auth/login", data={"csrf_token": token, "login": f"nobody{n}",
                                              "password": "wrong password!"}).status_code
             for n in range(12)]
    data = {"csrf_token": token, "login": "nobody-else", "password": "wrong password!"}
    assert codes[:10] == [200] * 10
    assert codes[10:] == [429, 429]
    refused = client.post("/auth/login", data=data)
    assert "Too many requests" in text_of(refused)
    # Reading the page is not limited, only attempts.
    assert client.get("/auth/login").status_code == 200


def test_registration_and_reset_are_rate_limited(limited_app):
    client = limited_app.test_client()
    token = csrf_from(client.get("/auth/reset"))
    codes = [client.post("/auth/reset", data={"csrf_token": token,
                                              "email": "nobody@example.org"}).status_code
             for _ in range(6)]
    assert codes[-1] == 429 and 429 not in codes[:5]
    token = csrf_from(client.get("/auth/register"))
    codes = [client.post("/auth/register", data={"csrf_token": token}).status_code
             for _ in range(6)]
    assert codes[-1] == 429 and 429 not in codes[:5]
    with limited_app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_a_language_chosen_before_signing_in_is_kept_and_offered_to_the_profile(app, client,
                                                                                make_user):
    member = make_user(preferred_language="it")
    client.get("/?lang=en")
    sign_in(client, member.username, member.password)
    assert client.get_cookie(LANG_COOKIE).value == "en"
    page = client.get("/practices/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "You chose English before signing in" in page

    submit(client, "/account/language", {"answer": "save", "next": "/practices/"},
           form_url="/practices/")
    with app.app_context():
        assert db.session.get(User, member.id).preferred_language == "en"
    assert "You chose English" not in client.get("/practices/").get_data(as_text=True)


def test_declining_the_offer_keeps_the_profile_and_stops_asking(app, client, make_user):
    member = make_user(preferred_language="en")
    client.get("/?lang=it")
    sign_in(client, member.username, member.password)
    assert "Hai scelto Italiano prima di accedere" in client.get("/").get_data(as_text=True)
    response = submit(client, "/account/language", {"answer": "no", "next": "/calls/"},
                      form_url="/", follow=False)
    assert response.headers["Location"].endswith("/calls/")
    with app.app_context():
        assert db.session.get(User, member.id).preferred_language == "en"
    assert "Hai scelto" not in client.get("/").get_data(as_text=True)
    assert client.get_cookie(LANG_COOKIE).value == "it"


def test_no_offer_when_the_choice_is_the_profile_s(client, make_user):
    member = make_user(preferred_language="en")
    client.get("/?lang=en")
    sign_in(client, member.username, member.password)
    assert "You chose English" not in client.get("/").get_data(as_text=True)
