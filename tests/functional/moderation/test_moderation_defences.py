"""Automatic defences, suspension, and who may reach the staff pages."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.moderation.models import Report
from tests.fixtures.discussions import (
    log_actions,
    make_twinning,
    post_state,
    reply,
    staff_action,
    start_discussion,
)
from tests.fixtures.web import PASSWORD, Member, csrf_from, page, submit, text_of

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def space(app):
    return make_twinning(app)


def established(app, make_user, space, name):
    """A member confirmed two weeks ago, with three visible posts."""
    member = make_user(name)
    discussion_id = start_discussion(app, member, space, title=f"{name} asks")
    reply(app, member, discussion_id, "second")
    reply(app, member, discussion_id, "third")
    with app.app_context():
        user = db.session.get(User, member.id)
        user.joined_at = user.email_confirmed_at = utcnow() - timedelta(days=14)
        db.session.commit()
    return member


def report_as(client, login, member, kind, item_id, reason="spam"):
    with client.session_transaction() as session:
        session.clear()
    login(member)
    return submit(client, f"/report/{kind}/{item_id}", {"reason": reason})


@pytest.fixture
def spam(app, make_user, space):
    spammer = make_user("spammer")
    discussion_id = start_discussion(app, make_user("host"), space)
    return reply(app, spammer, discussion_id, "Buy cheap watches"), discussion_id


def test_three_established_members_hide_spam_before_staff_look(app, client, login,
                                                               make_user, space, spam):
    post_id, discussion_id = spam
    reporters = [established(app, make_user, space, n) for n in ("ada", "bea", "cleo")]
    for member in reporters[:2]:
        report_as(client, login, member, "post", post_id)
        assert post_state(app, post_id) == ("published", None)
    report_as(client, login, reporters[2], "post", post_id)
    assert post_state(app, post_id)[0] == "pending"
    assert ("auto-hide", "post", post_id) in log_actions(app)
    with client.session_transaction() as session:
        session.clear()
    assert "Buy cheap watches" not in text_of(client.get(f"/discussions/{discussion_id}"))


def test_three_brand_new_members_do_not_hide_anything(app, client, login, make_user, spam):
    post_id, _discussion_id = spam
    for n in range(3):
        report_as(client, login, make_user(f"new{n}"), "post", post_id)
    assert post_state(app, post_id) == ("published", None)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Report.id))) == 3


def test_staff_dismissing_reports_brings_auto_hidden_content_back(app, client, login,
                                                                  make_user, space, spam):
    post_id, _discussion_id = spam
    for name in ("ada", "bea", "cleo"):
        report_as(client, login, established(app, make_user, space, name), "post", post_id)
    with client.session_transaction() as session:
        session.clear()
    login(make_user("sara", role="staff"))
    queue = text_of(client.get("/mod/"))
    assert "Spam or advertising × 3" in queue and "Pending review" in queue
    item = f"/mod/post/{post_id}"
    staff_action(client, f"{item}/dismiss", item, "dismiss", reason="Not spam")
    assert post_state(app, post_id) == ("published", None)
    assert "No open reports." in text_of(client.get("/mod/"))


def test_one_open_report_per_member_and_item(app, client, login, make_user, spam):
    post_id, _discussion_id = spam
    bob = make_user("bob")
    report_as(client, login, bob, "post", post_id)
    response = submit(client, f"/report/post/{post_id}", {"reason": "offensive"},
                      form_url=f"/discussions/{_discussion_id}")
    assert "You have already reported this" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Report.id))) == 1


def test_report_form_needs_a_reason_and_keeps_the_note(client, login, make_user, spam):
    post_id, _discussion_id = spam
    login(make_user("bob"))
    response = submit(client, f"/report/post/{post_id}", {"note": "my careful note"})
    assert "Choose a reason." in text_of(response)
    assert "my careful note" in response.get_data(as_text=True)


def test_nobody_reports_their_own_post_and_visitors_are_sent_to_sign_in(client, login, spam,
                                                                        app):
    post_id, discussion_id = spam
    response = client.get(f"/report/post/{post_id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    with app.app_context():
        spammer = db.session.scalar(select(User).where(User.username_key == "spammer"))
    login(Member(spammer.id, "spammer", "", PASSWORD))
    assert client.get(f"/report/post/{post_id}").status_code == 403
    own = page(client.get(f"/discussions/{discussion_id}"))
    assert "Report post 2" not in [a.get_text(" ", strip=True) for a in own.select("footer a")]
    # Other members see the link on the same post.
    assert "Report post 1" in [a.get_text(" ", strip=True) for a in own.select("footer a")]


def test_unknown_kinds_and_ids_are_404(client, login, make_user):
    login(make_user("bob"))
    assert client.get("/report/planet/1").status_code == 404
    assert client.get("/report/post/999999").status_code == 404


def test_members_get_403_on_every_staff_page_and_action(app, client, login, make_user, spam):
    post_id, discussion_id = spam
    bob = make_user("bob")
    login(bob)
    token = csrf_from(client.get(f"/report/post/{post_id}"))
    for url in ("/mod/", "/mod/log", f"/mod/post/{post_id}", f"/mod/post/{post_id}/edit"):
        assert client.get(url).status_code == 403, url
    posts = {
        f"/mod/post/{post_id}/dismiss": "dismiss", f"/mod/post/{post_id}/hide": "hide",
        f"/mod/post/{post_id}/restore": "restore", f"/mod/post/{post_id}/purge": "purge",
        f"/mod/discussions/{discussion_id}/lock": "lock",
        f"/mod/discussions/{discussion_id}/pin": "pin",
        f"/mod/discussions/{discussion_id}/move": "move",
        f"/mod/members/{bob.id}/suspend": "suspend",
        f"/mod/members/{bob.id}/unsuspend": "unsuspend",
    }
    for url, prefix in posts.items():
        response = client.post(url, data={f"{prefix}-csrf_token": token, f"{prefix}-reason": "x",
                                          f"{prefix}-state": "on", f"{prefix}-days": "3"})
        assert response.status_code == 403, url
    assert post_state(app, post_id) == ("published", None)


def test_staff_cannot_purge_admins_can(app, client, login, make_user, spam):
    post_id, discussion_id = spam
    login(make_user("sara", role="staff"))
    item = f"/mod/post/{post_id}"
    response = staff_action(client, f"{item}/purge", item, "purge", reason="spam")
    assert response.status_code == 403
    with client.session_transaction() as session:
        session.clear()
    login(make_user("root", role="admin"))
    response = staff_action(client, f"{item}/purge", item, "purge", reason="pure spam")
    assert "deleted for good" in text_of(response)
    with app.app_context():
        assert db.session.get(Post, post_id) is None
        assert db.session.get(Discussion, discussion_id).reply_count == 0
    assert ("purge", "post", post_id) in log_actions(app)


def test_suspension_ends_the_open_session_and_sign_in_shows_the_end_date(
        app, make_user, login, client):
    bob = make_user("bob")
    member_client = app.test_client()
    member_client.get("/?lang=en")
    submit(member_client, "/auth/login", {"login": "bob", "password": bob.password})
    assert member_client.get("/account/profile").status_code == 200

    login(make_user("sara", role="staff"))
    page_url = f"/mod/user/{bob.id}"
    response = staff_action(client, f"/mod/members/{bob.id}/suspend", page_url, "suspend",
                            days="5", reason="Repeated spam")
    assert "bob is suspended" in text_of(response)

    # The open session stops at its next request.
    assert member_client.get("/account/profile").status_code == 302
    response = submit(member_client, "/auth/login", {"login": "bob", "password": bob.password})
    with app.app_context():
        until = db.session.get(User, bob.id).suspended_until
    assert "Your account is suspended until" in text_of(response)
    assert str(until.year) in text_of(response)
    assert (until - utcnow()).days in (4, 5)

    staff_action(client, f"/mod/members/{bob.id}/unsuspend", page_url, "unsuspend")
    response = submit(member_client, "/auth/login", {"login": "bob", "password": bob.password})
    assert member_client.get("/account/profile").status_code == 200
    assert [a[0] for a in log_actions(app) if a[1] == "user"] == ["suspend", "unsuspend"]


def test_indefinite_suspension_and_who_may_suspend_whom(app, client, login, make_user):
    bob = make_user("bob")
    other_staff = make_user("otto", role="staff")
    login(make_user("sara", role="staff"))
    response = staff_action(client, f"/mod/members/{other_staff.id}/suspend",
                            f"/mod/user/{bob.id}", "suspend", days="3", reason="x")
    assert response.status_code == 403
    response = staff_action(client, f"/mod/members/{bob.id}/suspend", f"/mod/user/{bob.id}",
                            "suspend", reason="")
    assert response.status_code == 400
    assert "Give a number of days" in text_of(response) or "required" in text_of(response)
    staff_action(client, f"/mod/members/{bob.id}/suspend", f"/mod/user/{bob.id}", "suspend",
                 indefinitely="y", reason="Threats")
    with client.session_transaction() as session:
        session.clear()
    response = submit(client, "/auth/login", {"login": "bob", "password": bob.password})
    assert "Your account is suspended indefinitely." in text_of(response)
