"""Mail on the console: in development without an SMTP server, each message is printed whole,
links included, once its transaction commits, so that a newcomer trying the site with
`make run` finds the confirmation link where they are looking. Production never prints:
there the unsent mail is only logged with its tokens masked."""
import sys

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.core.db import is_savepoint_release, utcnow

INFO_KEY = "console_mail"
RULE = "-" * 72


def enabled() -> bool:
    if not has_app_context():
        return False
    config = current_app.config
    return bool(config.get("FORUM_MAIL_CONSOLE") and not config.get("FORUM_MAIL_SERVER")
                and config.get("FORUM_ENV") == "development")


def print_after_commit(session: Session, message) -> None:
    """Keep the message for printing when the transaction commits; `outbox send` skips it."""
    message.logged_at = utcnow()
    session.info.setdefault(INFO_KEY, []).append(
        (message.recipient, message.subject, message.body))
    _install()


def _print(session: Session) -> None:
    if is_savepoint_release(session):
        return
    for recipient, subject, body in session.info.pop(INFO_KEY, []):
        print(f"{RULE}\nMail to {recipient} (not sent: FORUM_MAIL_SERVER is not set)\n"
              f"Subject: {subject}\n\n{body}\n{RULE}", file=sys.stderr, flush=True)


def _forget(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(INFO_KEY, None)


def _install() -> None:
    if not event.contains(Session, "after_commit", _print):
        event.listen(Session, "after_commit", _print)
        event.listen(Session, "after_soft_rollback", _forget)
