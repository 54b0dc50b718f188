"""Twinnings, their cities with a role, participants and events."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.core.db import UTCDateTime, utcnow
from forum.core.themes import ThemesMixin
from forum.core.visibility import VisibilityMixin
from forum.extensions import db
from forum.places.models import City, Network

STATUSES = {"proposed": _l("Proposed"), "active": _l("Active"), "concluded": _l("Concluded")}
CITY_ROLES = {
    "transferring": _l("Transferring city"),
    "beneficiary": _l("Beneficiary city"),
}


class Twinning(ThemesMixin, VisibilityMixin, db.Model):
    __tablename__ = "twinnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[str] = mapped_column(Text, default="")
    objectives_html: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    results_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="active")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="SET NULL"), index=True
    )
    # Fictional demo content is marked as an example on the page.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    participant_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    network: Mapped[Network | None] = relationship(backref="twinnings")
    cities: Mapped[list["TwinningCity"]] = relationship(
        back_populates="twinning", cascade="all, delete-orphan"
    )


class TwinningCity(db.Model):
    __tablename__ = "twinning_cities"

    twinning_id: Mapped[int] = mapped_column(
        ForeignKey("twinnings.id", ondelete="CASCADE"), primary_key=True
    )
    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))

    twinning: Mapped[Twinning] = relationship(back_populates="cities")
    city: Mapped[City] = relationship()


class TwinningParticipant(db.Model):
    __tablename__ = "twinning_participants"

    twinning_id: Mapped[int] = mapped_column(
        ForeignKey("twinnings.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Event(db.Model):
    """A meeting of a twinning or a network; live while now is between start and end."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    twinning_id: Mapped[int | None] = mapped_column(
        ForeignKey("twinnings.id", ondelete="CASCADE"), index=True
    )
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(200))
    stream_url: Mapped[str | None] = mapped_column(String(300))
    # Who added it: with staff, the one who confirms who attended.
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.starts_at <= now < self.ends_at


class EventAttendance(db.Model):
    """A member's word that they will attend (or attended) an event. It earns nothing until
    the organiser or staff confirm it (`confirmed_at`): a claim alone is worth nothing."""

    __tablename__ = "event_attendances"
    # Ids are never reused (SQLite would reuse the highest after a delete): the points ledger
    # keys awards on (kind, id), so a new attendance must not inherit a withdrawn one's entries.
    __table_args__ = (UniqueConstraint("event_id", "user_id", name="uq_event_attendances"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
