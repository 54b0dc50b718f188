"""The "badge earned" notification.

Engagement awards badges inside a flush, on the flush's connection, and calls its ON_BADGE
hooks there (forum.engagement.hooks). A flush cannot start another flush, so the award is only
noted; just before that transaction commits, the notice is made in it (the outbox rule holds:
the notice and its mail commit or roll back with the badge). A badge noted in a part of the
transaction that was rolled back (a retried savepoint) is not held at commit: it is dropped.

The app connects this at start-up (forum/app.py): engagement and notifications sit side by
side in the layers and do not import each other.
"""
from collections.abc import Callable, Mapping

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.accounts.models import User
from forum.core.urls import site_path
from forum.extensions import db
from forum.notifications import events
from forum.notifications.models import DAILY

INFO_KEY = "notifications_badges"

# Given at start-up: a badge's code -> its name (lazy, so in the reader's language), and
# whether a member holds a badge now.
_names: dict[str, object] = {}
_held: Callable[[int, str], bool] = lambda user_id, code: False  # noqa: E731


def badge_name(code: str) -> str:
    name = _names.get(code)
    return str(name) if name is not None else code


events.register_kind(events.Kind(
    "badge", _l("A badge you earned"), DAILY,
    lambda n: _("You earned the badge “%(name)s”", name=badge_name(n.title)),
    # About the member themselves: no content whose visibility could hide it.
    about_own=True))
events.register_event("badge.earned", lambda member, actor, ctx: [(member.id, "badge")])


def on_badge(conn, user_id: int, code: str) -> None:
    db.session().info.setdefault(INFO_KEY, []).append((user_id, code))


def _link(code: str) -> str:
    """The badge's place on the badges page, built from the site's address: the commit may
    come from the CLI or from a request made for another host, where url_for cannot build."""
    if "engagement.badges" not in current_app.view_functions:
        return site_path("notifications.index")
    return site_path("engagement.badges", _anchor=code)


def _before_commit(session: Session) -> None:
    pending = session.info.pop(INFO_KEY, None)
    if not pending:
        return
    for user_id, code in dict.fromkeys(pending):
        member = session.get(User, user_id)
        if member is None or not _held(user_id, code):
            continue
        events.emit("badge.earned", None, member, title=code, link=_link(code))


def _after_rollback(session: Session) -> None:
    session.info.pop(INFO_KEY, None)


def connect(hooks: list, names: Mapping[str, object], held: Callable[[int, str], bool]) -> None:
    """Hang the notice on engagement's ON_BADGE hooks (once, however many apps are made)."""
    global _held
    _names.update(names)
    _held = held
    if on_badge not in hooks:
        hooks.append(on_badge)
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_rollback", _after_rollback)
