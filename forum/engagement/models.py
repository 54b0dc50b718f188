"""The points ledger, the badges earned, and the totals kept in step with the ledger."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db


class PointEntry(db.Model):
    """One line of the append-only ledger. Nothing is ever updated or deleted (but with the
    member's account): taking points back is a new line with negative points that names the
    line it reverses, and giving them back is another naming that reversal."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        Index("ix_points_ledger_object", "object_kind", "object_id"),
        Index("ix_points_ledger_user_action", "user_id", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(30))
    object_kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    # Whether the action helped someone else: what cities and organisations rank by.
    helping: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    reversal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("points_ledger.id", ondelete="CASCADE"))


class MemberPoints(db.Model):
    """A member's totals, moved in the same statement batch as each ledger line
    (`engagement rebuild` recomputes them from the ledger alone)."""

    __tablename__ = "member_points"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    helping_points: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class BadgeAward(db.Model):
    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("user_id", "badge", name="uq_badge_awards"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    badge: Mapped[str] = mapped_column(String(30), index=True)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
