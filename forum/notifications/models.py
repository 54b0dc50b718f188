"""The e-mail outbox (written in the same transaction as the change that causes the mail) and
follows."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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
