"""Account settings: password, sessions, e-mail address, export and deletion."""
import io
import json
from pathlib import Path

from flask_babel import force_locale
from PIL import Image
from sqlalchemy import select

from forum.accounts import services
from forum.accounts.models import RoleChange, User
from forum.extensions import db
from forum.places.models import City, Organisation
from tests.fixtures.web import link_in, page, submit, text_of

NEW_PASSWORD = "another long pass phrase"


def two_clients(app, member, login):
    """The member signed in on this client and on a second device."""
    login(member)
    other = app.test_client()
    submit(other, "/auth/login", {"login": member.username, "password": member.password})
    assert other.get("/account/profile").status_code == 200
    return other


def test_sign_out_everywhere_ends_the_other_sessions_at_once(app, client, make_user, login):
    member = make_user()
    other = two_clients(app, member, login)
    response = submit(client, "/account/sessions", {}, form_url="/account/password")
    assert "signed out on every other device" in text_of(response)
    assert other.get("/account/profile").status_code == 302
    assert client.get("/account/profile").status_code == 200


def test_sign_out_everywhere_also_ends_remember_me_cookies(app, client, make_user, login):
    member = make_user()
    other = app.test_client()
    submit(other, "/auth/login", {"login": member.username, "password": member.password,
                                  "remember": "y"})
    login(member)
    submit(client, "/account/sessions", {}, form_url="/account/password")
    other.delete_cookie("session")
    assert other.get("/account/profile").status_code == 302


def test_change_password_keeps_this_session_and_ends_the_others(app, client, make_user, login):
    member = make_user()
    other = two_clients(app, member, login)
    response = submit(client, "/account/password", {"current_password": member.password,
                                                    "new_password": NEW_PASSWORD})
    assert "Your password has been changed" in text_of(response)
    assert client.get("/account/profile").status_code == 200
    assert other.get("/account/profile").status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).check_password(NEW_PASSWORD)


def test_change_password_needs_the_current_one(app, client, make_user, login):
    member = make_user()
    login(member)
    client.get("/?lang=en")
    response = submit(client, "/account/password", {"current_password": "wrong guess here",
                                                    "new_password": NEW_PASSWORD})
    html = page(response)
    assert html.find(id="current_password-error").get_text(strip=True) == (
        "The current password is not correct.")
    with app.app_context():
        assert db.session.get(User, member.id).check_password(member.password)


def test_change_email_takes_effect_only_when_the_link_is_followed(app, client, make_user, login,
                                                                  outbox):
    member = make_user()
    login(member)
    response = submit(client, "/account/email", {"email": "New.Address@Example.org",
                                                 "password": member.password})
    assert "We have sent a link to new.address@example.org" in text_of(response)
    with app.app_context():
        user = db.session.get(User, member.id)
        assert (user.email, user.pending_email) == (member.email, "new.address@example.org")
    [(to_new, _s1, body_new), (to_old, _s2, body_old)] = outbox()
    assert to_new == "new.address@example.org" and to_old == member.email
    assert "n***@example.org" in body_old and "new.address" not in body_old
    link = link_in(body_new, "account/email/")

    response = client.get(link, follow_redirects=True)
    assert "Your e-mail address is now new.address@example.org" in text_of(response)
    with app.app_context():
        user = db.session.get(User, member.id)
        assert (user.email, user.pending_email) == ("new.address@example.org", None)
    assert "This link is not valid" in text_of(client.get(link, follow_redirects=True))


def test_change_email_requires_the_password_and_a_free_address(app, client, make_user, login,
                                                               outbox):
    member = make_user()
    taken = make_user()
    login(member)
    response = submit(client, "/account/email", {"email": "fresh@example.org",
                                                 "password": "not my password"})
    assert page(response).find(id="password-error").get_text(strip=True) == (
        "The password is not correct.")
    assert page(response).find("input", attrs={"name": "email"})["value"] == "fresh@example.org"
    assert outbox() == []
    # A taken address is answered as a free one; no link goes out, its owner is told
    # (tests/functional/security/test_no_enumeration.py).
    response = submit(client, "/account/email", {"email": taken.email.upper(),
                                                 "password": member.password})
    assert page(response).find(id="email-error") is None
    assert not [body for _to, _subject, body in outbox() if "/account/email/" in body]


def test_export_gives_the_members_data_as_json(app, client, make_user, login):
    admin = make_user(role="admin")
    with app.app_context():
        city = City(name="Bergamo", slug="bergamo", region="Lombardia")
        organisation = Organisation(name="Comune di Bergamo", kind="public-administration")
        db.session.add_all([city, organisation])
        db.session.commit()
        city_id, organisation_id = city.id, organisation.id
    member = make_user(full_name="Marco Verdi", profession="Urbanista", bio="Hello *there*",
                       city_id=city_id, organisation_id=organisation_id)
    with app.app_context():
        services.change_role(db.session.get(User, admin.id), db.session.get(User, member.id),
                             "staff")
        db.session.commit()
    login(member)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    account = data["account"]
    assert account["username"] == member.username and account["email"] == member.email
    assert (account["full_name"], account["profession"]) == ("Marco Verdi", "Urbanista")
    assert account["bio"] == "Hello *there*" and account["role"] == "staff"
    assert account["organisation"]["name"] == "Comune di Bergamo"
    assert account["city"]["slug"] == "bergamo"
    assert account["joined_at"].startswith("20")
    [change] = data["role_changes"]
    assert (change["old_role"], change["new_role"], change["changed_by_id"]) == (
        "member", "staff", admin.id)


def test_export_and_settings_need_a_signed_in_member(client):
    for url in ("/account/export", "/account/profile", "/account/password", "/account/email",
                "/account/delete"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def avatar_png():
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 30, 30)).save(out, "PNG")
    out.seek(0)
    return out


def test_delete_account_erases_personal_data_and_keeps_a_former_member(app, client, make_user,
                                                                       login):
    member = make_user(full_name="Sara Neri", profession="Architetta", bio="About me",
                       preferred_language="en")
    admin = make_user(role="admin")
    with app.app_context():
        services.change_role(db.session.get(User, admin.id), db.session.get(User, member.id),
                             "staff")
        db.session.commit()
    login(member)
    submit(client, "/account/profile", {"full_name": "Sara Neri", "organisation_id": "0",
                                        "city_id": "0", "listed": "y",
                                        "preferred_language": "",
                                        "avatar": (avatar_png(), "me.png")},
           content_type="multipart/form-data")
    with app.app_context():
        avatar = Path(app.config["FORUM_UPLOAD_DIR"], "avatars",
                      db.session.get(User, member.id).avatar_filename)
    assert avatar.is_file()

    response = submit(client, "/account/delete", {"password": "wrong password given"})
    assert "The password is not correct" in text_of(response)
    response = submit(client, "/account/delete", {"password": member.password})
    assert "Your account has been deleted" in text_of(response)

    with app.test_request_context():
        user = db.session.get(User, member.id)
        assert user.deleted_at is not None
        assert user.username == user.username_key == f"former-{member.id}"
        for column in ("email", "pending_email", "password_hash", "full_name", "profession",
                       "bio", "bio_html", "organisation_id", "city_id", "avatar_filename",
                       "preferred_language", "last_login_at"):
            assert getattr(user, column) is None, column
        assert user.listed is False
        with force_locale("en"):
            assert user.display_name == "Former member"
        # The audit trail keeps ids only, so it stays.
        assert db.session.scalar(select(RoleChange.id).where(RoleChange.user_id == member.id))
    assert not avatar.exists()
    assert client.get("/account/profile").status_code == 302
    assert client.get(f"/members/{member.username}").status_code == 404
    assert client.get(f"/members/former-{member.id}").status_code == 404
    response = submit(client, "/auth/login", {"login": member.email,
                                              "password": member.password})
    assert "is not correct" in text_of(response)
    # The username and the address are free again.
    with app.app_context():
        assert services.create_user(member.username, member.email, member.password).id
        db.session.rollback()


def test_the_only_administrator_cannot_delete_the_account(app, client, make_user, login):
    admin = make_user(role="admin")
    login(admin)
    response = submit(client, "/account/delete", {"password": admin.password})
    assert "only administrator" in text_of(response)
    with app.app_context():
        assert db.session.get(User, admin.id).deleted_at is None
