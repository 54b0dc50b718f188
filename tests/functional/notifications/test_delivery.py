"""Delivery against a real SMTP server (aiosmtpd on 127.0.0.1): a server stopped mid-batch,
messages parked after FORUM_MAIL_MAX_ATTEMPTS failures, and the administrators' page that
lists them with their error and puts them back in the queue."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from forum.core.db import utcnow
from forum.extensions import db
from forum.notifications.models import OutboxMessage
from forum.notifications.services import queue_mail
from tests.fixtures.mail import MailServer, deliver
from tests.fixtures.web import csrf_from, page, text_of


def outbox_ids(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(OutboxMessage.id)))


def message_id(app, outbox_id: int) -> str:
    from forum.notifications.services import _message_id

    with app.app_context():
        message = db.session.get(OutboxMessage, outbox_id)
        return _message_id(message, app.config["FORUM_MAIL_SENDER"])


def test_server_stopped_mid_batch_then_a_post_then_started_every_message_once(
        app, scene, mail_server_config):
    # Five replies, each an at-once e-mail to Anna, who opened the discussion.
    for i in range(5):
        scene.reply(scene.bruno, f"Risposta {i}")
    assert len(outbox_ids(app)) == 5

    with MailServer(mail_server_config, stop_after=3) as first:
        report = deliver(app)
    assert (report.sent, report.failed, report.stopped_early) == (3, 1, True)
    assert len(first.received) == 3

    # A member posts while the server is down: the mail waits in the outbox.
    scene.reply(scene.carla, "Arrivo anch'io")
    total = len(outbox_ids(app))
    assert total == 7  # to Anna, who opened it, and to Bruno, who wrote in it

    later = utcnow() + timedelta(minutes=5)  # past the first back-off
    with MailServer(mail_server_config) as second:
        assert deliver(app, now=later).sent == total - 3
        assert deliver(app, now=later + timedelta(hours=2)).sent == 0

    arrived = Counter(first.message_ids + second.message_ids)
    assert set(arrived.values()) == {1}
    assert set(arrived) == {message_id(app, i) for i in outbox_ids(app)}


def test_a_message_is_parked_after_the_configured_failures_and_never_dropped(
        app, mail_server_config, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_MAIL_MAX_ATTEMPTS", 3)
    with app.app_context():
        kept_id = queue_mail("giulia@example.org", "Da consegnare", "Testo.").id
        db.session.commit()
    now = utcnow()
    for _ in range(3):  # nothing listens on the port: each attempt fails
        assert deliver(app, now=now).failed == 1
        now += timedelta(hours=2)
    with app.app_context():
        message = db.session.get(OutboxMessage, kept_id)
        assert message.attempts == 3 and message.parked_at is not None
        assert "ConnectionRefusedError" in message.last_error
        assert message.sent_at is None

    with MailServer(mail_server_config) as server:
        # Parked: the sender leaves it alone, however late it is.
        assert deliver(app, now=now + timedelta(days=3)).sent == 0
        assert server.received == []
    with app.app_context():
        assert db.session.get(OutboxMessage, kept_id) is not None


def _park(app, n: int, error: str = "SMTPRecipientsRefused: {'x@example.invalid': (550, b'No')}"):
    with app.app_context():
        ids = []
        for i in range(n):
            message = queue_mail(f"nessuno{i}@example.invalid", f"Non consegnata {i}", "Testo.")
            message.attempts, message.parked_at, message.last_error = 10, utcnow(), error
            ids.append(message.id)
        db.session.commit()
        return ids


def test_an_admin_sees_the_parked_mail_with_its_error_and_retries_it(
        app, client, login, make_user, mail_server_config):
    admin = make_user("amministra", role="admin")
    (parked_id,) = _park(app, 1, error="SMTPRecipientsRefused: <script>alert(1)</script>")
    login(admin)
    listing = client.get("/admin/mail")
    assert listing.status_code == 200
    text = text_of(listing)
    assert "nessuno0@example.invalid" in text and "Non consegnata 0" in text
    # The server's answer is shown as text, never as markup.
    assert page(listing).select_one("code.parked-error").get_text() == (
        "SMTPRecipientsRefused: <script>alert(1)</script>")
    assert "<script>alert(1)" not in listing.get_data(as_text=True)

    button = page(listing).select_one(f"form[action='/admin/mail/{parked_id}/retry']")
    response = client.post(button["action"], data={"csrf_token": csrf_from(listing)},
                           follow_redirects=True)
    assert "back in the queue" in text_of(response)
    assert "No message is parked" in text_of(client.get("/admin/mail"))

    with MailServer(mail_server_config) as server:
        assert deliver(app).sent == 1
    assert server.message_ids == [message_id(app, parked_id)]
    with app.app_context():
        message = db.session.get(OutboxMessage, parked_id)
        assert message.sent_at is not None and message.parked_at is None


def test_retrying_a_message_that_is_not_parked_is_404(app, client, login, make_user):
    admin = make_user("amministra", role="admin")
    with app.app_context():
        queued = queue_mail("giulia@example.org", "In coda", "Testo.").id
        db.session.commit()
    login(admin)
    listing = client.get("/admin/mail")
    response = client.post(f"/admin/mail/{queued}/retry",
                           data={"csrf_token": csrf_from(listing)})
    assert response.status_code == 404


def test_members_and_staff_do_not_see_the_parked_mail(client, login, make_user):
    login(make_user("moderatrice", role="staff"))
    assert client.get("/admin/mail").status_code == 403


def test_the_parked_mail_page_does_not_grow_with_its_rows(
        app, client, login, make_user, count_queries):
    admin = make_user("amministra", role="admin")
    login(admin)
    _park(app, 2)
    client.get("/admin/mail")
    with count_queries() as few:
        client.get("/admin/mail")
    _park(app, 20)
    # Warmed again: the header's cached counts are rebuilt once after any change.
    client.get("/admin/mail")
    with count_queries() as many:
        response = client.get("/admin/mail")
    assert text_of(response).count("@example.invalid") >= 22

    # The staff menu's count of open reports is cached under the content version, which
    # other test processes move too: it is the menu's cost, not this page's.
    def page_queries(statements):
        return [s for s in statements if "FROM reports" not in s]

    assert len(page_queries(many)) == len(page_queries(few))
