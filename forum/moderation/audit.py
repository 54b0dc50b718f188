"""Writing the audit log; any package's service calls `record` for a staff action."""
from forum.extensions import db
from forum.moderation.models import ModerationAction


def record(actor, action: str, *, kind: str | None = None, item_id: int | None = None,  # noqa: PLR0913 (one log row's columns, by name)
           target_user_id: int | None = None, reason: str | None = None,
           detail: str | None = None) -> ModerationAction:
    """Add one line to the log (flushed, committed with the caller's change)."""
    entry = ModerationAction(
        actor_id=getattr(actor, "id", None), action=action, kind=kind, item_id=item_id,
        target_user_id=target_user_id, reason=(reason or "").strip()[:500] or None,
        detail=detail[:200] if detail else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def record_for(actor, action: str, item, **extra) -> ModerationAction:
    """`record` for an item of a reportable kind: its kind, id and author filled in."""
    from forum.moderation import registry

    kind_name = registry.kind_of(item)
    kind = registry.get(kind_name) if kind_name else None
    author = kind.author(item) if kind else None
    extra.setdefault("target_user_id", getattr(author, "id", None))
    return record(actor, action, kind=kind_name, item_id=item.id, **extra)
