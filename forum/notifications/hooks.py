"""Session events: when content stops being public, its notifications disappear.

One listener sees every path that changes a visibility (staff hiding, automatic hiding on
reports, the author deleting a post, a held post), so no service has to remember to call us.
"""
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from forum.core.visibility import PUBLISHED

INFO_KEY = "notifications_unpublished"


def _item_kind(obj) -> str | None:
    from forum.notifications.events import SUBJECTS

    for model, subject in SUBJECTS.items():
        if isinstance(obj, model) and hasattr(obj, "visibility"):
            return subject.item_kind
    return None


def after_flush(session: Session, flush_context) -> None:
    for obj in session.dirty:
        if not hasattr(obj, "visibility"):
            continue
        history = inspect(obj).attrs.visibility.history
        if history.has_changes() and obj.visibility != PUBLISHED:
            kind = _item_kind(obj)
            if kind is not None:
                session.info.setdefault(INFO_KEY, set()).add((kind, obj.id))


def after_flush_postexec(session: Session, flush_context) -> None:
    keys = session.info.pop(INFO_KEY, None)
    if not keys:
        return
    from forum.notifications.inbox import remove_about

    by_kind: dict[str, set[int]] = {}
    for kind, item_id in keys:
        by_kind.setdefault(kind, set()).add(item_id)
    for kind, ids in by_kind.items():
        # A discussion taken away takes the notifications of all its posts with it.
        groups = {f"discussion:{i}" for i in ids} if kind == "discussion" else ()
        remove_about(kind, ids, groups)


def install() -> None:
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
        event.listen(Session, "after_flush_postexec", after_flush_postexec)
