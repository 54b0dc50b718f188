"""Follows and mutes: who hears about a discussion, twinning, network or practice.

Other packages call `follow_automatically` when a member posts, is mentioned, joins or
says "I'm interested"; pages call `state_of` and the follow views. Calls keep their own
follow (forum.calls.services.follow), shown beside these on the "Following" page.
"""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import delete, select

from forum.accounts import services as accounts
from forum.core.visibility import can_see
from forum.discussions.models import Discussion
from forum.extensions import db
from forum.notifications.models import FOLLOW, MUTE, Follow
from forum.places.models import Network
from forum.practices.models import Practice
from forum.twinnings.models import Twinning


@dataclass(frozen=True)
class Followable:
    model: type
    title: object  # item -> str
    url: object  # item -> str
    mutable: bool  # the issue asks for mutes on discussions and twinnings


def _discussion_visible(user, item) -> bool:
    # The rule of discussions.permissions.can_see_discussion: the discussion and its space.
    space = item.space
    return can_see(user, item) and space is not None and can_see(user, space)


KINDS: dict[str, Followable] = {
    "discussion": Followable(Discussion, lambda d: d.title,
                             lambda d: url_for("discussions.show", discussion_id=d.id), True),
    "twinning": Followable(Twinning, lambda t: t.title,
                           lambda t: url_for("twinnings.show", slug=t.slug), True),
    "network": Followable(Network, lambda n: n.name,
                          lambda n: url_for("places.network", slug=n.slug), False),
    "practice": Followable(Practice, lambda p: p.title,
                           lambda p: url_for("practices.show", practice_id=p.id), False),
}


# What members follow in packages with follows of their own (calls: name -> loader(user)),
# listed on the "Following" page under that name; each package registers its loader.
FOLLOWED_ELSEWHERE: dict = {}


def register_followed(name: str, loader) -> None:
    FOLLOWED_ELSEWHERE[name] = loader


def followed_elsewhere(user) -> dict:
    return {name: load(user) for name, load in FOLLOWED_ELSEWHERE.items()}


def kind_of(item) -> str | None:
    for name, followable in KINDS.items():
        if isinstance(item, followable.model):
            return name
    return None


def load(kind: str, item_id: int, viewer):
    """The item, or None when the kind is unknown, the row missing or hidden from the viewer."""
    followable = KINDS.get(kind)
    if followable is None:
        return None
    item = db.session.get(followable.model, item_id)
    return item if item is not None and load_visible(kind, item, viewer) else None


def _row(user, kind: str, item_id: int) -> Follow | None:
    return db.session.scalar(select(Follow).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.item_id == item_id))


def state_of(user, item) -> str | None:
    """"follow", "mute" or None for a signed-in member; None for a visitor."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = _row(user, kind_of(item), item.id)
    return row.state if row else None


def _set(user, kind: str, item_id: int, state: str, reason: str) -> bool:
    row = _row(user, kind, item_id)
    if row is not None and row.state == state:
        return False
    if row is None:
        row = Follow(user_id=user.id, kind=kind, item_id=item_id)
        db.session.add(row)
    row.state, row.reason = state, reason
    db.session.flush()
    return True


def follow(user, item, reason: str = "manual") -> bool:
    """Follow by hand (a mute becomes a follow). False if already followed."""
    return _set(user, kind_of(item), item.id, FOLLOW, reason)


def mute(user, item) -> bool:
    kind = kind_of(item)
    if not KINDS[kind].mutable:
        raise ValueError(f"{kind} cannot be muted")
    return _set(user, kind, item.id, MUTE, "manual")


def unfollow(user, item) -> bool:
    """Stop following, or stop muting: back to hearing nothing special about the item."""
    result = db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.kind == kind_of(item), Follow.item_id == item.id))
    db.session.flush()
    return bool(result.rowcount)


def follow_automatically(user_ids, item, reason: str) -> None:
    """Followed because of something the members did; an existing follow or mute stays."""
    kind = kind_of(item)
    ids = {uid for uid in user_ids if uid}
    if not ids:
        return
    existing = set(db.session.scalars(select(Follow.user_id).where(
        Follow.kind == kind, Follow.item_id == item.id, Follow.user_id.in_(ids))))
    for uid in sorted(ids - existing):
        db.session.add(Follow(user_id=uid, kind=kind, item_id=item.id, state=FOLLOW,
                              reason=reason))
    db.session.flush()


def followers(kind: str, item_id: int) -> set[int]:
    return set(db.session.scalars(select(Follow.user_id).where(
        Follow.kind == kind, Follow.item_id == item_id, Follow.state == FOLLOW)))


def muters(keys: list[tuple[str, int]]) -> set[int]:
    """Members who muted any of the (kind, id) pairs: a discussion and its twinning, say."""
    keys = [(kind, item_id) for kind, item_id in keys if item_id]
    if not keys:
        return set()
    found: set[int] = set()
    for kind, item_id in keys:
        found |= set(db.session.scalars(select(Follow.user_id).where(
            Follow.kind == kind, Follow.item_id == item_id, Follow.state == MUTE)))
    return found


@dataclass
class FollowedItem:
    kind: str
    item: object
    state: str
    title: str
    url: str


def followed_by(user) -> list[FollowedItem]:
    """Everything the member follows or muted, that they may still see: one query per kind."""
    rows = list(db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                                   .order_by(Follow.created_at.desc(), Follow.id.desc())))
    by_kind: dict[str, list[Follow]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    items: list[FollowedItem] = []
    for kind, kind_rows in by_kind.items():
        followable = KINDS.get(kind)
        if followable is None:
            continue
        model = followable.model
        loaded = {item.id: item for item in db.session.scalars(
            select(model).where(model.id.in_([r.item_id for r in kind_rows]))).unique()}
        for row in kind_rows:
            item = loaded.get(row.item_id)
            if item is not None and load_visible(kind, item, user):
                items.append(FollowedItem(kind, item, row.state, followable.title(item),
                                          followable.url(item)))
    return items


def load_visible(kind: str, item, user) -> bool:
    return _discussion_visible(user, item) if kind == "discussion" else can_see(user, item)


@accounts.exporter
def export_follows(user) -> tuple[str, list]:
    rows = db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                              .order_by(Follow.id))
    return "follows", [{"kind": r.kind, "item_id": r.item_id, "state": r.state,
                        "reason": r.reason, "created_at": r.created_at.isoformat()}
                       for r in rows]


@accounts.eraser
def erase_follows(user) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == user.id))
    db.session.flush()


def forget_automatic(user, item, reason: str) -> None:
    """Undo an automatic follow (leaving a twinning); a follow made by hand stays."""
    db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.kind == kind_of(item), Follow.item_id == item.id,
        Follow.reason == reason, Follow.state == FOLLOW))
    db.session.flush()
