"""Automatic defences: how far the site trusts a member, before any staff member looks.

New members (their first day, or until a post of theirs is published) start fewer
discussions an hour, write fewer posts an hour (still 20: replies are how they take part)
and fewer links per post, never the same text twice, and with FORUM_HOLD_FIRST_POST on
their posts wait for approval. Only established members (confirmed for a week, with a few
visible posts) count towards hiding reported content automatically.
"""
import re
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.core.visibility import PUBLISHED
from forum.discussions.models import Post
from forum.extensions import db

NEW_MEMBER_DAYS = 1
NEW_MEMBER_POSTS_PER_HOUR = 20
NEW_MEMBER_DISCUSSIONS_PER_HOUR = 3
NEW_MEMBER_LINKS = 2
REPORTER_CONFIRMED_DAYS = 7
REPORTER_VISIBLE_POSTS = 3

_LINK = re.compile(r"(?i)(?<![\w/])(?:https?://|www\.)")


def _setting(name: str, default):
    return current_app.config.get(name, default)


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_staff)


def has_published_post(user: User) -> bool:
    return db.session.scalar(
        select(Post.id).where(Post.author_id == user.id, Post.visibility == PUBLISHED).limit(1)
    ) is not None


def is_new_member(user: User, now: datetime | None = None) -> bool:
    if _is_staff(user):
        return False
    now = now or utcnow()
    if user.joined_at is None or user.joined_at > now - timedelta(days=NEW_MEMBER_DAYS):
        return True
    return not has_published_post(user)


def count_links(body: str) -> int:
    return len(_LINK.findall(body or ""))


def posting_problem(author: User, body: str, now: datetime | None = None,
                    new_discussion: bool = False) -> tuple[str, int | None] | None:
    """Why a new member may not publish this now (translated), with the seconds until they
    may (None when waiting would not help), or None.

    As Discourse does, replies are not what a first day stops: a new member may write
    FORUM_NEW_MEMBER_POSTS_PER_HOUR posts an hour (20), but start only
    FORUM_NEW_MEMBER_DISCUSSIONS_PER_HOUR discussions (3), put few links in a post, and not
    send the same text twice within the hour."""
    if author is None or not is_new_member(author, now):
        return None
    now = now or utcnow()
    links = _setting("FORUM_NEW_MEMBER_LINKS", NEW_MEMBER_LINKS)
    if count_links(body) > links:
        return ngettext("New members can include at most %(num)s link in a post.",
                        "New members can include at most %(num)s links in a post.",
                        links), None
    # A rate limit like the others: RATELIMIT_ENABLED switches them all off together.
    if not _setting("RATELIMIT_ENABLED", True):
        return None
    hour_ago = now - timedelta(hours=1)
    recent = select(Post.created_at).where(Post.author_id == author.id,
                                           Post.created_at > hour_ago)
    if db.session.scalar(recent.where(Post.body == body).limit(1)) is not None:
        return _("You have just posted the same text. Write something new, or edit the "
                 "earlier post."), None
    if new_discussion:
        per_hour = _setting("FORUM_NEW_MEMBER_DISCUSSIONS_PER_HOUR",
                            NEW_MEMBER_DISCUSSIONS_PER_HOUR)
        wait = _wait(recent.where(Post.number == 1), per_hour, hour_ago)
        if wait is not None:
            return ngettext("New members can start %(num)s discussion an hour.",
                            "New members can start %(num)s discussions an hour.",
                            per_hour), wait
    per_hour = _setting("FORUM_NEW_MEMBER_POSTS_PER_HOUR", NEW_MEMBER_POSTS_PER_HOUR)
    wait = _wait(recent, per_hour, hour_ago)
    if wait is not None:
        return _("New members can write %(num)s posts an hour.", num=per_hour), wait
    return None


def _wait(recent, per_hour: int, hour_ago: datetime) -> int | None:
    """Seconds until the oldest of the hour's posts leaves the hour, once `per_hour` of them
    are there; None while there is room."""
    times = db.session.scalars(recent.order_by(Post.created_at.desc()).limit(per_hour)).all()
    if len(times) < per_hour:
        return None
    oldest = times[-1]
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=hour_ago.tzinfo)
    return max(1, int((oldest - hour_ago).total_seconds()) + 1)


def hold_for_review(author: User) -> bool:
    """With FORUM_HOLD_FIRST_POST on, posts wait for approval until one has been published."""
    if author is None or _is_staff(author) or not _setting("FORUM_HOLD_FIRST_POST", False):
        return False
    return not has_published_post(author)


def established_members(user_ids, now: datetime | None = None) -> set[int]:
    """The ids, among `user_ids`, of members whose reports count towards automatic hiding."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return set()
    now = now or utcnow()
    confirmed_before = now - timedelta(days=REPORTER_CONFIRMED_DAYS)
    rows = db.session.execute(
        select(User.id)
        .join(Post, (Post.author_id == User.id) & (Post.visibility == PUBLISHED))
        .where(User.id.in_(ids), User.email_confirmed_at.is_not(None),
               User.email_confirmed_at <= confirmed_before, User.deleted_at.is_(None))
        .group_by(User.id)
        .having(func.count(Post.id) >= REPORTER_VISIBLE_POSTS)
    )
    return {row.id for row in rows}
