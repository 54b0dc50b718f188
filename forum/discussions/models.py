"""Discussions (in a twinning or a network) and their posts."""
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from forum.accounts.models import User
from forum.core.db import UTCDateTime, utcnow
from forum.core.themes import ThemesMixin
from forum.core.visibility import VisibilityMixin
from forum.core.web import PAGE_SIZE
from forum.extensions import db

# The stored title of every twinning's general discussion (Italian, the site's first
# language); pages show it in their own language (Discussion.shown_title).
GENERAL_TITLE = "Discussione generale del gemellaggio"


def page_of(number: int, per_page: int = PAGE_SIZE) -> int:
    """The page of its thread that shows post number `number`."""
    return (number - 1) // per_page + 1


class Discussion(ThemesMixin, VisibilityMixin, db.Model):
    __tablename__ = "discussions"
    __table_args__ = (
        # A discussion lives in exactly one space: a twinning or a network.
        CheckConstraint(
            "(twinning_id IS NULL) <> (network_id IS NULL)", name="one_space"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    twinning_id: Mapped[int | None] = mapped_column(
        ForeignKey("twinnings.id", ondelete="CASCADE"), index=True
    )
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_general: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Counts kept in columns so lists cost one query whatever the size of the threads.
    reply_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    participant_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_post_id: Mapped[int | None] = mapped_column(Integer)
    # The highest post number handed out. Reserved by incrementing it in one UPDATE, which
    # also locks the row until the commit: two simultaneous replies never share a number.
    last_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    author: Mapped[User | None] = relationship(lazy="joined")
    # Joined so lists (the home page) name each discussion's space without a query per row.
    twinning: Mapped["Twinning | None"] = relationship(lazy="joined")  # noqa: F821
    network: Mapped["Network | None"] = relationship(lazy="joined")  # noqa: F821

    @property
    def space(self):
        return self.twinning or self.network

    @property
    def shown_title(self) -> str:
        """The title in the page's language: the general discussion's title is the site's,
        not its author's, so it is translated; every other title is the member's own."""
        if self.is_general and self.title == GENERAL_TITLE:
            from flask_babel import gettext

            return gettext("General discussion of the twinning")
        return self.title


class Post(VisibilityMixin, db.Model):
    __tablename__ = "posts"
    # Numbers come from Discussion.last_number; the constraint is the last line of defence.
    __table_args__ = (
        UniqueConstraint("discussion_id", "number", name="uq_posts_number"),
        # A form sent twice (a retry after a timeout, a double click) carries the same key.
        UniqueConstraint("author_id", "submission_key", name="uq_posts_submission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # 1 for the opening post, then 2, 3…: stable page and anchor numbers.
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The idempotency key of the form that created the post (None for posts made otherwise).
    submission_key: Mapped[str | None] = mapped_column(String(64))

    discussion: Mapped[Discussion] = relationship(
        backref=backref("posts", order_by="Post.number")
    )
    author: Mapped[User | None] = relationship(lazy="joined")
