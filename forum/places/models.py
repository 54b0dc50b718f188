"""Cities and organisations (projects and networks come with the twinnings issue)."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db

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
