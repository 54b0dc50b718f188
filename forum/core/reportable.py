"""What a kind of content tells moderation about itself: a `ReportKind` saying how to load an
item, what to call it, where it lives, who wrote it and what staff read in the queue. Content
packages build theirs (in their own `reports.py`) and `create_app` registers them with
`forum.moderation.registry`, so the moderation package imports no content package.
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


def city_place(item) -> tuple[str, str] | None:
    """The `place` of an item that belongs to a city (a profile, a practice)."""
    city = getattr(item, "city", None)
    return (city.name, url_for("places.city", slug=city.slug)) if city else None
