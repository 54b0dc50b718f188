"""Practices (offer, seek, story), the links between them, and members' interest in them."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User
from forum.core.db import UTCDateTime, utcnow
from forum.core.themes import ThemesMixin
from forum.core.visibility import VisibilityMixin
from forum.extensions import db
from forum.places.models import City, Organisation
from forum.twinnings.models import Twinning

OFFER, SEEK, STORY = "offer", "seek", "story"
# i18n: the three kinds of practice; in Italian "Offro", "Cerco", "Storia".
KINDS = {OFFER: _l("I offer"), SEEK: _l("I seek"), STORY: _l("Story")}
KIND_DESCRIPTIONS = {
    OFFER: _l("My organisation runs this practice and can pass it on."),
    SEEK: _l("We need a practice for this problem."),
    STORY: _l("How we applied a practice and what came of it."),
}

OPEN, IN_PROGRESS, MATCHED, CLOSED = "open", "in-progress", "matched", "closed"
STATUSES = {OPEN: _l("Open"), IN_PROGRESS: _l("In progress"), MATCHED: _l("Matched"),
            CLOSED: _l("Closed")}
LANGUAGES = {"it": _l("Italian"), "en": _l("English")}

SUMMARY_MAX = 300
MESSAGE_MAX = 1000


class Practice(ThemesMixin, VisibilityMixin, db.Model):
    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="it", index=True)
    status: Mapped[str] = mapped_column(String(12), default=OPEN, server_default=OPEN,
                                        index=True)
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    twinning_id: Mapped[int | None] = mapped_column(
        ForeignKey("twinnings.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # What answered it, named by its author when marking it matched.
    matched_practice_id: Mapped[int | None] = mapped_column(
        ForeignKey("practices.id", ondelete="SET NULL"), index=True)
    matched_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    matched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fictional demo content is marked as an example on the page.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Kept in columns so lists and pages never count rows per practice.
    interest_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    adopter_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The analysed (stemmed, accent-folded, stop-word-free) words matching reads; written
    # with the text, so a page never re-analyses every other practice (see matching.py).
    match_terms: Mapped[str] = mapped_column(Text, default="", server_default="")
    # matching.terms_version() of the lexicon and analysers that made them; None: unknown
    # (rows from before it was kept), refreshed like any other old version.
    match_terms_version: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    city: Mapped[City | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    twinning: Mapped[Twinning | None] = relationship()
    matched_practice: Mapped["Practice | None"] = relationship(remote_side=[id])
    matched_user: Mapped[User | None] = relationship(foreign_keys=[matched_user_id])

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return STATUSES.get(self.status, self.status)

    @property
    def language_label(self):
        return LANGUAGES.get(self.language, self.language)

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    def __repr__(self) -> str:
        return f"<Practice {self.id} {self.kind}>"


class PracticeLink(db.Model):
    """Two practices the author says belong together; stored once, shown on both pages."""

    __tablename__ = "practice_links"

    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True)
    related_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True, index=True)


class PracticeInterest(db.Model):
    """A member's "I can help" (on a seek) or "I'm interested" (on an offer or story)."""

    __tablename__ = "practice_interests"
    __table_args__ = (UniqueConstraint("practice_id", "user_id", name="uq_practice_interests"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    practice: Mapped[Practice] = relationship()
    user: Mapped[User] = relationship()


class PracticeAdoption(db.Model):
    """Another organisation says it adopted an offered practice: marked by one of its
    members, once per organisation. What the mentor badge and the "adopted" points read."""

    __tablename__ = "practice_adoptions"
    # Ids are never reused (SQLite would reuse the highest after a delete): the points ledger
    # keys awards on (kind, id), so a new adoption must not inherit a withdrawn one's entries.
    __table_args__ = (
        UniqueConstraint("practice_id", "organisation_id", name="uq_practice_adoptions"),
        {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    # The member who said so; the adoption stays the organisation's if they leave.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    practice: Mapped[Practice] = relationship()
    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User | None] = relationship()
