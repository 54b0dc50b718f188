"""The notifications page: groups (one per discussion), reading, and the unread counter."""
from dataclasses import dataclass
from math import ceil

from sqlalchemy import String, cast, func, or_, select, update
from sqlalchemy import delete as sql_delete

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.core.db import utcnow
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.notifications.models import Notification


@dataclass
class Group:
    newest: Notification
    first_unread: Notification | None
    count: int
    unread: int

    @property
    def link_target(self) -> Notification:
        return self.first_unread or self.newest


@dataclass
class GroupPage:
    groups: list[Group]
    page: int
    pages: int
    total: int


def _group_expr():
    # Notifications without a group stand alone: their id is their group.
    return func.coalesce(Notification.group_key, cast(Notification.id, String))


def groups_of(user, page: int = 1, per_page: int = PAGE_SIZE) -> GroupPage | None:
    """One page of the member's groups, newest first, in three queries whatever its size.

    None when the page is past the end (the view answers 404)."""
    key = _group_expr().label("key")
    mine = Notification.user_id == user.id
    total = db.session.scalar(select(func.count(func.distinct(_group_expr()))).where(mine))
    pages = max(1, ceil(total / per_page))
    if page < 1 or page > pages:
        return None
    unread_filter = Notification.read_at.is_(None)
    rows = db.session.execute(
        select(key, func.max(Notification.id).label("newest"),
               func.min(Notification.id).filter(unread_filter).label("first_unread"),
               func.count(Notification.id).label("count"),
               func.count(Notification.id).filter(unread_filter).label("unread"))
        .where(mine).group_by(key).order_by(func.max(Notification.id).desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    wanted = {r.newest for r in rows} | {r.first_unread for r in rows if r.first_unread}
    loaded = {n.id: n for n in db.session.scalars(
        select(Notification).where(Notification.id.in_(wanted))).unique()} if wanted else {}
    groups = [Group(loaded[r.newest], loaded.get(r.first_unread), r.count, r.unread)
              for r in rows]
    return GroupPage(groups, page, pages, total)


def notification_of(user, notification_id: int) -> Notification | None:
    n = db.session.get(Notification, notification_id)
    return n if n is not None and n.user_id == user.id else None


def mark_read(user, notification: Notification) -> int:
    """Read it and the rest of its group (opening a discussion's group reads all of it)."""
    query = update(Notification).where(Notification.user_id == user.id,
                                       Notification.read_at.is_(None))
    if notification.group_key:
        query = query.where(Notification.group_key == notification.group_key)
    else:
        query = query.where(Notification.id == notification.id)
    changed = db.session.execute(query.values(read_at=utcnow())).rowcount
    _move(user, -changed)
    return changed


def mark_all_read(user) -> int:
    changed = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())).rowcount
    db.session.execute(update(User).where(User.id == user.id).values(unread_notifications=0))
    db.session.refresh(user, ["unread_notifications"])
    return changed


def _move(user, step: int) -> None:
    if step:
        db.session.execute(update(User).where(User.id == user.id).values(
            unread_notifications=func.max(User.unread_notifications + step, 0)
            if db.engine.dialect.name == "sqlite"
            else func.greatest(User.unread_notifications + step, 0)))
        db.session.refresh(user, ["unread_notifications"])


def remove_about(item_kind: str, item_ids, group_keys=()) -> None:
    """Notifications about content that is no longer public disappear, for everyone."""
    conditions = []
    if item_ids:
        conditions.append((Notification.item_kind == item_kind)
                          & Notification.item_id.in_(list(item_ids)))
    if group_keys:
        conditions.append(Notification.group_key.in_(list(group_keys)))
    if not conditions:
        return
    where = or_(*conditions)
    users = set(db.session.scalars(select(Notification.user_id).where(where)))
    if not users:
        return
    db.session.execute(sql_delete(Notification).where(where))
    from forum.notifications.events import recount

    recount(users)


@accounts.exporter
def export_notifications(user) -> tuple[str, list]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return "notifications", [
        {"kind": n.kind, "title": n.title, "link": n.link,
         "created_at": n.created_at.isoformat(),
         "read_at": n.read_at.isoformat() if n.read_at else None} for n in rows.unique()]



@accounts.eraser
def erase_notifications(user) -> None:
    from forum.notifications.mail import forget_user

    db.session.execute(sql_delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(update(User).where(User.id == user.id).values(unread_notifications=0))
    forget_user(user)
    db.session.flush()
