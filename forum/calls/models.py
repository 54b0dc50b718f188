"""Calls for funding (bandi), who follows them, the reminders sent and members' saved searches.

The deadline is one instant, stored in UTC; it is typed and shown as a wall-clock time in
Europe/Rome. The opening date is a calendar day in Italy. The status is never stored: it
follows from those two and the clock.
"""
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    literal,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.core.db import UTCDateTime, utcnow
from forum.core.themes import ThemesMixin
from forum.core.visibility import VisibilityMixin
from forum.extensions import db

ROME = ZoneInfo("Europe/Rome")
CLOSING_SOON = timedelta(days=14)

LEVELS = {
    "eu": _l("European Union"),
    "national": _l("National"),
    "regional": _l("Regional"),
    "foundation": _l("Foundation or private"),
    "other": _l("Other"),
}

APPLICANTS = {
    "municipalities": _l("Municipalities"),
    "unions-of-municipalities": _l("Unions of municipalities"),
    "universities-research": _l("Universities and research"),
    "businesses": _l("Businesses"),
    "associations": _l("Associations"),
    "citizens": _l("Citizens"),
}

UPCOMING, OPEN, CLOSING, CLOSED = "upcoming", "open", "closing", "closed"
STATUSES = {
    OPEN: _l("Open"),
    CLOSING: _l("Closing soon"),
    UPCOMING: _l("Upcoming"),
    CLOSED: _l("Closed"),
}


def rome_day_start(day: date) -> datetime:
    """Midnight in Italy at the start of `day`, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=ROME).astimezone(UTC)


def status_at(opens_on: date | None, deadline: datetime, now: datetime) -> str:
    if deadline <= now:
        return CLOSED
    if opens_on is not None and now < rome_day_start(opens_on):
        return UPCOMING
    return CLOSING if deadline - now <= CLOSING_SOON else OPEN


class Call(ThemesMixin, VisibilityMixin, db.Model):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(12), index=True)
    programme: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Space-separated codes of APPLICANTS, stored like the themes (see core/themes.py).
    applicants: Mapped[str] = mapped_column(String(200), default="", server_default="")
    total_budget: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    max_grant: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    # Per cent of the costs the call pays (the applicant co-funds the rest).
    cofunding_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    opens_on: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    official_url: Mapped[str | None] = mapped_column(String(300))
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Who proposed or created it; published_by is the staff member who made it public.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User", foreign_keys=[author_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    def status(self, now: datetime | None = None) -> str:
        return status_at(self.opens_on, self.deadline, now or utcnow())

    @property
    def deadline_rome(self) -> datetime:
        return self.deadline.astimezone(ROME)

    @property
    def level_label(self):
        return LEVELS.get(self.level, self.level)

    @property
    def applicant_codes(self) -> list[str]:
        return [code for code in (self.applicants or "").split() if code in APPLICANTS]

    @applicant_codes.setter
    def applicant_codes(self, codes) -> None:
        unknown = set(codes) - set(APPLICANTS)
        if unknown:
            raise ValueError(f"unknown applicants: {sorted(unknown)}")
        self.applicants = " ".join(code for code in APPLICANTS if code in set(codes))

    @property
    def applicant_labels(self) -> list:
        return [APPLICANTS[code] for code in self.applicant_codes]

    @classmethod
    def has_applicant(cls, code: str):
        return (literal(" ") + cls.applicants + literal(" ")).like(f"% {code} %")

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.title!r}>"


class CallFollow(db.Model):
    """A member follows a call. The id goes into unsubscribe links, so a link dies with it."""

    __tablename__ = "call_follows"
    # Ids are never reused (SQLite would reuse the highest after a delete): an old link must
    # not stop a later follow.
    __table_args__ = (UniqueConstraint("user_id", "call_id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[Call] = relationship()


class CallReminder(db.Model):
    """A reminder sent: at most one per follower, call, threshold and deadline."""

    __tablename__ = "call_reminders"
    __table_args__ = (UniqueConstraint("user_id", "call_id", "threshold_days", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    threshold_days: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallSavedSearch(db.Model):
    """The filters of /calls/ a member wants to hear about; empty means "any"."""

    __tablename__ = "call_saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "level", "theme", "applicant"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Empty strings rather than NULL, so the unique constraint holds on every database.
    level: Mapped[str] = mapped_column(String(12), default="", server_default="")
    theme: Mapped[str] = mapped_column(String(40), default="", server_default="")
    applicant: Mapped[str] = mapped_column(String(40), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def matches(self, call: Call) -> bool:
        return ((not self.level or call.level == self.level)
                and (not self.theme or self.theme in call.theme_codes)
                and (not self.applicant or self.applicant in call.applicant_codes))


class CallAlert(db.Model):
    """A saved-search alert sent: one per member and call, however many searches match."""

    __tablename__ = "call_alerts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

