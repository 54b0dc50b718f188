"""Events: what other packages tell us happened, and the notifications they become.

Other packages call one function, `emit(event, actor, item, **context)`, from the service that
caused the change, inside its transaction. An event's *audience* says who hears of it and as
which *kind* of notification; `emit` then applies the rules every kind shares: never the actor
themselves, never a suspended or deleted member, nobody who muted the discussion or twinning,
nobody who may not see the item (core/visibility.py), and nothing at all while the item is not
published. Then the unread counters move and e-mail is queued or kept for a digest.

A new kind of event is one place: `register_kind(Kind(...))` and `register_event(name,
audience)` below, then `emit(name, ...)` where it happens. Issue 13's "badge earned" would be:

    register_kind(Kind("badge", _l("A badge you earned"), DAILY,
                       lambda n: _("You earned the badge “%(title)s”", title=n.title),
                       about_own=True))
    register_event("badge.earned", lambda item, actor, ctx: [(ctx["member"].id, "badge")])
    # in forum.engagement.services.award(): events.emit("badge.earned", None, badge,
    #                                                    member=member)

with a `Subject` for the badge model (title, link, who may see it) in `SUBJECTS`.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.core.urls import site_path
from forum.core.visibility import PUBLISHED, can_see
from forum.discussions.models import Discussion, Post
from forum.discussions.urls import post_location
from forum.extensions import db
from forum.notifications import follows
from forum.notifications.models import DAILY, INSTANT, NEVER, Notification
from forum.places.models import Network
from forum.practices.models import Practice
from forum.twinnings.models import Event, Twinning

# --- kinds -----------------------------------------------------------------------------------


@dataclass
class Kind:
    code: str
    label: object  # lazy: the e-mail settings page names the kind with it
    default: str  # the e-mail delivery a member has until they choose
    message: Callable[[Notification], str]  # one line, in the active (reader's) language
    # About the reader's own content (moderation, suspension): sent whatever its visibility.
    about_own: bool = False
    # Reaches a suspended member too (the notice of the suspension itself).
    reaches_suspended: bool = False
    # Whether its e-mail can be turned off (a suspension notice cannot).
    configurable: bool = True
    # Mailed by its own package (call reminders, the interest mail that puts people in
    # touch): the notification is shown on the site only.
    mailed_elsewhere: bool = False


KINDS: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


def _actor_name(n: Notification) -> str:
    return n.actor.display_name if n.actor is not None else _("Someone")


register_kind(Kind("mention", _l("Someone mentions you"), INSTANT,
                   lambda n: _("%(name)s mentioned you in “%(title)s”",
                               name=_actor_name(n), title=n.title)))
register_kind(Kind("reply_own", _l("A reply in a discussion you started or wrote in"), INSTANT,
                   lambda n: _("%(name)s replied in “%(title)s”", name=_actor_name(n),
                               title=n.title)))
register_kind(Kind("reply", _l("A reply in a discussion you follow"), DAILY,
                   lambda n: _("%(name)s replied in “%(title)s”", name=_actor_name(n),
                               title=n.title)))
register_kind(Kind("new_discussion", _l("A new discussion in a twinning or network you follow"),
                   DAILY, lambda n: _("%(name)s started the discussion “%(title)s”",
                                      name=_actor_name(n), title=n.title)))
register_kind(Kind("new_event", _l("A new event in a twinning or network you follow"), DAILY,
                   lambda n: _("New event: “%(title)s”", title=n.title)))
register_kind(Kind("practice_interest", _l("Interest in your practice"), DAILY,
                   lambda n: _("%(name)s is interested in your practice “%(title)s”",
                               name=_actor_name(n), title=n.title), mailed_elsewhere=True))
register_kind(Kind("practice_match", _l("A match marked with you or your practice"), DAILY,
                   lambda n: _("“%(title)s” was marked as answered, naming you or your "
                               "practice", title=n.title)))
register_kind(Kind("call_reminder", _l("A deadline of a call you follow"), DAILY,
                   lambda n: _("The call “%(title)s” closes soon", title=n.title),
                   mailed_elsewhere=True))
register_kind(Kind("call_alert", _l("A new call matching a saved search"), DAILY,
                   lambda n: _("New call for funding: “%(title)s”", title=n.title),
                   mailed_elsewhere=True))
register_kind(Kind("moderation", _l("Staff acted on your content"), INSTANT,
                   lambda n: _moderation_message(n), about_own=True))
register_kind(Kind("suspension", _l("Your account was suspended"), INSTANT,
                   lambda n: _suspension_message(n),
                   about_own=True, reaches_suspended=True, configurable=False))
register_kind(Kind("report", _l("A new report for staff"), DAILY,
                   lambda n: _("New report about “%(title)s”", title=n.title),
                   # Staff see everything, and a report matters most when the item is hidden.
                   about_own=True))


def _suspension_message(n: Notification) -> str:
    # The title holds the last day (ISO); the moderation service writes 9999-12-31 for
    # "indefinitely".
    if n.title.startswith("9999"):
        return _("Your account is suspended indefinitely: %(reason)s", reason=n.detail or "")
    from datetime import date

    from flask_babel import format_date

    until = format_date(date.fromisoformat(n.title), "long")
    return _("Your account is suspended until %(until)s: %(reason)s", until=until,
             reason=n.detail or "")


def _moderation_message(n: Notification) -> str:
    actions = {"hidden": _("Your content “%(title)s” has been hidden by staff: %(reason)s"),
               "restored": _("Staff restored your content “%(title)s”: %(reason)s"),
               "edited": _("Staff edited your content “%(title)s”: %(reason)s"),
               "deleted": _("Staff deleted your content “%(title)s”: %(reason)s")}
    action, _sep, reason = (n.detail or "").partition(":")
    template = actions.get(action, actions["edited"])
    return template % {"title": n.title, "reason": reason or "—"}


def message_of(n: Notification) -> str:
    kind = KINDS.get(n.kind)
    return kind.message(n) if kind else n.title


# --- subjects: what an item is called, where it is, who may see it --------------------------


@dataclass
class Subject:
    item_kind: str
    title: Callable[[object], str]
    link: Callable[[object], str]
    visible: Callable[[object, object], bool]  # (user, item)
    published: Callable[[object], bool]
    group: Callable[[object], str | None] = lambda item: None
    # (kind, id) pairs whose mute silences the item: its discussion and twinning.
    mute_keys: Callable[[object], list] = lambda item: []


def _discussion_visible(user, discussion) -> bool:
    # The rule of discussions.permissions.can_see_discussion: the discussion and its space.
    space = discussion.space
    return can_see(user, discussion) and space is not None and can_see(user, space)


def _discussion_mutes(discussion: Discussion) -> list:
    return [("discussion", discussion.id), ("twinning", discussion.twinning_id)]


def _event_space(event: Event):
    if event.twinning_id:
        return db.session.get(Twinning, event.twinning_id)
    return db.session.get(Network, event.network_id)


def _space_visible(user, event: Event) -> bool:
    space = _event_space(event)
    return space is not None and can_see(user, space)


def _event_link(event: Event) -> str:
    space = _event_space(event)
    if isinstance(space, Twinning):
        return site_path("twinnings.show", slug=space.slug)
    return site_path("places.network", slug=space.slug)


SUBJECTS: dict[type, Subject] = {
    Post: Subject(
        "post", lambda p: p.discussion.title, post_location,
        lambda user, p: _discussion_visible(user, p.discussion) and can_see(user, p),
        lambda p: p.visibility == PUBLISHED and p.discussion.visibility == PUBLISHED,
        group=lambda p: f"discussion:{p.discussion_id}",
        mute_keys=lambda p: _discussion_mutes(p.discussion)),
    Discussion: Subject(
        "discussion", lambda d: d.title,
        lambda d: site_path("discussions.show", discussion_id=d.id),
        _discussion_visible, lambda d: d.visibility == PUBLISHED,
        group=lambda d: f"discussion:{d.id}", mute_keys=_discussion_mutes),
    Event: Subject("event", lambda e: e.title, _event_link, _space_visible,
                   lambda e: True, mute_keys=lambda e: [("twinning", e.twinning_id)]),
    Practice: Subject("practice", lambda p: p.title,
                      lambda p: site_path("practices.show", practice_id=p.id), can_see,
                      lambda p: p.visibility == PUBLISHED),
    User: Subject("user", lambda u: u.display_name, lambda u: site_path("notifications.index"),
                  lambda user, u: True, lambda u: True),
}


def register_subject(model: type, subject: Subject) -> None:
    SUBJECTS[model] = subject


def _subject_of(item) -> Subject:
    for model, subject in SUBJECTS.items():
        if isinstance(item, model):
            return subject
    raise TypeError(f"no notification subject for {item!r}")


# --- events and their audiences -------------------------------------------------------------

Audience = Callable[[object, object, dict], Iterable[tuple[int, str]]]
EVENTS: dict[str, Audience] = {}


def register_event(name: str, audience: Audience) -> None:
    EVENTS[name] = audience


def _replied(post: Post, actor, ctx) -> list[tuple[int, str]]:
    """Mentioned members hear of a mention; followers who wrote in it of a reply to them."""
    discussion = post.discussion
    mentioned = set(ctx.get("mentioned", ()))
    readers = follows.followers("discussion", discussion.id)
    writers = set(db.session.scalars(select(Post.author_id).where(
        Post.discussion_id == discussion.id, Post.id != post.id,
        Post.visibility == PUBLISHED).distinct())) | {discussion.author_id}
    return ([(uid, "mention") for uid in mentioned]
            + [(uid, "reply_own" if uid in writers else "reply") for uid in readers - mentioned])


def _started(discussion: Discussion, actor, ctx) -> list[tuple[int, str]]:
    mentioned = set(ctx.get("mentioned", ()))
    space_kind = "twinning" if discussion.twinning_id else "network"
    readers = follows.followers(space_kind, discussion.twinning_id or discussion.network_id)
    return ([(uid, "mention") for uid in mentioned]
            + [(uid, "new_discussion") for uid in readers - mentioned])


def _event_added(event: Event, actor, ctx):
    if event.twinning_id:
        return [(uid, "new_event") for uid in follows.followers("twinning", event.twinning_id)]
    return [(uid, "new_event") for uid in follows.followers("network", event.network_id)]


def _staff(item, actor, ctx):
    staff = db.session.scalars(select(User.id).where(User.role.in_(("staff", "admin"))))
    return [(uid, "report") for uid in staff]


register_event("post.replied", _replied)
register_event("discussion.started", _started)
register_event("event.created", _event_added)
register_event("practice.interest", lambda p, actor, ctx: [(p.author_id, "practice_interest")])
register_event("practice.matched", lambda p, actor, ctx: [
    (uid, "practice_match") for uid in ctx.get("members", ())])
register_event("call.reminder", lambda call, actor, ctx: [(ctx["member"].id, "call_reminder")])
register_event("call.alert", lambda call, actor, ctx: [(ctx["member"].id, "call_alert")])
register_event("moderation.acted", lambda item, actor, ctx: [(ctx["author"].id, "moderation")])
register_event("member.suspended", lambda member, actor, ctx: [(member.id, "suspension")])
register_event("report.created", _staff)


# --- emit -----------------------------------------------------------------------------------


def emit(event: str, actor, item, **options) -> list[Notification]:
    """Notify the event's audience about `item`; returns the notifications made (flushed).

    Options: `title`, `detail`, `link` (a path) override the item's; the rest is context for
    the event's audience. Works from the command line too (links use FORUM_BASE_URL)."""
    if has_request_context():
        return _emit(event, actor, item, **options)
    with current_app.test_request_context(base_url=current_app.config["FORUM_BASE_URL"]):
        return _emit(event, actor, item, **options)


def _emit(event: str, actor, item, *, title: str | None = None, detail: str | None = None,
          link: str | None = None, **context) -> list[Notification]:
    subject = _subject_of(item)
    pairs = list(EVENTS[event](item, actor, context))
    by_user: dict[int, str] = {}
    for uid, code in pairs:
        if uid and uid not in by_user:  # the first (most specific) kind wins
            by_user[uid] = code
    actor_id = getattr(actor, "id", None)
    by_user.pop(actor_id, None)
    if not by_user:
        return []
    muted = follows.muters(subject.mute_keys(item))
    users = db.session.scalars(select(User).where(User.id.in_(by_user))).unique()
    made = []
    for user in users:
        kind = KINDS[by_user[user.id]]
        if not _reaches(kind, user, item, subject, muted):
            continue
        made.append(_make(kind, user, actor_id, item, subject, title, detail, link))
    if made:
        db.session.flush()
        _count(made, +1)
        MAILER.after_emit(made)
    return made


def _reaches(kind: Kind, user: User, item, subject: Subject, muted: set[int]) -> bool:
    if user.is_deleted or (user.is_suspended and not kind.reaches_suspended):
        return False
    if kind.about_own:
        return True
    return user.id not in muted and subject.published(item) and subject.visible(user, item)


class _NoMail:
    """Until forum.notifications.mail plugs itself in (it imports this module)."""

    @staticmethod
    def delivery_for(user, kind) -> str:
        return NEVER

    @staticmethod
    def after_emit(notifications) -> None:
        return None


MAILER = _NoMail


def _make(kind, user, actor_id, item, subject, title, detail, link) -> Notification:  # noqa: PLR0913 (one row's columns)
    mail = MAILER
    notification = Notification(
        user_id=user.id, kind=kind.code, actor_id=actor_id,
        # About one's own content, the notice stays even when the content is hidden.
        item_kind=None if kind.about_own else subject.item_kind,
        item_id=None if kind.about_own else item.id,
        group_key=None if kind.about_own else subject.group(item),
        title=(title if title is not None else subject.title(item) or "")[:200],
        detail=detail, link=(link or subject.link(item))[:500], created_at=utcnow(),
        delivery=mail.delivery_for(user, kind))
    db.session.add(notification)
    return notification


def _count(notifications, step: int) -> None:
    per_user: dict[int, int] = {}
    for n in notifications:
        per_user[n.user_id] = per_user.get(n.user_id, 0) + step
    # In id order: two replies notifying the same members lock their rows in one order, so
    # they wait for each other instead of deadlocking (seen under the load test).
    for uid, delta in sorted(per_user.items()):
        db.session.execute(update(User).where(User.id == uid).values(
            unread_notifications=User.unread_notifications + delta))


def recount(user_ids: Iterable[int]) -> None:
    """Set the counters from the rows (after notifications were removed)."""
    from sqlalchemy import func

    for uid in sorted(set(user_ids)):
        unread = select(func.count(Notification.id)).where(
            Notification.user_id == uid, Notification.read_at.is_(None)).scalar_subquery()
        db.session.execute(update(User).where(User.id == uid).values(
            unread_notifications=unread))


__all__ = ["DAILY", "INSTANT", "KINDS", "NEVER", "Kind", "Subject", "emit", "register_event",
           "register_kind", "register_subject"]
