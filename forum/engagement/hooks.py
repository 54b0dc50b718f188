"""Points and badges follow the data: an `after_flush` hook reads what a flush wrote (new
posts, practices, interest, joins, follows; practices marked matched, reports upheld, content
hidden or restored) and writes ledger lines, totals and badges on the flush's own connection.

So no package above has to call us, nothing is awarded for a change that rolls back (the
lines roll back with it), and a hidden post's points go in the same transaction as the hiding.
"""
import logging
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, event, func, inspect, select
from sqlalchemy.orm import Session

from forum.calls.models import ROME, CallFollow
from forum.core.db import upsert, utcnow
from forum.core.visibility import PUBLISHED
from forum.discussions.models import Discussion, Post
from forum.engagement.models import BadgeAward, MemberPoints, PointEntry
from forum.engagement.rules import ACTIONS, BADGES
from forum.moderation.models import ACTIONED, Report
from forum.practices.models import OFFER, SEEK, STORY, Practice, PracticeAdoption, PracticeInterest
from forum.twinnings.models import EventAttendance, TwinningParticipant

log = logging.getLogger("forum.engagement")

# Called with (connection, user_id, badge code) when a badge is awarded: where the
# notifications package can hang a "badge earned" notice.
ON_BADGE: list[Callable[[Connection, int, str], None]] = []

Award = tuple[int, str, str, int]  # user, action, object kind, object id


def _changed(obj, name: str) -> bool:
    return inspect(obj).attrs[name].history.has_changes()


def _published(obj) -> bool:
    return obj.visibility in (None, PUBLISHED)


class Lookups:
    """What the rules read about other rows (a discussion's opener, a member's organisation),
    remembered per flush. Live, a flush asks for a few, one query each; the replay loads
    them for a whole batch of history in one query each (`load_openers`,
    `load_organisations`)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.openers: dict[int, int | None] = {}
        self.organisations: dict[int, int | None] = {}

    def opener(self, discussion_id: int) -> int | None:
        if discussion_id not in self.openers:
            self.load_openers([discussion_id])
        return self.openers.get(discussion_id)

    def organisation(self, user_id: int | None) -> int | None:
        if user_id is None:
            return None
        if user_id not in self.organisations:
            self.load_organisations([user_id])
        return self.organisations.get(user_id)

    def load_openers(self, discussion_ids) -> None:
        self._load(self.openers, Discussion.id, Discussion.author_id, discussion_ids)

    def load_organisations(self, user_ids) -> None:
        from forum.accounts.models import User

        self._load(self.organisations, User.id, User.organisation_id, user_ids)

    def _load(self, known: dict, key, value, ids, chunk: int = 500) -> None:
        wanted = sorted(set(ids) - known.keys() - {None})
        known.update(dict.fromkeys(wanted))
        for start in range(0, len(wanted), chunk):
            part = wanted[start:start + chunk]
            known.update({k: v for k, v in self.conn.execute(
                select(key, value).where(key.in_(part)))})


def _post_awards(look: Lookups, post: Post) -> list[Award]:
    if post.author_id is None or not _published(post):
        return []
    awards = [(post.author_id, "first_post", "post", post.id)]
    if post.number > 1 and look.opener(post.discussion_id) != post.author_id:
        awards.append((post.author_id, "reply", "post", post.id))
    return awards


def _practice_awards(look: Lookups, practice: Practice) -> list[Award]:
    action = {OFFER: "practice_offered", STORY: "story_told"}.get(practice.kind)
    if practice.author_id is None or action is None or not _published(practice):
        return []
    return [(practice.author_id, action, "practice", practice.id)]


def _interest_awards(look: Lookups, interest: PracticeInterest) -> list[Award]:
    row = look.conn.execute(select(Practice.kind, Practice.author_id, Practice.organisation_id,
                              Practice.visibility)
                       .where(Practice.id == interest.practice_id)).first()
    if row is None or row.kind != SEEK or row.visibility != PUBLISHED:
        return []
    own = {row.organisation_id, look.organisation(row.author_id)} - {None}
    # A second account of the same organisation answering its own request earns nothing.
    if interest.user_id == row.author_id or look.organisation(interest.user_id) in own:
        return []
    return [(interest.user_id, "answer", "practice", interest.practice_id)]


def _matched_awards(look: Lookups, practice: Practice) -> list[Award]:
    if practice.matched_at is None or not _published(practice):
        return []
    other = practice.matched_user_id
    if practice.matched_practice_id is not None:
        other = look.conn.scalar(select(Practice.author_id)
                            .where(Practice.id == practice.matched_practice_id)) or other
    if other is None or other == practice.author_id or practice.author_id is None:
        return []
    mine, theirs = look.organisation(practice.author_id), look.organisation(other)
    if mine is not None and mine == theirs:
        return []  # the same organisation on both sides took up nothing new
    return [(practice.author_id, "matched", "practice", practice.id),
            (other, "matched", "practice", practice.id)]


def _adoption_awards(look: Lookups, adoption: PracticeAdoption) -> list[Award]:
    """Another organisation adopted an offer: its author and the member who said so."""
    row = look.conn.execute(select(Practice.kind, Practice.author_id, Practice.organisation_id,
                              Practice.visibility)
                       .where(Practice.id == adoption.practice_id)).first()
    if row is None or row.kind != OFFER or row.visibility != PUBLISHED \
            or row.author_id is None or adoption.user_id in (None, row.author_id):
        return []
    own = {row.organisation_id, look.organisation(row.author_id)} - {None}
    if adoption.organisation_id in own:
        return []  # one's own organisation adopting its own offer is nothing new
    return [(row.author_id, "adopted", "adoption", adoption.id),
            (adoption.user_id, "adopted", "adoption", adoption.id)]


def _attendance_awards(look: Lookups, attendance: EventAttendance) -> list[Award]:
    """Confirmed by someone else (the organiser or staff), never by the member."""
    if attendance.confirmed_at is None or attendance.confirmed_by_id in (None,
                                                                       attendance.user_id):
        return []
    return [(attendance.user_id, "event_attended", "attendance", attendance.id)]


NEW = {Post: _post_awards, Practice: _practice_awards, PracticeInterest: _interest_awards,
       TwinningParticipant: lambda look, join: [
           (join.user_id, "joined_twinning", "twinning", join.twinning_id)],
       PracticeAdoption: _adoption_awards, EventAttendance: _attendance_awards}
OBJECT_KINDS = {Post: "post", Practice: "practice"}
# Rows whose removal takes their points back (a withdrawn adoption or attendance).
REMOVABLE = {PracticeAdoption: "adoption", EventAttendance: "attendance"}


def _day_start(now: datetime) -> datetime:
    """Midnight in Italy, when the daily caps start again."""
    local = now.astimezone(ROME)
    return datetime.combine(local.date(), time(0), tzinfo=ROME).astimezone(UTC)


def _day_end(now: datetime) -> datetime:
    """The next midnight in Italy (a day of 23 or 25 hours when the clocks change)."""
    local = now.astimezone(ROME)
    return datetime.combine(local.date() + timedelta(days=1), time(0),
                            tzinfo=ROME).astimezone(UTC)


def ledger_row(user_id: int, action: str, kind: str, object_id: int, points: int,  # noqa: PLR0913 (one ledger row's columns)
               reversal_of: int | None = None, at: datetime | None = None) -> dict:
    return {"user_id": user_id, "action": action, "object_kind": kind, "object_id": object_id,
            "points": points, "helping": ACTIONS[action].helping,
            "created_at": at or utcnow(), "reversal_of_id": reversal_of}


def move_totals(conn: Connection, user_id: int, points: int, helping_points: int) -> None:
    table = MemberPoints.__table__
    upsert(conn, table, {"user_id": user_id, "points": points,
                         "helping_points": helping_points},
           table.c.user_id, {"points": table.c.points + points,
                             "helping_points": table.c.helping_points + helping_points})


def _write(conn: Connection, user_id: int, action: str, kind: str, object_id: int,  # noqa: PLR0913 (one ledger row's columns)
           points: int, reversal_of: int | None = None, at: datetime | None = None) -> None:
    row = ledger_row(user_id, action, kind, object_id, points, reversal_of, at)
    conn.execute(PointEntry.__table__.insert().values(**row))
    move_totals(conn, user_id, points, points if row["helping"] else 0)


def award(conn: Connection, user_id: int, action: str, kind: str, object_id: int,
          at: datetime | None = None) -> bool:
    """One award, unless the member already had it for this object (or ever, for a `once`
    action) or reached the day's cap for the action. `at` is when it happened (now, unless
    history is being replayed): the day whose cap counts, and the ledger row's time."""
    spec = ACTIONS[action]
    entries = select(func.count(PointEntry.id)).where(
        PointEntry.user_id == user_id, PointEntry.action == action,
        PointEntry.reversal_of_id.is_(None))
    scope = entries if spec.once else entries.where(PointEntry.object_kind == kind,
                                                    PointEntry.object_id == object_id)
    if conn.scalar(scope):
        return False
    moment = at or utcnow()
    that_day = entries.where(PointEntry.created_at >= _day_start(moment),
                             PointEntry.created_at < _day_end(moment))
    if conn.scalar(that_day) >= spec.daily_cap:
        return False
    _write(conn, user_id, action, kind, object_id, spec.points, at=at)
    return True


def _net_by_line(conn: Connection, kind: str, object_id: int) -> list[tuple]:
    """Per (member, action) on an object: the original points, the net and the last line."""
    rows = conn.execute(select(PointEntry.id, PointEntry.user_id, PointEntry.action,
                               PointEntry.points, PointEntry.reversal_of_id)
                        .where(PointEntry.object_kind == kind,
                               PointEntry.object_id == object_id)
                        .order_by(PointEntry.id)).all()
    lines: dict[tuple, list] = {}
    for row in rows:
        line = lines.setdefault((row.user_id, row.action), [0, 0, None])
        if row.reversal_of_id is None:
            line[0] = row.points
        line[1] += row.points
        line[2] = row.id
    return [(user, action, *values) for (user, action), values in lines.items()]


def follow_visibility(conn: Connection, kind: str, object_id: int, published: bool) -> None:
    """Hidden or deleted: its points go. Published again: they come back."""
    for user_id, action, original, net, last_id in _net_by_line(conn, kind, object_id):
        if published and net == 0 and original:
            _write(conn, user_id, action, kind, object_id, original, reversal_of=last_id)
        elif not published and net > 0:
            _write(conn, user_id, action, kind, object_id, -net, reversal_of=last_id)


def award_badges(conn: Connection, user_id: int, triggers: set[str] | None = None) -> list[str]:
    held = set(conn.scalars(select(BadgeAward.badge).where(BadgeAward.user_id == user_id)))
    earned = []
    for badge in BADGES.values():
        if badge.code in held or (triggers is not None and not badge.triggers & triggers):
            continue
        if badge.rule(conn, user_id):
            conn.execute(BadgeAward.__table__.insert().values(
                user_id=user_id, badge=badge.code, awarded_at=utcnow()))
            earned.append(badge.code)
            for callback in ON_BADGE:
                callback(conn, user_id, badge.code)
    return earned


def _collect(session: Session, look: Lookups):
    conn = look.conn
    awards: list[Award] = []
    visibility: list[tuple[str, int, bool, object]] = []
    follows: set[int] = set()
    for obj in session.new:
        handler = NEW.get(type(obj))
        if handler is not None:
            awards += handler(look, obj)
        elif type(obj) is CallFollow:
            follows.add(obj.user_id)
    for obj in session.dirty:
        kind = OBJECT_KINDS.get(type(obj))
        if kind and _changed(obj, "visibility"):
            visibility.append((kind, obj.id, obj.visibility == PUBLISHED, obj))
            if type(obj) is Practice:  # an offer's adoptions follow it
                visibility += [("adoption", adoption_id, obj.visibility == PUBLISHED, None)
                               for adoption_id in conn.scalars(select(PracticeAdoption.id).where(
                                   PracticeAdoption.practice_id == obj.id))]
        if type(obj) is EventAttendance and _changed(obj, "confirmed_at"):
            visibility.append(("attendance", obj.id, obj.confirmed_at is not None, obj))
        if type(obj) is Practice and _changed(obj, "matched_at"):
            awards += _matched_awards(look, obj)
        if type(obj) is Report and _changed(obj, "status") and obj.status == ACTIONED \
                and obj.reporter_id is not None:
            awards.append((obj.reporter_id, "report_upheld", "report", obj.id))
    for obj in session.deleted:
        kind = REMOVABLE.get(type(obj))
        if kind:
            visibility.append((kind, obj.id, False, obj))
    return awards, visibility, follows


WATCHED = (Post, Practice, PracticeInterest, TwinningParticipant, CallFollow, Report,
           PracticeAdoption, EventAttendance)


def after_flush(session: Session, flush_context) -> None:
    if not any(isinstance(obj, WATCHED) for objects in (session.new, session.dirty,
                                                         session.deleted)
               for obj in objects):
        return
    conn = session.connection()
    look = Lookups(conn)
    awards, visibility, follows = _collect(session, look)
    triggers: dict[int, set[str]] = {user: {"follow"} for user in follows}
    for kind, object_id, published, obj in visibility:
        if published and not _net_by_line(conn, kind, object_id):
            # Published (or confirmed) for the first time: a held first post approved, an
            # attendance the organiser confirmed. Award it now.
            if obj is not None:
                awards += NEW[type(obj)](look, obj)
        else:
            follow_visibility(conn, kind, object_id, published)
    for user_id, action, kind, object_id in awards:
        if award(conn, user_id, action, kind, object_id):
            triggers.setdefault(user_id, set()).add(action)
    for user_id, fired in triggers.items():
        award_badges(conn, user_id, fired)


def install() -> None:
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
