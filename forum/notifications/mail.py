"""Notification e-mail: preferences per kind, the immediate mail, digests and unsubscribing.

Every message is multipart (plain text and HTML from templates, user text escaped by Jinja,
nothing remote loaded), in the recipient's language, with a signed one-click unsubscribe
link and the RFC 8058 headers. Mail goes through the outbox, in the caller's transaction.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.core.urls import site_url
from forum.extensions import db
from forum.notifications import events
from forum.notifications.models import (
    DAILY,
    DELIVERIES,
    INSTANT,
    NEVER,
    WEEKLY,
    Notification,
    NotificationPreference,
)
from forum.notifications.services import queue_mail

UNSUBSCRIBE_SALT = "notifications-unsubscribe"
# A digest's own unsubscribe token names the digest, not one kind: "digest:daily".
DIGEST_PREFIX = "digest:"


def _kinds():
    return events.KINDS


# --- preferences -----------------------------------------------------------------------------

def configurable_kinds():
    return [kind for kind in _kinds().values() if kind.configurable and not kind.mailed_elsewhere]


def preferences_of(user) -> dict[str, str]:
    """kind code -> delivery, defaults filled in, for the settings page."""
    chosen = dict(db.session.execute(select(NotificationPreference.kind,
                                            NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {kind.code: chosen.get(kind.code, kind.default) for kind in configurable_kinds()}


def set_preferences(user, choices: dict[str, str]) -> None:
    """Store the member's choices; a choice equal to the default leaves no row."""
    for kind in configurable_kinds():
        value = choices.get(kind.code)
        if value not in DELIVERIES:
            continue
        row = db.session.get(NotificationPreference, (user.id, kind.code))
        if value == kind.default:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind.code,
                                                  delivery=value))
        else:
            row.delivery = value
    db.session.flush()


def delivery_for(user, kind) -> str:
    """How this member gets this kind by e-mail now (NEVER without a confirmed address)."""
    if kind.mailed_elsewhere or not user.email or not user.is_confirmed:
        return NEVER
    if not kind.configurable:
        return kind.default
    row = db.session.get(NotificationPreference, (user.id, kind.code))
    return row.delivery if row is not None else kind.default


# --- unsubscribe -----------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user, what: str) -> str:
    return _serializer().dumps([user.id, what])


@dataclass
class Unsubscription:
    user: User
    what: str  # a kind code, or "digest:daily" / "digest:weekly"

    @property
    def label(self) -> str:
        if self.what == DIGEST_PREFIX + DAILY:
            return _("the daily digest")
        if self.what == DIGEST_PREFIX + WEEKLY:
            return _("the weekly digest")
        kind = _kinds().get(self.what)
        return str(kind.label) if kind else self.what


def read_token(token: str) -> Unsubscription | None:
    try:
        user_id, what = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    valid = what in {k.code for k in configurable_kinds()} or what in (
        DIGEST_PREFIX + DAILY, DIGEST_PREFIX + WEEKLY)
    if user is None or user.is_deleted or not valid:
        return None
    return Unsubscription(user, what)


def unsubscribe(entry: Unsubscription) -> None:
    """That kind (or every kind in that digest) is no longer e-mailed; nothing else changes."""
    if entry.what.startswith(DIGEST_PREFIX):
        frequency = entry.what[len(DIGEST_PREFIX):]
        codes = [code for code, value in preferences_of(entry.user).items() if value == frequency]
    else:
        codes = [entry.what]
    set_preferences(entry.user, {code: NEVER for code in codes})


# --- composing -------------------------------------------------------------------------------

def _language(user) -> str:
    return user.preferred_language or current_app.config["BABEL_DEFAULT_LOCALE"]


def _absolute(path: str) -> str:
    return current_app.config["FORUM_BASE_URL"].rstrip("/") + path


def _unsubscribe_url(user, what: str) -> str:
    return site_url("notifications.unsubscribe", token=unsubscribe_token(user, what))


def _settings_url() -> str:
    return _absolute("/account/notifications")


def _queue(user, subject: str, template: str, what: str, **values) -> None:
    message_of = events.message_of
    unsubscribe_url = _unsubscribe_url(user, what)
    values.update(user=user, message_of=message_of, absolute=_absolute,
                  unsubscribe_url=unsubscribe_url, settings_url=_settings_url())
    text = render_template(f"notifications/mail/{template}.txt", **values)
    html = render_template(f"notifications/mail/{template}.html", **values)
    headers = {"List-Unsubscribe": f"<{unsubscribe_url}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    queue_mail(user.email, subject, text, html=html, headers=headers)


def after_emit(notifications) -> None:
    """Queue the at-once mail for the new notifications, in the caller's transaction."""
    now = utcnow()
    for n in notifications:
        if n.delivery != INSTANT:
            continue
        user = db.session.get(User, n.user_id)
        kind = _kinds()[n.kind]
        with force_locale(_language(user)):
            subject = events.message_of(n)
            _queue(user, subject, "notice", kind.code, notification=n)
        n.mailed_at = now
    db.session.flush()


# --- digests ---------------------------------------------------------------------------------

PERIODS = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}


def digest_recipients(frequency: str) -> list[int]:
    return list(db.session.scalars(select(Notification.user_id).where(
        Notification.delivery == frequency, Notification.mailed_at.is_(None),
        Notification.read_at.is_(None)).distinct().order_by(Notification.user_id)))


def claim(user_id: int, frequency: str) -> list[Notification]:
    """Mark the member's waiting notifications as mailed and return them.

    One UPDATE claims them: on PostgreSQL a second run at the same moment waits for this row
    lock, then finds mailed_at set and takes nothing; SQLite lets one writer in at a time.
    """
    now = utcnow()
    ids = list(db.session.scalars(
        update(Notification).where(
            Notification.user_id == user_id, Notification.delivery == frequency,
            Notification.mailed_at.is_(None), Notification.read_at.is_(None))
        .values(mailed_at=now).returning(Notification.id)))
    if not ids:
        return []
    return list(db.session.scalars(select(Notification).where(Notification.id.in_(ids))
                                   .order_by(Notification.created_at, Notification.id)))


def send_digest(user_id: int, frequency: str) -> bool:
    """One digest e-mail for the member (flushed, not committed); False if nothing waited."""
    notifications = claim(user_id, frequency)
    user = db.session.get(User, user_id)
    if not notifications or user is None or user.is_deleted or not user.email:
        return False
    with force_locale(_language(user)):
        subject = _("Gemellaggi: your daily digest") if frequency == DAILY else _(
            "Gemellaggi: your weekly digest")
        _queue(user, subject, "digest", DIGEST_PREFIX + frequency,
               notifications=notifications, frequency=frequency)
    db.session.flush()
    return True


def forget_user(user) -> None:
    db.session.execute(delete(NotificationPreference).where(
        NotificationPreference.user_id == user.id))


def count_waiting(frequency: str) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.delivery == frequency, Notification.mailed_at.is_(None)))


class _Mailer:
    delivery_for = staticmethod(delivery_for)
    after_emit = staticmethod(after_emit)


events.MAILER = _Mailer
