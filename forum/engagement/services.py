"""Leaderboards, a member's points and badges, and the ledger's maintenance commands."""
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import delete, func, select

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.calls.models import ROME
from forum.core.db import utcnow
from forum.engagement import hooks
from forum.engagement.models import BadgeAward, MemberPoints, PointEntry
from forum.engagement.rules import ACTIONS, BADGES
from forum.extensions import db
from forum.places.models import City, Organisation

BOARDS = ("members", "organisations", "cities")
PERIODS = ("month", "all")
TOP = 20


@dataclass
class Standing:
    name: str
    points: int
    member: User | None = None
    slug: str | None = None


def month_start(now: datetime | None = None) -> datetime:
    local = (now or utcnow()).astimezone(ROME)
    return datetime.combine(local.date().replace(day=1), time(0), tzinfo=ROME).astimezone(UTC)


def _shown():
    # Former members leave the boards; the others appear only if they chose to.
    return User.deleted_at.is_(None), User.on_leaderboard.is_(True)


def _members(period: str) -> list[Standing]:
    if period == "all":
        points = MemberPoints.points.label("points")
        query = select(User, points).join(MemberPoints, MemberPoints.user_id == User.id)
    else:
        points = func.sum(PointEntry.points).label("points")
        query = (select(User, points).join(PointEntry, PointEntry.user_id == User.id)
                 .where(PointEntry.created_at >= month_start()).group_by(User.id))
    query = query.where(*_shown()).having(points > 0) if period == "month" \
        else query.where(*_shown(), MemberPoints.points > 0)
    rows = db.session.execute(query.order_by(points.desc(), User.id).limit(TOP))
    return [Standing(user.display_name, total, member=user) for user, total in rows]


def _groups(board: str, period: str) -> list[Standing]:
    """Organisations and cities: their members' points for helping others."""
    model, key = (Organisation, User.organisation_id) if board == "organisations" \
        else (City, User.city_id)
    if period == "all":
        points = func.sum(MemberPoints.helping_points).label("points")
        query = select(model, points).join(User, key == model.id).join(
            MemberPoints, MemberPoints.user_id == User.id)
    else:
        points = func.sum(PointEntry.points).label("points")
        query = (select(model, points).join(User, key == model.id)
                 .join(PointEntry, PointEntry.user_id == User.id)
                 .where(PointEntry.helping.is_(True), PointEntry.created_at >= month_start()))
    query = (query.where(User.deleted_at.is_(None)).group_by(model.id)
             .having(points > 0).order_by(points.desc(), model.id).limit(TOP))
    return [Standing(row.name, total, slug=getattr(row, "slug", None))
            for row, total in db.session.execute(query)]


def leaderboard(board: str, period: str) -> list[Standing]:
    return _members(period) if board == "members" else _groups(board, period)


@dataclass
class Profile:
    points: int
    badges: list[tuple[object, datetime]]
    latest: list[PointEntry]


def profile_of(member: User) -> Profile:
    points = db.session.scalar(select(MemberPoints.points)
                               .where(MemberPoints.user_id == member.id)) or 0
    awards = db.session.execute(select(BadgeAward.badge, BadgeAward.awarded_at)
                                .where(BadgeAward.user_id == member.id)
                                .order_by(BadgeAward.awarded_at)).all()
    latest = list(db.session.scalars(
        select(PointEntry).where(PointEntry.user_id == member.id)
        .order_by(PointEntry.id.desc()).limit(5)))
    return Profile(points, [(BADGES[code], at) for code, at in awards if code in BADGES],
                   latest)


def holders() -> dict[str, list[tuple[User, datetime]]]:
    """Who holds each badge: members listed in the directory, by name; one query."""
    rows = db.session.execute(
        select(BadgeAward.badge, User, BadgeAward.awarded_at)
        .join(User, User.id == BadgeAward.user_id)
        .where(User.deleted_at.is_(None), User.listed.is_(True))
        .order_by(BadgeAward.awarded_at, BadgeAward.id))
    found: dict[str, list] = {code: [] for code in BADGES}
    for code, user, at in rows:
        found.setdefault(code, []).append((user, at))
    return found


def action_label(action: str):
    spec = ACTIONS.get(action)
    return spec.label if spec else action


# --- maintenance -------------------------------------------------------------------------------

def rebuild() -> dict[str, int]:
    """Recompute every member's totals from the ledger alone; returns how many changed."""
    sums = {row.user_id: (row.points, row.helping) for row in db.session.execute(
        select(PointEntry.user_id, func.sum(PointEntry.points).label("points"),
               func.sum(PointEntry.points).filter(PointEntry.helping.is_(True))
               .label("helping"))
        .group_by(PointEntry.user_id))}
    current = {row.user_id: row for row in db.session.scalars(select(MemberPoints))}
    changed = 0
    for user_id, (points, helping) in sums.items():
        row = current.pop(user_id, None) or MemberPoints(user_id=user_id, points=0,
                                                         helping_points=0)
        if (row.points, row.helping_points) != (points, helping or 0):
            changed += 1
        row.points, row.helping_points = points, helping or 0
        db.session.add(row)
    for row in current.values():  # totals with no ledger behind them
        changed += 1
        db.session.delete(row)
    db.session.flush()
    return {"members": len(sums), "changed": changed}


def award_all() -> int:
    """Run every badge rule for every member; awards only what is missing."""
    conn = db.session.connection()
    users = db.session.scalars(select(User.id).where(User.deleted_at.is_(None))).all()
    return sum(len(hooks.award_badges(conn, user_id)) for user_id in users)


@accounts.exporter
def _export_engagement(user: User) -> tuple[str, dict]:
    entries = db.session.scalars(select(PointEntry).where(PointEntry.user_id == user.id)
                                 .order_by(PointEntry.id))
    awards = db.session.scalars(select(BadgeAward).where(BadgeAward.user_id == user.id))
    return "engagement", {
        "on_leaderboard": user.on_leaderboard,
        "ledger": [{"id": e.id, "action": e.action, "object": f"{e.object_kind}:{e.object_id}",
                    "points": e.points, "reversal_of": e.reversal_of_id,
                    "created_at": e.created_at.isoformat()} for e in entries],
        "badges": [{"badge": a.badge, "awarded_at": a.awarded_at.isoformat()} for a in awards],
    }


@accounts.eraser
def _erase_engagement(user: User) -> None:
    for model in (BadgeAward, MemberPoints):
        db.session.execute(delete(model).where(model.user_id == user.id))
    # Reversals first: a line may name another of the same member.
    db.session.execute(delete(PointEntry).where(PointEntry.user_id == user.id,
                                                PointEntry.reversal_of_id.is_not(None)))
    db.session.execute(delete(PointEntry).where(PointEntry.user_id == user.id))
    user.on_leaderboard = False
