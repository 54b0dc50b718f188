"""Reports, the staff queue, staff actions and the audit log.

Services take the acting member explicitly, flush but never commit, and write one line of
the audit log for every staff action (through `audit.record`, which other packages call too).
"""
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from math import ceil

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from forum.accounts.models import User
from forum.accounts.services import end_sessions
from forum.accounts.services import exporter as accounts_exporter
from forum.core.caching import cache, content_version
from forum.core.db import utcnow
from forum.core.errors import ServiceError
from forum.core.reportable import ReportKind
from forum.core.urls import site_path
from forum.core.visibility import DELETED, HIDDEN, PENDING, PUBLISHED
from forum.core.web import PAGE_SIZE
from forum.discussions import services as discussions
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.moderation import audit, registry, trust
from forum.moderation.models import ACTIONED, DISMISSED, OPEN, REASONS, ModerationAction, Report
from forum.notifications import events
from forum.places.models import Network
from forum.twinnings.models import Twinning

NOTE_MAX = 1000
REASON_MAX = 300
# Stored as the visibility reason of automatically hidden content; shown translated.
AUTO_REASON = "auto:reports"
# "Indefinitely": a date no suspension reaches, so "is suspended" stays one comparison.
INDEFINITE = datetime(9999, 12, 31, tzinfo=UTC)
MAX_SUSPENSION_DAYS = 3650


# --- reports ---------------------------------------------------------------------------------

def open_report(reporter: User, kind_name: str, item_id: int) -> Report | None:
    return db.session.scalar(select(Report).where(
        Report.kind == kind_name, Report.item_id == item_id, Report.reporter_id == reporter.id,
        Report.status == OPEN))


def report(reporter: User, kind_name: str, item, reason: str, note: str | None = None) -> Report:
    """A member's report; may hide the item at once (see `_maybe_autohide`)."""
    kind = registry.get(kind_name)
    if reason not in REASONS:
        raise ServiceError(_("Choose a reason."), field="reason")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(_("Use at most %(max)d characters.", max=NOTE_MAX), field="note")
    author = kind.author(item)
    if author is not None and author.id == reporter.id:
        raise ServiceError(_("You cannot report your own content."))
    if open_report(reporter, kind_name, item.id) is not None:
        raise ServiceError(_("You have already reported this; staff will look at it soon."))
    entry = Report(kind=kind_name, item_id=item.id, reporter_id=reporter.id,
                   reported_user_id=getattr(author, "id", None), reason=reason,
                   note=note or None, created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    _maybe_autohide(kind, item)
    events.emit("report.created", reporter, item, title=kind.title(item),
                link=site_path("moderation.item", kind_name=kind_name, item_id=item.id))
    return entry


def _maybe_autohide(kind: ReportKind, item) -> bool:
    """Hide published content, pending review, once enough established members report it."""
    if not kind.has_visibility or item.visibility != PUBLISHED:
        return False
    reporters = db.session.scalars(select(Report.reporter_id).where(
        Report.kind == kind.name, Report.item_id == item.id, Report.status == OPEN)).all()
    threshold = current_app.config.get("FORUM_AUTOHIDE_REPORTS", 3)
    if threshold < 1 or len(trust.established_members(reporters)) < threshold:
        return False
    item.visibility = PENDING
    item.visibility_reason = AUTO_REASON
    db.session.flush()
    kind.after_visibility(item)
    audit.record_for(None, "auto-hide", item)
    return True


def _close_reports(actor, kind_name: str, item_id: int, status: str) -> int:
    reports = db.session.scalars(select(Report).where(
        Report.kind == kind_name, Report.item_id == item_id, Report.status == OPEN)).all()
    now = utcnow()
    for entry in reports:
        entry.status, entry.resolved_at, entry.resolved_by_id = status, now, actor.id
    db.session.flush()
    return len(reports)


# --- actions on content ----------------------------------------------------------------------

def _require_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why: the author and the log will show it."), field="reason")
    return reason[:REASON_MAX]


def dismiss(actor: User, kind_name: str, item, reason: str | None = None) -> int:
    """Close the open reports: nothing wrong. Content hidden only by reports comes back."""
    closed = _close_reports(actor, kind_name, item.id, DISMISSED)
    kind = registry.get(kind_name)
    if kind.has_visibility and item.visibility == PENDING and \
            item.visibility_reason == AUTO_REASON:
        _set_visibility(kind, item, PUBLISHED, None)
    audit.record_for(actor, "dismiss", item, reason=reason, detail=f"reports={closed}")
    return closed


def hide(actor: User, kind_name: str, item, reason: str) -> None:
    """Gone for everyone but staff and the author, who is told why (by e-mail too)."""
    reason = _require_reason(reason)
    kind = registry.get(kind_name)
    if not kind.has_visibility:
        raise ServiceError(_("This kind of content cannot be hidden."))
    if item.visibility == DELETED:
        raise ServiceError(_("Deleted content cannot be hidden."))
    _set_visibility(kind, item, HIDDEN, reason)
    _close_reports(actor, kind_name, item.id, ACTIONED)
    audit.record_for(actor, "hide", item, reason=reason)
    _tell_author(actor, kind, item, "hidden", reason)


def restore(actor: User, kind_name: str, item, reason: str | None = None) -> None:
    """Published again: after a hide, an automatic hide or a hold for approval."""
    kind = registry.get(kind_name)
    if not kind.has_visibility or item.visibility == PUBLISHED:
        raise ServiceError(_("This content is already public."))
    was_held = item.visibility == PENDING and item.visibility_reason != AUTO_REASON
    told = False
    if isinstance(item, Post) and item.visibility == DELETED:
        # The discussions package keeps its own rule, log line and notice for deleted posts.
        discussions.restore_post(actor, item, reason=reason)
        told = True
    else:
        _set_visibility(kind, item, PUBLISHED, None)
        audit.record_for(actor, "restore", item, reason=reason)
    if isinstance(item, Discussion):
        _publish_held_opening(item)
    _close_reports(actor, kind_name, item.id, DISMISSED)
    if was_held:
        # Held for approval, it told nobody: now that it is public, it does.
        discussions.announce(item)
    elif not told:
        _tell_author(actor, kind, item, "restored", reason)


def _publish_held_opening(discussion: Discussion) -> None:
    """A held discussion's opening post was held with it and is approved with it."""
    for post in discussion.posts:
        if post.number == 1 and post.visibility == PENDING:
            post.visibility = PUBLISHED
            post.visibility_reason = None
    db.session.flush()
    discussions.refresh_counts(discussion)


def _set_visibility(kind, item, state: str, reason: str | None) -> None:
    item.visibility = state
    item.visibility_reason = reason
    db.session.flush()
    kind.after_visibility(item)


def _tell_author(actor, kind, item, action: str, reason: str | None) -> None:
    """A notice to the author (on the site, and by e-mail as they chose), in their language."""
    author = kind.author(item)
    if author is None:
        return
    events.emit("moderation.acted", actor, item, author=author, title=kind.title(item),
                link=kind.url(item), detail=f"{action}:{reason or ''}")


def edit_item(actor: User, kind_name: str, item, body: str, reason: str,
              title: str | None = None) -> Post:
    """New text for a post (or a discussion's opening post and title), with a reason."""
    reason = _require_reason(reason)
    post = _editable_post(kind_name, item)
    if post.number != 1:
        title = None
    # The discussions service tells the author, as for an edit from the discussion page.
    discussions.edit_post(actor, post, body, title, reason=reason)
    return post


def _editable_post(kind_name: str, item) -> Post:
    if kind_name == "post":
        return item
    if kind_name == "discussion":
        first = next((p for p in item.posts if p.number == 1), None)
        if first is not None:
            return first
    raise ServiceError(_("Only posts and discussions can be edited here."))


def set_locked(actor: User, discussion: Discussion, locked: bool, reason=None) -> None:
    discussions.set_locked(actor, discussion, locked, reason=reason)


def set_pinned(actor: User, discussion: Discussion, pinned: bool, reason=None) -> None:
    discussions.set_pinned(actor, discussion, pinned, reason=reason)


def move_discussion(actor: User, discussion: Discussion, new_space, reason: str | None = None):
    """Into another twinning or network; its posts follow (they belong to the discussion)."""
    if new_space is None:
        raise ServiceError(_("Choose a twinning or a network."), field="space")
    old_key = discussions.space_key(discussion.space) if discussion.space else None
    new_key = discussions.space_key(new_space)
    if old_key == new_key:
        raise ServiceError(_("The discussion is already there."), field="space")
    if isinstance(new_space, Twinning):
        discussion.network, discussion.network_id = None, None
        discussion.twinning = new_space
    elif isinstance(new_space, Network):
        discussion.twinning, discussion.twinning_id = None, None
        discussion.network = new_space
    else:
        raise ServiceError(_("Choose a twinning or a network."), field="space")
    db.session.flush()
    audit.record_for(actor, "move", discussion, reason=reason,
                     detail=f"from={old_key} to={new_key}")


def space_choices() -> list[tuple[str, str]]:
    """Every twinning and network, as ("twinning:<slug>", title) pairs for the move form."""
    twinnings = db.session.execute(select(Twinning.slug, Twinning.title).order_by(Twinning.title))
    networks = db.session.execute(select(Network.slug, Network.name).order_by(Network.name))
    return ([(f"twinning:{slug}", title) for slug, title in twinnings]
            + [(f"network:{slug}", name) for slug, name in networks])


def find_space(key: str):
    kind, _sep, slug = (key or "").partition(":")
    if kind not in ("twinning", "network") or not slug:
        return None
    return discussions.find_space(kind, slug)


def purge(actor: User, kind_name: str, item, reason: str) -> None:
    """Permanent deletion (administrators): the row goes; the log keeps its kind and id."""
    reason = _require_reason(reason)
    _close_reports(actor, kind_name, item.id, ACTIONED)
    audit.record_for(actor, "purge", item, reason=reason)
    if isinstance(item, User):
        from forum.accounts.services import erase_member

        erase_member(item)
        return
    posts = list(item.posts) if isinstance(item, Discussion) else [item] if isinstance(
        item, Post) else []
    discussion = item.discussion if isinstance(item, Post) else None
    # Deleted first, so the search index drops the documents before the rows go.
    for row in [*posts, item]:
        if hasattr(row, "visibility"):
            row.visibility = DELETED
    db.session.flush()
    from forum.attachments import services as attachment_services

    for post in posts:
        attachment_services.delete_attachments_of("post", post.id)
        db.session.delete(post)
    if not isinstance(item, Post):
        db.session.delete(item)
    db.session.flush()
    if discussion is not None:
        discussions.refresh_counts(discussion)


# --- members ---------------------------------------------------------------------------------

def suspend(actor: User, member: User, days: int | None, reason: str) -> datetime:
    """Suspended for `days` days, or indefinitely (None): sessions stop at the next request."""
    reason = _require_reason(reason)
    if days is not None and not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise ServiceError(_("Choose between 1 and %(max)d days.", max=MAX_SUSPENSION_DAYS),
                           field="days")
    until = INDEFINITE if days is None else utcnow() + timedelta(days=days)
    member.suspended_until = until
    # Sessions end for good, not just while suspended: lifting it must not revive them.
    end_sessions(member)
    db.session.flush()
    detail = "until=indefinite" if days is None else f"until={until.date().isoformat()}"
    audit.record(actor, "suspend", kind="user", item_id=member.id, target_user_id=member.id,
                 reason=reason, detail=detail)
    events.emit("member.suspended", actor, member, title=until.date().isoformat(),
                detail=reason)
    return until


def unsuspend(actor: User, member: User, reason: str | None = None) -> None:
    if not member.is_suspended:
        raise ServiceError(_("This member is not suspended."))
    member.suspended_until = None
    db.session.flush()
    audit.record(actor, "unsuspend", kind="user", item_id=member.id, target_user_id=member.id,
                 reason=reason)


def is_indefinite(until: datetime | None) -> bool:
    return until is not None and until.year >= INDEFINITE.year


# --- the queue -------------------------------------------------------------------------------

@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass
class History:
    posts: int = 0
    hidden: int = 0
    reports: int = 0


@dataclass
class QueueEntry:
    kind: ReportKind
    item_id: int
    item: object | None
    latest: datetime
    reports: list[Report] = field(default_factory=list)
    author: User | None = None
    history: History | None = None

    @property
    def reasons(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for entry in self.reports:
            counts[entry.reason] = counts.get(entry.reason, 0) + 1
        return sorted(counts.items(), key=lambda pair: -pair[1])


def _open_groups():
    return (select(Report.kind, Report.item_id, func.max(Report.created_at).label("latest"))
            .where(Report.status == OPEN).group_by(Report.kind, Report.item_id))


def open_report_count() -> int:
    """Items with open reports, as the queue lists them, for the staff menu of every page.

    Kept in the cache under the content version: one query after each change, none on the
    pages between (every staff page shows it).
    """
    key = f"moderation:open-reports:{content_version()}"
    count = cache.get(key)
    if count is None:
        count = db.session.scalar(select(func.count()).select_from(_open_groups().subquery()))
        cache.set(key, count, timeout=300)
    return count


def queue(page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """Open reports grouped by item, the most recently reported first."""
    groups = _open_groups()
    total = db.session.scalar(select(func.count()).select_from(groups.subquery()))
    rows = db.session.execute(
        groups.order_by(func.max(Report.created_at).desc(), Report.kind, Report.item_id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    entries = [QueueEntry(registry.get(r.kind), r.item_id, None, r.latest) for r in rows
               if registry.get(r.kind) is not None]
    _fill(entries)
    return Page(entries, page, per_page, total)


def _fill(entries: list[QueueEntry]) -> None:
    """Items, open reports and authors' histories for a page of entries, in a few queries."""
    if not entries:
        return
    by_kind: dict[str, set[int]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind.name, set()).add(entry.item_id)
    items = {}
    for name, ids in by_kind.items():
        kind = registry.get(name)
        for row in db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))).unique():
            items[(name, row.id)] = row
    reports: dict[tuple[str, int], list[Report]] = {}
    condition = or_(*[(Report.kind == name) & Report.item_id.in_(ids)
                      for name, ids in by_kind.items()])
    for entry in db.session.scalars(select(Report).where(Report.status == OPEN, condition)
                                    .order_by(Report.created_at.desc())).unique():
        reports.setdefault((entry.kind, entry.item_id), []).append(entry)
    for entry in entries:
        entry.item = items.get((entry.kind.name, entry.item_id))
        entry.reports = reports.get((entry.kind.name, entry.item_id), [])
        entry.author = entry.kind.author(entry.item) if entry.item is not None else None
    histories = author_histories({e.author.id for e in entries if e.author is not None})
    for entry in entries:
        if entry.author is not None:
            entry.history = histories.get(entry.author.id, History())


def author_histories(user_ids: set[int]) -> dict[int, History]:
    """Per author: posts written, items hidden by staff or reports, reports received."""
    histories = {uid: History() for uid in user_ids}
    if not user_ids:
        return histories
    for uid, count in db.session.execute(
            select(Post.author_id, func.count(Post.id)).where(Post.author_id.in_(user_ids))
            .group_by(Post.author_id)):
        histories[uid].posts = count
    for kind in registry.kinds().values():
        if not kind.has_visibility or not hasattr(kind.model, "author_id"):
            continue
        model = kind.model
        for uid, count in db.session.execute(
                select(model.author_id, func.count(model.id))
                .where(model.author_id.in_(user_ids), model.visibility.in_((HIDDEN, PENDING)))
                .group_by(model.author_id)):
            histories[uid].hidden += count
    for uid, count in db.session.execute(
            select(Report.reported_user_id, func.count(Report.id))
            .where(Report.reported_user_id.in_(user_ids)).group_by(Report.reported_user_id)):
        histories[uid].reports = count
    return histories


def awaiting_review(limit: int = 50) -> list[QueueEntry]:
    """Content pending review (held first posts, automatic hides) that nobody reported now."""
    entries = []
    for kind in registry.kinds().values():
        if not kind.has_visibility:
            continue
        rows = db.session.scalars(select(kind.model).where(kind.model.visibility == PENDING)
                                  .order_by(kind.model.id.desc()).limit(limit)).unique()
        for row in rows:
            entries.append(QueueEntry(kind, row.id, row, getattr(row, "created_at", None)
                                      or utcnow(), author=kind.author(row)))
    histories = author_histories({e.author.id for e in entries if e.author is not None})
    for entry in entries:
        if entry.author is not None:
            entry.history = histories.get(entry.author.id, History())
    return entries


def entry_for(kind_name: str, item) -> QueueEntry:
    """One item with its open reports and its author's history, for the item page."""
    kind = registry.get(kind_name)
    entry = QueueEntry(kind, item.id, item, utcnow())
    _fill([entry])
    return entry


def past_reports(kind_name: str, item_id: int, limit: int = 20) -> list[Report]:
    return list(db.session.scalars(select(Report).where(
        Report.kind == kind_name, Report.item_id == item_id, Report.status != OPEN)
        .order_by(Report.created_at.desc()).limit(limit)).unique())


def item_log(kind_name: str, item_id: int, limit: int = 20) -> list[ModerationAction]:
    return list(db.session.scalars(select(ModerationAction).where(
        ModerationAction.kind == kind_name, ModerationAction.item_id == item_id)
        .order_by(ModerationAction.id.desc()).limit(limit)))


# --- the log ---------------------------------------------------------------------------------

def log_page(*, action: str | None = None, actor_id: int | None = None,
             since: datetime | None = None, until: datetime | None = None,
             page: int = 1, per_page: int = 50):
    query = select(ModerationAction).order_by(ModerationAction.id.desc())
    if action:
        query = query.where(ModerationAction.action == action)
    if actor_id is not None:
        query = query.where(ModerationAction.actor_id == actor_id)
    if since is not None:
        query = query.where(ModerationAction.created_at >= since)
    if until is not None:
        query = query.where(ModerationAction.created_at < until)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass
class LogItem:
    """What a line of the log is about: its title and place, with links (None when gone)."""

    kind: ReportKind
    title: str
    url: str | None
    place: tuple[str, str] | None


def log_items(lines) -> dict[tuple[str, int], LogItem]:
    """The items a page of the log names, one query per kind of content."""
    wanted: dict[str, set[int]] = {}
    for line in lines:
        if line.kind and line.item_id is not None and registry.get(line.kind) is not None:
            wanted.setdefault(line.kind, set()).add(line.item_id)
    found = {}
    for name, ids in wanted.items():
        kind = registry.get(name)
        rows = db.session.scalars(select(kind.model).where(kind.model.id.in_(ids))
                                  .options(*kind.eager())).unique()
        for row in rows:
            if kind.exists(row):
                found[(name, row.id)] = LogItem(kind, kind.title(row), kind.url(row),
                                                kind.place(row))
    return found


def users_by_id(ids) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids))).unique()}


@accounts_exporter
def export_reports(user: User) -> tuple[str, list]:
    """The reports a member made (who reported them is never shown to the author)."""
    rows = db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                              .order_by(Report.id)).unique()
    return "reports", [
        {"kind": r.kind, "item_id": r.item_id, "reason": r.reason, "note": r.note,
         "status": r.status, "created_at": r.created_at.isoformat()} for r in rows]


def find_member(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == (username or "").lower()))
