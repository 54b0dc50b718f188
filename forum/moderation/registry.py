"""What members can report: one `ReportKind` per kind of content, by its URL code.

A kind says how to load an item, what to call it, where it lives, who wrote it and what
staff read in the queue. Posts, discussions, practices, calls and profiles ("user") are
registered here; a new kind of content joins with one `register(ReportKind(...))` call.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from forum.core import visibility
from forum.extensions import db


@dataclass
class ReportKind:
    name: str
    model: type
    label: object
    title: Callable[[object], str]
    url: Callable[[object], str]
    author: Callable[[object], object]
    # Stored, sanitised HTML (a *_html column) shown to staff in the queue, or None.
    content_html: Callable[[object], str | None] = lambda item: None
    # Extra loading rule beyond "the row exists" (e.g. erased members are gone).
    exists: Callable[[object], bool] = lambda item: True
    # Run after staff change an item's visibility (recount replies, and so on).
    after_visibility: Callable[[object], None] = lambda item: None
    # Whether a member may see (and so report) the item; the visibility rule by default.
    visible: Callable[[object, object], bool] | None = None
    # Where the item lives, as (name, url) for the audit log and the queue, or None.
    place: Callable[[object], tuple[str, str] | None] = lambda item: None
    # Loader options for a page of items (the log names many at once: no query per row).
    eager: Callable[[], tuple] = lambda: ()

    def can_see(self, user, item) -> bool:
        if self.visible is not None:
            return self.visible(user, item)
        return not self.has_visibility or visibility.can_see(user, item)

    @property
    def has_visibility(self) -> bool:
        return hasattr(self.model, "visibility")

    def load(self, item_id: int):
        item = db.session.get(self.model, item_id)
        return item if item is not None and self.exists(item) else None


KINDS: dict[str, ReportKind] = {}
_loaded = False


def register(kind: ReportKind) -> ReportKind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> ReportKind | None:
    _ensure_loaded()
    return KINDS.get(name)


def kinds() -> dict[str, ReportKind]:
    _ensure_loaded()
    return KINDS


def kind_of(item) -> str | None:
    for name, kind in kinds().items():
        if isinstance(item, kind.model):
            return name
    return None


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        _register_builtin()


def _register_builtin() -> None:
    # Imported late: the content packages import their models from anywhere, this module too.
    from flask_babel import lazy_gettext as _l
    from sqlalchemy.orm import selectinload

    from forum.accounts.models import User
    from forum.discussions import permissions as discussion_rules
    from forum.discussions import services as discussions
    from forum.discussions.models import Discussion, Post

    def space_place(discussion):
        space = discussion.space
        if space is None:
            return None
        endpoint = "twinnings.show" if discussion.twinning_id else "places.network"
        return getattr(space, "title", None) or space.name, url_for(endpoint, slug=space.slug)

    def city_place(item):
        city = getattr(item, "city", None)
        return (city.name, url_for("places.city", slug=city.slug)) if city else None

    def opening_html(discussion):
        first = next((p for p in discussion.posts if p.number == 1), None)
        return first.body_html if first is not None else None

    register(ReportKind(
        "post", Post, _l("Post"),
        title=lambda p: p.discussion.title, url=discussions.post_location,
        author=lambda p: p.author,
        content_html=lambda p: p.body_html,
        visible=lambda u, p: (discussion_rules.can_see_discussion(u, p.discussion)
                              and discussion_rules.can_read_post(u, p)),
        after_visibility=lambda p: discussions.refresh_counts(p.discussion),
        place=lambda p: space_place(p.discussion),
        eager=lambda: (selectinload(Post.discussion),)))
    register(ReportKind(
        "discussion", Discussion, _l("Discussion"),
        title=lambda d: d.title,
        url=lambda d: url_for("discussions.show", discussion_id=d.id),
        author=lambda d: d.author, content_html=opening_html,
        visible=discussion_rules.can_see_discussion, place=space_place))
    register(ReportKind(
        "user", User, _l("Profile"),
        title=lambda u: u.display_name,
        url=lambda u: url_for("accounts.member", username=u.username),
        author=lambda u: u, content_html=lambda u: u.bio_html,
        exists=lambda u: not u.is_deleted, place=city_place))
    from forum.calls.models import Call
    from forum.practices.models import Practice

    register(ReportKind(
        "practice", Practice, _l("Practice"), title=lambda p: p.title,
        url=lambda p: url_for("practices.show", practice_id=p.id),
        author=lambda p: p.author, content_html=lambda p: p.body_html, place=city_place,
        eager=lambda: (selectinload(Practice.city),)))
    register(ReportKind(
        "call", Call, _l("Call for funding"), title=lambda c: c.title,
        url=lambda c: url_for("calls.show", call_id=c.id),
        author=lambda c: c.author, content_html=lambda c: c.body_html))
