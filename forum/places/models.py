"""Cities and organisations (projects and networks come with the twinnings issue)."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.core.db import UTCDateTime, utcnow
from forum.core.themes import ThemesMixin
from forum.core.visibility import VisibilityMixin
from forum.extensions import db

PROJECT_STATUSES = {
    "planned": _l("Planned"),
    "in-progress": _l("In progress"),
    "completed": _l("Completed"),
}

ORGANISATION_KINDS = {
    "public-administration": _l("Public administration"),
    "university-research": _l("University and research"),
    "business": _l("Business"),
    "civil-society": _l("Civil society"),
    "environment-third-sector": _l("Environment and third sector"),
}


class City(db.Model):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    region: Mapped[str | None] = mapped_column(String(80))
    province: Mapped[str | None] = mapped_column(String(80))
    population: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    description_html: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(300))
    # Official totals the site does not hold project by project, shown with their source.
    declared_projects: Mapped[int | None] = mapped_column(Integer)
    declared_investment: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    totals_source: Mapped[str | None] = mapped_column(String(300))
    totals_as_of: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"), index=True)
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    city: Mapped[City | None] = relationship(lazy="joined")

    @property
    def kind_label(self):
        return ORGANISATION_KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class Project(ThemesMixin, VisibilityMixin, db.Model):
    """A city's smart-city project, e.g. "Patto per la Città di Lecce. Lecce Smart & Com"."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    investment: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    target_areas: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="in-progress")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    city: Mapped[City] = relationship(backref="projects")


class ProjectNews(db.Model):
    __tablename__ = "project_news"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship(backref="news")


class Network(VisibilityMixin, db.Model):
    """A group of cities and organisations, e.g. the DigiPlace network."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NetworkParticipant(db.Model):
    """A person who joined a network (cities and organisations are NetworkMember rows)."""

    __tablename__ = "network_participants"

    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NetworkMember(db.Model):
    """A city or an organisation in a network; `is_example` marks fictional demo members."""

    __tablename__ = "network_members"
    __table_args__ = (
        UniqueConstraint("network_id", "city_id", "organisation_id", name="uq_network_members"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    network: Mapped[Network] = relationship(backref="members")
    city: Mapped[City | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
