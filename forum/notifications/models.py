"""The e-mail outbox (written in the same transaction as the change that causes the mail) and
follows."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Without a mail server the message is written to the log once, and this records when.
    logged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The HTML alternative of a multipart message, and extra headers (JSON), e.g.
    # List-Unsubscribe; both empty for the older plain-text mail.
    html_body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[str | None] = mapped_column(Text)
    # Set after FORUM_MAIL_MAX_ATTEMPTS failures: no more tries until an admin retries it.
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


# --- follows ---------------------------------------------------------------------------------

FOLLOW = "follow"
MUTE = "mute"


class Follow(db.Model):
    """A member following (or muting) a discussion, twinning, network or practice.

    Calls keep their own follow table (forum.calls), which also drives deadline reminders.
    """

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "item_id", name="uq_follows_user_item"),
        Index("ix_follows_item", "kind", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    item_id: Mapped[int] = mapped_column(Integer)
    # "follow" or "mute": a mute silences the item, mentions included.
    state: Mapped[str] = mapped_column(String(6), default=FOLLOW, server_default=FOLLOW)
    # Why the follow began: "manual", "posted", "mentioned", "joined", "interest", "author".
    reason: Mapped[str] = mapped_column(String(10), default="manual", server_default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- notifications ---------------------------------------------------------------------------

# How a member wants one kind of event by e-mail.
INSTANT, DAILY, WEEKLY, NEVER = "instant", "daily", "weekly", "never"
DELIVERIES = (INSTANT, DAILY, WEEKLY, NEVER)


class Notification(db.Model):
    """One thing that happened, for one member. Rendered in the reader's language from its
    kind, so nothing translated is stored; `title` is the item's title when it happened."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_group", "user_id", "group_key"),
        Index("ix_notifications_item", "item_kind", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The content it is about: when that content is hidden or deleted the notification goes.
    item_kind: Mapped[str | None] = mapped_column(String(12))
    item_id: Mapped[int | None] = mapped_column(Integer)
    # Notifications of one discussion are shown as one group ("5 new replies in …").
    group_key: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The e-mail delivery chosen when it was made, and when it went out (at once or in a
    # digest): a digest takes only rows with mailed_at empty, so each event is mailed once.
    delivery: Mapped[str] = mapped_column(String(8), default=NEVER, server_default=NEVER)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")


class NotificationPreference(db.Model):
    """A member's e-mail choice for one kind of event; no row means the kind's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(8))
