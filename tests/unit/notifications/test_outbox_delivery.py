"""Outbox delivery against a real SMTP server on 127.0.0.1, a server that is down, and none."""
import logging
from datetime import timedelta

from sqlalchemy import select

from forum.core.db import utcnow
from forum.extensions import db
from forum.notifications.models import OutboxMessage
from forum.notifications.services import queue_mail
from tests.fixtures.mail import MailServer, deliver, free_port

TOKEN = "eyJ1c2VyIjo0Mn0.Zm9vYmFy.x3Jd9kQw1bVtLr0aZs8uPcN2mYh"


def queue(app, recipient="giulia@example.org", subject="Conferma il tuo indirizzo",
          body="Ciao Giulia,\napri http://localhost/auth/confirm/" + TOKEN + "\nA presto!"):
    with app.app_context():
        message_id = queue_mail(recipient, subject, body).id
        db.session.commit()
        return message_id


def load(app, message_id) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def test_a_message_reaches_a_real_smtp_server_with_its_headers(app, mail_server_config):
    message_id = queue(app, subject="Benvenuta su Gemellaggi · conferma")
    with MailServer(mail_server_config) as handler:
        report = deliver(app)

    assert report.sent == 1
    [(mail_from, rcpt_tos, received)] = handler.received
    assert mail_from == "noreply@gemellaggi.example"
    assert rcpt_tos == ["giulia@example.org"]
    assert received["To"] == "giulia@example.org"
    assert received["From"] == "Gemellaggi <noreply@gemellaggi.example>"
    assert received["Subject"] == "Benvenuta su Gemellaggi · conferma"
    assert received["Date"] and received["Message-ID"].endswith("@gemellaggi.example>")
    assert received.get_content_type() == "text/plain"
    assert received.get_content_charset() == "utf-8"
    # SMTP carries CRLF line ends; the text is the same.
    assert received.get_content().replace("\r\n", "\n") == (
        "Ciao Giulia,\napri http://localhost/auth/confirm/" + TOKEN + "\nA presto!\n")
    stored = load(app, message_id)
    assert stored.sent_at is not None and stored.attempts == 0 and stored.last_error is None


def test_nothing_is_sent_twice(app, mail_server_config):
    queue(app)
    queue(app, recipient="marco@example.org")
    with MailServer(mail_server_config) as handler:
        first, second = deliver(app), deliver(app)
    assert (first.sent, second.sent) == (2, 0)
    assert sorted(rcpt for _, [rcpt], _ in handler.received) == [
        "giulia@example.org", "marco@example.org"]


def test_a_server_that_is_down_keeps_the_message_for_a_later_attempt(app, mail_server_config):
    message_id = queue(app)
    before = utcnow()

    report = deliver(app, now=before)

    assert (report.sent, report.failed) == (0, 1)
    kept = load(app, message_id)
    assert kept.sent_at is None
    assert kept.attempts == 1
    assert kept.last_error
    assert kept.next_attempt_at > before

    with MailServer(mail_server_config) as handler:
        # Still inside the back-off: the server is up but the message waits its turn.
        assert deliver(app, now=before + timedelta(seconds=10)).sent == 0
        assert handler.received == []
        later = kept.next_attempt_at + timedelta(seconds=1)
        assert deliver(app, now=later).sent == 1
        assert deliver(app, now=later + timedelta(hours=2)).sent == 0

    assert len(handler.received) == 1
    delivered = load(app, message_id)
    assert delivered.sent_at is not None and delivered.attempts == 1


def test_repeated_failures_wait_longer_each_time(app, mail_server_config):
    message_id = queue(app)
    now = utcnow()
    waits = []
    for _ in range(3):
        deliver(app, now=now)
        next_attempt = load(app, message_id).next_attempt_at
        waits.append(round((next_attempt - now).total_seconds() / 60))
        now = next_attempt
    assert waits == [1, 2, 4]
    assert load(app, message_id).attempts == 3


def test_without_a_server_mail_is_logged_once_with_its_token_masked(app, caplog):
    assert not app.config.get("FORUM_MAIL_SERVER")
    message_id = queue(app)

    with caplog.at_level(logging.INFO, logger="forum.mail"):
        first = deliver(app)
        second = deliver(app)

    assert (first.logged, second.logged) == (1, 0)
    logged = [r.getMessage() for r in caplog.records if r.name == "forum.mail"]
    assert len(logged) == 1
    assert "giulia@example.org" in logged[0]
    assert "Conferma il tuo indirizzo" in logged[0]
    assert "http://localhost/auth/confirm/***" in logged[0]
    assert TOKEN not in caplog.text
    kept = load(app, message_id)
    assert kept.sent_at is None and kept.logged_at is not None


def test_a_logged_message_is_still_sent_once_a_server_is_configured(app, monkeypatch):
    message_id = queue(app)
    deliver(app)
    port = free_port()
    monkeypatch.setitem(app.config, "FORUM_MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "FORUM_MAIL_PORT", port)
    with MailServer(port) as handler:
        assert deliver(app).sent == 1
    assert len(handler.received) == 1
    assert load(app, message_id).sent_at is not None


def test_a_rolled_back_change_sends_no_mail(app):
    with app.app_context():
        queue_mail("nobody@example.org", "Mai inviata", "corpo")
        db.session.rollback()
        assert db.session.scalars(select(OutboxMessage)).all() == []
