"""Points for what happened before the ledger saw it: content written before engagement
existed on a site, or loaded in bulk (`bench-data` inserts rows without the ORM's hooks).

The replay runs the live rules (hooks.NEW and friends) over the stored rows in the order they
happened, with each day's caps counted on the day of the act and the ledger rows dated then,
so a member ends with the points the live site would have given. What the ledger already
holds is skipped: running it again writes nothing.

It reads history in batches and asks for what the rules need about other rows (openers,
organisations) once a batch; it keeps what `hooks.award` would count (awards held, awards a
day) in memory, read from the ledger once at the start, and writes the ledger a batch at a
time and the totals once at the end: queries per row made 50,000 posts cost minutes.
"""
from collections import Counter
from datetime import datetime

from sqlalchemy import inspect, select

from forum.accounts.models import User
from forum.discussions.models import Post
from forum.engagement import hooks
from forum.engagement.models import PointEntry
from forum.engagement.rules import ACTIONS
from forum.extensions import db
from forum.moderation.models import ACTIONED, Report
from forum.practices.models import Practice, PracticeAdoption, PracticeInterest
from forum.twinnings.models import EventAttendance, TwinningParticipant

BATCH = 1000

# (query, the time it happened, the rule that gives its awards), replayed one after another:
# each action comes from one model only, so per-action daily caps see the same order.
SOURCES = (
    (select(Post), Post.created_at, hooks.NEW[Post]),
    (select(Practice), Practice.created_at, hooks.NEW[Practice]),
    (select(PracticeInterest), PracticeInterest.created_at, hooks.NEW[PracticeInterest]),
    (select(TwinningParticipant), TwinningParticipant.joined_at, hooks.NEW[TwinningParticipant]),
    (select(Practice).where(Practice.matched_at.is_not(None)), Practice.matched_at,
     hooks._matched_awards),
    (select(PracticeAdoption), PracticeAdoption.created_at, hooks.NEW[PracticeAdoption]),
    (select(EventAttendance).where(EventAttendance.confirmed_at.is_not(None)),
     EventAttendance.confirmed_at, hooks.NEW[EventAttendance]),
)


class Held:
    """What `hooks.award` counts in the ledger, kept in memory for the replay: the awards
    held (per object, and per member for `once` actions) and the awards per member, action
    and Italian day. Reversals count for neither, as in `award`."""

    def __init__(self, conn):
        self.conn = conn
        self.keys: set[tuple] = set()
        self.per_day: Counter = Counter()
        # Rows to insert (a batch at a time) and totals to add (once, at the end).
        self.pending: list[dict] = []
        self.totals: dict[int, list[int]] = {}
        rows = conn.execute(select(PointEntry.user_id, PointEntry.action,
                                   PointEntry.object_kind, PointEntry.object_id,
                                   PointEntry.created_at)
                            .where(PointEntry.reversal_of_id.is_(None)))
        for user_id, action, kind, object_id, at in rows:
            self._count(user_id, action, kind, object_id, at)

    def _count(self, user_id, action, kind, object_id, at: datetime) -> None:
        self.keys.update({(user_id, action), (user_id, action, kind, object_id)})
        self.per_day[(user_id, action, hooks._day_start(at))] += 1

    def award(self, user_id: int, action: str, kind: str, object_id: int,
              at: datetime) -> bool:
        """`hooks.award` without its two queries, and with its writes batched."""
        spec = ACTIONS[action]
        key = (user_id, action) if spec.once else (user_id, action, kind, object_id)
        if key in self.keys or self.per_day[(user_id, action, hooks._day_start(at))] \
                >= spec.daily_cap:
            return False
        self.pending.append(hooks.ledger_row(user_id, action, kind, object_id, spec.points,
                                             at=at))
        total = self.totals.setdefault(user_id, [0, 0])
        total[0] += spec.points
        total[1] += spec.points if spec.helping else 0
        self._count(user_id, action, kind, object_id, at)
        return True

    def write(self) -> None:
        if self.pending:
            self.conn.execute(PointEntry.__table__.insert(), self.pending)
            self.pending = []

    def finish(self) -> None:
        """The rows still waiting, then every member's totals in one statement each."""
        self.write()
        for user_id, (points, helping) in sorted(self.totals.items()):
            hooks.move_totals(self.conn, user_id, points, helping)
        self.totals = {}


def replay() -> Counter:
    """Award every point the stored history earns and the ledger lacks; counts by action."""
    conn = db.session.connection()
    look, held = hooks.Lookups(conn), Held(conn)
    look.load_organisations(db.session.scalars(select(User.id)))
    written: Counter = Counter()
    for query, moment, rule in SOURCES:
        for batch in _in_order(query, moment):
            if query.column_descriptions[0]["entity"] is Post:
                look.load_openers({post.discussion_id for post in batch})
            for obj in batch:
                _give(held, rule(look, obj), getattr(obj, moment.key), written)
            held.write()
    upheld = select(Report).where(Report.status == ACTIONED, Report.reporter_id.is_not(None))
    for batch in _in_order(upheld, Report.resolved_at):
        for report in batch:
            _give(held, [(report.reporter_id, "report_upheld", "report", report.id)],
                  report.resolved_at or report.created_at, written)
    held.finish()
    db.session.flush()
    return written


def _in_order(query, moment):
    # Batches by primary key order within time: the identity map is emptied between them,
    # so a history of 50,000 posts never sits in memory at once.
    query = query.order_by(moment, *inspect(query.column_descriptions[0]["entity"]).primary_key)
    offset = 0
    while True:
        rows = db.session.scalars(query.limit(BATCH).offset(offset)).all()
        if not rows:
            return
        yield rows
        offset += len(rows)
        db.session.expunge_all()


def _give(held: Held, awards, at, written: Counter) -> None:
    for user_id, action, kind, object_id in awards:
        if held.award(user_id, action, kind, object_id, at):
            written[action] += 1
