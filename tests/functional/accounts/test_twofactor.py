"""Two-factor sign-in: enrolment, sign-in with a code or a recovery code, re-authentication,
and staff who must have it in production."""
import time

import pyotp
import pytest
from sqlalchemy import select

from forum.accounts.twofactor.models import RecoveryCode, TwoFactor
from forum.accounts.twofactor.web import AUTH_AT_KEY
from forum.extensions import db
from tests.fixtures.web import page, submit, text_of

pytestmark = pytest.mark.usefixtures("english")


def enrol(client):
    """Turn 2FA on for the signed-in member; returns (secret, recovery codes)."""
    setup = client.get("/account/two-factor/setup")
    assert setup.status_code == 200
    soup = page(setup)
    assert soup.select_one("img.twofactor-qr")["src"].startswith("data:image/svg+xml")
    secret = soup.select_one(".twofactor-secret").get_text().replace(" ", "")
    response = submit(client, "/account/two-factor/setup",
                      {"code": pyotp.TOTP(secret).now()})
    codes = [c.get_text() for c in page(response).select(".recovery-codes code")]
    return secret, codes


def sign_out(client):
    with client.session_transaction() as session:
        session.clear()


def password_step(client, member):
    return submit(client, "/auth/login", {"login": member.username, "password": member.password},
                  follow=False)


def next_code(secret):
    # The code of the next 30-second step: the current one was just used to enrol.
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_enrol_then_sign_in_with_a_code(app, client, make_user, login):
    anna = make_user("anna")
    login(anna)
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    with app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, never plain
        assert db.session.get(TwoFactor, anna.id) is not None
    assert "Two-factor sign-in is on." in text_of(client.get("/account/two-factor"))
    sign_out(client)

    response = password_step(client, anna)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/auth/login/code")
    # Not signed in yet: the password alone opens nothing.
    assert client.get("/account/profile").status_code == 302
    wrong = submit(client, "/auth/login/code", {"code": "000000"})
    assert "That code is not right." in text_of(wrong)
    code = next_code(secret)
    response = submit(client, "/auth/login/code", {"code": code})
    assert response.status_code == 200
    assert client.get("/account/profile").status_code == 200

    # The same code cannot be used twice.
    sign_out(client)
    password_step(client, anna)
    assert "That code is not right." in text_of(submit(client, "/auth/login/code",
                                                        {"code": code}))


def test_a_recovery_code_signs_in_once(client, make_user, login):
    anna = make_user("anna")
    login(anna)
    _secret, codes = enrol(client)
    sign_out(client)

    password_step(client, anna)
    submit(client, "/auth/login/code", {"code": codes[3].lower()})
    assert client.get("/account/profile").status_code == 200
    assert "9 unused recovery codes" in text_of(client.get("/account/two-factor"))
    sign_out(client)

    password_step(client, anna)
    again = submit(client, "/auth/login/code", {"code": codes[3]})
    assert "That code is not right." in text_of(again)
    assert client.get("/account/profile").status_code == 302


def test_the_code_step_expires_and_needs_the_password_first(client, make_user, login):
    response = client.get("/auth/login/code")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    anna = make_user("anna")
    login(anna)
    enrol(client)
    sign_out(client)
    password_step(client, anna)
    with client.session_transaction() as session:
        pending = dict(session["2fa_pending"])
        pending["at"] -= 3600
        session["2fa_pending"] = pending
    assert "/auth/login" in client.get("/auth/login/code").headers["Location"]


def test_five_wrong_codes_start_over(client, make_user, login):
    anna = make_user("anna")
    login(anna)
    enrol(client)
    sign_out(client)
    password_step(client, anna)
    for _ in range(4):
        submit(client, "/auth/login/code", {"code": "123456"})
    response = submit(client, "/auth/login/code", {"code": "123456"})
    assert "Too many wrong codes" in text_of(response)


def test_changing_password_email_or_2fa_asks_to_confirm_identity(client, make_user, login):
    anna = make_user("anna")
    login(anna)
    secret, _codes = enrol(client)
    # Signed in long ago (a remembered session): the password and the code again.
    with client.session_transaction() as session:
        session[AUTH_AT_KEY] = int(time.time()) - 3600
    for url in ("/account/password", "/account/email", "/account/two-factor/setup"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/confirm-identity" in response.headers["Location"]
    reauth = "/account/confirm-identity?next=/account/password"
    wrong = submit(client, reauth, {"password": anna.password, "code": "000000"})
    assert "That code is not right." in text_of(wrong)
    bad_password = submit(client, reauth, {"password": "nope", "code": next_code(secret)})
    assert "The password is not correct." in text_of(bad_password)
    response = submit(client, reauth, {"password": anna.password, "code": next_code(secret)},
                      follow=False)
    assert response.headers["Location"].endswith("/account/password")
    assert client.get("/account/password").status_code == 200


def test_turning_it_off(app, client, make_user, login):
    anna = make_user("anna")
    login(anna)
    enrol(client)
    response = submit(client, "/account/two-factor/disable", {}, form_url="/account/two-factor")
    assert "Two-factor sign-in is off." in text_of(response)
    with app.app_context():
        assert db.session.get(TwoFactor, anna.id) is None
        assert db.session.scalars(select(RecoveryCode)).all() == []
    sign_out(client)
    login(anna)
    assert client.get("/account/profile").status_code == 200


def test_staff_without_2fa_are_refused_moderation_in_production(app, client, make_user, login,
                                                                monkeypatch):
    staff = make_user("sara", role="staff")
    login(staff)
    assert client.get("/mod/").status_code == 200  # development: optional
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")
    for url in ("/mod/", "/mod/log", "/admin/members", "/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/account/two-factor")
    assert "Staff accounts must" in text_of(client.get("/account/two-factor"))
    enrol(client)
    assert client.get("/mod/").status_code == 200


def test_members_are_not_asked_for_2fa_in_production(app, client, make_user, login,
                                                     monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")
    login(make_user("anna"))
    assert client.get("/account/profile").status_code == 200


def test_export_says_whether_it_is_on_and_erasure_removes_it(app, client, make_user, login):
    import json

    from forum.accounts.models import User
    from forum.accounts.services import erase_member

    anna = make_user("anna")
    login(anna)
    secret, _codes = enrol(client)
    exported = json.loads(client.get("/account/export").get_data(as_text=True))
    assert exported["two_factor"]["enabled"] is True
    assert exported["two_factor"]["unused_recovery_codes"] == 10
    assert secret not in json.dumps(exported)
    with app.app_context():
        erase_member(db.session.get(User, anna.id))
        db.session.commit()
        assert db.session.get(TwoFactor, anna.id) is None
        assert db.session.scalars(select(RecoveryCode)).all() == []
