"""Posts and discussions as members report them: their kinds, registered by create_app."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum.core.reportable import ReportKind
from forum.discussions import permissions, services
from forum.discussions.models import Discussion, Post
from forum.discussions.urls import post_location


def _space_place(discussion: Discussion) -> tuple[str, str] | None:
    space = discussion.space
    if space is None:
        return None
    endpoint = "twinnings.show" if discussion.twinning_id else "places.network"
    return getattr(space, "title", None) or space.name, url_for(endpoint, slug=space.slug)


def _opening_html(discussion: Discussion) -> str | None:
    first = next((p for p in discussion.posts if p.number == 1), None)
    return first.body_html if first is not None else None


POSTS = ReportKind(
    "post", Post, _l("Post"),
    title=lambda p: p.discussion.title, url=post_location,
    author=lambda p: p.author,
    content_html=lambda p: p.body_html,
    visible=lambda u, p: (permissions.can_see_discussion(u, p.discussion)
                          and permissions.can_read_post(u, p)),
    after_visibility=lambda p: services.refresh_counts(p.discussion),
    place=lambda p: _space_place(p.discussion),
    eager=lambda: (selectinload(Post.discussion),))

DISCUSSIONS = ReportKind(
    "discussion", Discussion, _l("Discussion"),
    title=lambda d: d.title,
    url=lambda d: url_for("discussions.show", discussion_id=d.id),
    author=lambda d: d.author, content_html=_opening_html,
    visible=permissions.can_see_discussion, place=_space_place)

REPORT_KINDS = (POSTS, DISCUSSIONS)
