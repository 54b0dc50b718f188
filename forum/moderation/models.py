"""Reports members make about content, and the audit log of what staff did."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db

REASONS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or abusive"),
    "off-topic": _l("Off topic"),
    "personal-data": _l("Personal data posted by mistake"),
    "other": _l("Something else"),
}

OPEN = "open"
DISMISSED = "dismissed"
ACTIONED = "actioned"

ACTIONS = {
    "dismiss": _l("Reports dismissed"),
    "hide": _l("Hidden"),
    "auto-hide": _l("Hidden automatically after reports"),
    "hold": _l("Held for approval"),
    "restore": _l("Restored"),
    "edit": _l("Edited"),
    "delete": _l("Deleted"),
    "purge": _l("Permanently deleted"),
    "lock": _l("Locked"),
    "unlock": _l("Unlocked"),
    "pin": _l("Pinned"),
    "unpin": _l("Unpinned"),
    "move": _l("Moved"),
    "suspend": _l("Member suspended"),
    "unsuspend": _l("Suspension lifted"),
}


class Report(db.Model):
    """One member's report about one item; `kind` and `item_id` name the item (see registry)."""

    __tablename__ = "reports"
    __table_args__ = (
        # One open report per member and item; closed ones may be followed by a new one.
        Index("uq_reports_open_per_member", "kind", "item_id", "reporter_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
        Index("ix_reports_item", "kind", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The item's author when reported: the author's history counts reports without a join
    # per kind of content.
    reported_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=OPEN, server_default=OPEN,
                                        index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="joined")

    @property
    def reason_label(self):
        return REASONS.get(self.reason, self.reason)


class ModerationAction(db.Model):
    """One line of the audit log: written once, never changed.

    Ids only, no names or addresses (DESIGN.md section 7); plain integers rather than foreign
    keys, so erasing or removing a row elsewhere never rewrites history.
    """

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # None: the site itself (automatic defences).
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    item_id: Mapped[int | None] = mapped_column(Integer)
    target_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reason: Mapped[str | None] = mapped_column(String(500))
    # A short machine-readable detail: "until=2026-01-31", "to=network:digiplace".
    detail: Mapped[str | None] = mapped_column(String(200))

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)


class LogIsReadOnly(RuntimeError):
    pass


@event.listens_for(ModerationAction, "before_update")
@event.listens_for(ModerationAction, "before_delete")
def _never_edit(mapper, connection, target):
    raise LogIsReadOnly("the moderation log is append-only")
