"""The one visibility state every piece of content has, and the one rule for who sees it.

Pages, lists, counts, feeds, exports and the search index all call `can_see` (for a loaded
row) or `visible_to` (for a query); none of them decides on its own.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, false, or_, true
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

PUBLISHED = "published"
PENDING = "pending"
HIDDEN = "hidden"
DELETED = "deleted"

STATES = {
    PUBLISHED: _l("Published"),
    PENDING: _l("Pending review"),
    HIDDEN: _l("Hidden"),
    DELETED: _l("Deleted"),
}


class VisibilityMixin:
    """A `visibility` column; `author_id` (if the model has one) lets authors see their own."""

    @declared_attr
    def visibility(cls) -> Mapped[str]:
        return mapped_column(String(10), default=PUBLISHED, server_default=PUBLISHED, index=True)

    @declared_attr
    def visibility_reason(cls) -> Mapped[str | None]:
        return mapped_column(String(300))

    @property
    def is_published(self) -> bool:
        return self.visibility == PUBLISHED


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def _is_author(user, item) -> bool:
    author_id = getattr(item, "author_id", None)
    return bool(getattr(user, "is_authenticated", False) and author_id and author_id == user.id)


def can_see(user, item) -> bool:
    """Published: everyone. Pending or hidden: staff and the author. Deleted: staff only."""
    if item is None:
        return False
    if item.visibility == PUBLISHED:
        return True
    if _is_staff(user):
        return True
    return item.visibility in (PENDING, HIDDEN) and _is_author(user, item)


def visible_to(model, user):
    """The same rule as `can_see`, as a SQL condition on `model`."""
    if _is_staff(user):
        return true()
    published = model.visibility == PUBLISHED
    author_column = getattr(model, "author_id", None)
    if author_column is None or not getattr(user, "is_authenticated", False):
        return published
    own = (author_column == user.id) & model.visibility.in_((PENDING, HIDDEN))
    return or_(published, own) if user.id else or_(published, false())
