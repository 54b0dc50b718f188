"""The e-mail outbox: mail is queued in the caller's transaction and delivered later.

Senders claim one message at a time with a row lock (`SELECT … FOR UPDATE SKIP LOCKED` on
PostgreSQL), held until its outcome is committed, so several `outbox send --loop` workers on
several machines never send one message twice. SQLite has no row locks: there every sending
transaction begins IMMEDIATE (forum.core.db), so a second worker waits for the first one's
commit; one writer is enough for the database SQLite serves, so run one worker there.
A message that fails FORUM_MAIL_MAX_ATTEMPTS times is parked: no more tries until an
administrator retries it from the parked-mail page, and it is never dropped.
"""
import json
import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import func, or_, select

from forum.core import outbox
from forum.core.db import utcnow
from forum.extensions import db
from forum.notifications import console
from forum.notifications.models import OutboxMessage

log = logging.getLogger("forum.mail")

SMTP_TIMEOUT = 30
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
MASK = "***"

# Errors about one message: the connection is still good for the next one.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError,
                  ValueError, MessageError)

_URL = re.compile(r"https?://[^\s<>\"']+")
# A signed token (itsdangerous, JWT): base64url parts joined by dots, ending in a long signature.
# File names such as "smart-governance.html" have a short last part and are left alone.
_TOKEN = re.compile(r"\.?[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+")
_RUN = re.compile(r"[A-Za-z0-9_.-]+")
_MIN_TOKEN_LENGTH = 24
_MIN_SIGNATURE_LENGTH = 16


def queue_mail(recipient: str, subject: str, body: str, *, html: str | None = None,
               headers: dict | None = None) -> OutboxMessage:
    """Queue a message (plain text, with an HTML alternative when `html` is given); it is
    sent only if the caller's transaction commits."""
    # One line: a title with a line break must not end the header (or fail every attempt).
    subject = " ".join(str(subject).split())[:200]
    message = OutboxMessage(recipient=recipient, subject=subject, body=str(body),
                            html_body=html, headers=json.dumps(headers) if headers else None)
    db.session.add(message)
    if console.enabled():
        console.print_after_commit(db.session, message)
    db.session.flush()
    return message


outbox.register(queue_mail)


def mask_tokens(text: str) -> str:
    """The text with every signed token in a link's path or query replaced by ***."""
    return _URL.sub(lambda match: _mask_url(match.group(0)), text or "")


def _mask_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    host, sep, tail = rest.partition("/")
    # Every run of token characters after the host: path segments, query values, fragments.
    return f"{scheme}://{host}{sep}" + _RUN.sub(_mask_run, tail)


def _mask_run(match: re.Match) -> str:
    run = match.group(0)
    # A sentence may end right after a link: its full stop is not part of the token.
    core = run.rstrip(".")
    return MASK + run[len(core):] if _looks_like_token(core) else run


def _looks_like_token(piece: str) -> bool:
    if len(piece) < _MIN_TOKEN_LENGTH or not _TOKEN.fullmatch(piece):
        return False
    return len(piece.rsplit(".", 1)[1]) >= _MIN_SIGNATURE_LENGTH


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failure, never more than an hour."""
    exponent = min(max(attempts, 1) - 1, 10)
    return min(FIRST_RETRY * 2**exponent, LONGEST_RETRY)


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    logged: int = 0
    stopped_early: bool = False


def deliver_pending(now: datetime | None = None, limit: int = 100, *,
                    after_each: Callable[[], None] | None = None) -> DeliveryReport:
    """Send the due messages through SMTP, or log them once when no server is configured.

    Each message's new state is flushed; `after_each` (the CLI passes a commit) runs after
    every message so that one message's outcome is kept even if a later one crashes.
    """
    now = now or utcnow()
    config = current_app.config
    if not config.get("FORUM_MAIL_SERVER"):
        return _log_pending(now, limit, after_each)
    report = DeliveryReport()
    with _Mailer(config) as mailer:
        for _ in range(limit):
            message = _next_due(now, sending=True)
            if message is None:
                break
            try:
                # Building inside the try: a malformed address fails this message only.
                mailer.send(build_email(message, config["FORUM_MAIL_SENDER"]))
            except MESSAGE_ERRORS as exc:
                _record_failure(message, exc, now)
                report.failed += 1
            except (smtplib.SMTPException, OSError) as exc:
                # The server is down or refuses us: keep the rest for the next run.
                _record_failure(message, exc, now)
                report.failed += 1
                report.stopped_early = True
                mailer.discard()
            else:
                message.sent_at = now
                message.last_error = None
                message.next_attempt_at = None
                report.sent += 1
            db.session.flush()
            if after_each:
                after_each()
            if report.stopped_early:
                break
    return report


def _log_pending(now: datetime, limit: int, after_each) -> DeliveryReport:
    report = DeliveryReport()
    for _ in range(limit):
        message = _next_due(now, sending=False)
        if message is None:
            break
        log.info("Mail %s to %s not sent (FORUM_MAIL_SERVER is not set)\nSubject: %s\n\n%s",
                 message.id, message.recipient, mask_tokens(message.subject),
                 mask_tokens(message.body))
        message.logged_at = now
        db.session.flush()
        report.logged += 1
        if after_each:
            after_each()
    return report


def _next_due(now: datetime, *, sending: bool) -> OutboxMessage | None:
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                        OutboxMessage.parked_at.is_(None))
    if sending:
        query = query.where(or_(OutboxMessage.next_attempt_at.is_(None),
                                OutboxMessage.next_attempt_at <= now))
    else:
        query = query.where(OutboxMessage.logged_at.is_(None))
    # One row at a time, locked, so that two senders never take the same message (PostgreSQL).
    query = query.order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True)
    return db.session.scalar(query)


def _record_failure(message: OutboxMessage, exc: Exception, now: datetime) -> None:
    message.attempts = (message.attempts or 0) + 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if message.attempts >= int(current_app.config["FORUM_MAIL_MAX_ATTEMPTS"]):
        message.parked_at = now
        message.next_attempt_at = None
        log.error("Mail %s to %s parked after %s failed attempts (an administrator can retry "
                  "it): %s", message.id, message.recipient, message.attempts, message.last_error)
        return
    message.next_attempt_at = now + retry_delay(message.attempts)
    log.warning("Mail %s to %s not delivered (attempt %s, next at %s): %s", message.id,
                message.recipient, message.attempts, message.next_attempt_at.isoformat(),
                message.last_error)


# --- parked mail ------------------------------------------------------------------------------

PARKED_PER_PAGE = 50


def parked_messages(page: int):
    """The parked messages, the most recently parked first; None past the last page."""
    query = select(OutboxMessage).where(OutboxMessage.parked_at.is_not(None)).order_by(
        OutboxMessage.parked_at.desc(), OutboxMessage.id.desc())
    pagination = db.paginate(query, page=page, per_page=PARKED_PER_PAGE, error_out=False,
                             count=True)
    if page > 1 and not pagination.items:
        return None
    return pagination


def count_parked() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.parked_at.is_not(None)))


def parked_message(message_id: int) -> OutboxMessage | None:
    message = db.session.get(OutboxMessage, message_id)
    return message if message is not None and message.parked_at is not None else None


def retry_parked(message: OutboxMessage) -> None:
    """Back in the queue with a fresh round of attempts; the last error stays until the next
    attempt replaces or clears it."""
    message.parked_at = None
    message.attempts = 0
    message.next_attempt_at = None
    db.session.flush()


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at or utcnow())
    email["Message-ID"] = _message_id(message, sender)
    for name, value in json.loads(message.headers or "{}").items():
        email[name] = value
    email.set_content(message.body, subtype="plain", charset="utf-8")
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html", charset="utf-8")
    return email


def _message_id(message: OutboxMessage, sender: str) -> str:
    """The same id on every attempt, so a receiver can drop a copy sent twice after a crash."""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
        domain = "localhost"
    stamp = int((message.created_at or utcnow()).timestamp())
    return f"<outbox.{message.id}.{stamp}@{domain}>"


class _Mailer:
    """One SMTP connection, opened on the first message and reused for the rest."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.discard()

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._connect()
        self.smtp.send_message(email)

    def discard(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
        self.smtp = None

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["FORUM_MAIL_SERVER"], int(self.config["FORUM_MAIL_PORT"])
        # Port 465 speaks TLS from the first byte; other ports upgrade with STARTTLS on request.
        if port == 465:
            smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
        try:
            if self.config.get("FORUM_MAIL_USE_TLS") and port != 465:
                smtp.starttls(context=ssl.create_default_context())
            if self.config.get("FORUM_MAIL_USERNAME"):
                smtp.login(self.config["FORUM_MAIL_USERNAME"],
                           self.config.get("FORUM_MAIL_PASSWORD") or "")
        except BaseException:
            smtp.close()
            raise
        return smtp
