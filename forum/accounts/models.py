"""Members and the record of role changes."""
from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from forum.core.db import UTCDateTime, utcnow
from forum.extensions import db
from forum.places.models import City, Organisation

ROLES = {"member": _l("Member"), "staff": _l("Staff"), "admin": _l("Administrator")}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # Lower-cased username: uniqueness regardless of case, on every database.
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    pending_email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    full_name: Mapped[str | None] = mapped_column(String(120))
    profession: Mapped[str | None] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="SET NULL"), index=True
    )
    bio: Mapped[str | None] = mapped_column(Text)
    bio_html: Mapped[str | None] = mapped_column(Text)
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    role: Mapped[str] = mapped_column(String(10), default="member", server_default="member")
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Named as the author of their content in open data (only while listed, too).
    opendata_named: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Shown on the public leaderboards only if they say so, like the directory.
    on_leaderboard: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    avatar_filename: Mapped[str | None] = mapped_column(String(64))
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The sign-in before the latest one: "what is new since your last visit" starts here.
    previous_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kept by forum.notifications, so the header's count costs no query (the row is loaded).
    unread_notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    city: Mapped[City | None] = relationship(lazy="joined")

    # Flask-Login: the id carries the session version, so bumping it ends every session.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        # Werkzeug's default (scrypt) unless FORUM_PASSWORD_HASH_METHOD names a cheaper one,
        # which only the test configuration should do.
        method = has_app_context() and current_app.config.get("FORUM_PASSWORD_HASH_METHOD")
        if method:
            self.password_hash = generate_password_hash(password, method=method)
        else:
            self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    # Set by the user loader on the signed-in member when this session has not passed the
    # second factor the account requires: staff powers then wait for a code.
    staff_powers_withheld = False

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "admin") and not self.staff_powers_withheld

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and not self.staff_powers_withheld

    @property
    def display_name(self) -> str:
        if self.is_deleted:
            return str(_l("Former member"))
        return self.full_name or self.username

    @property
    def initials(self) -> str:
        words = (self.display_name or "?").split()
        return "".join(w[0] for w in words[:2]).upper() or "?"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleChange(db.Model):
    """Who changed whose role, and when. Ids only: the audit trail holds no personal data."""

    __tablename__ = "role_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    old_role: Mapped[str] = mapped_column(String(10))
    new_role: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])
