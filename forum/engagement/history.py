"""Points for what happened before the ledger saw it: content written before engagement
existed on a site, or loaded in bulk (`bench-data` inserts rows without the ORM's hooks).

The replay runs the live rules (hooks.NEW and friends) over the stored rows in the order they
happened, with each day's caps counted on the day of the act and the ledger rows dated then,
so a member ends with the points the live site would have given. What the ledger already
holds is skipped by `award` itself: running it again writes nothing.
"""
from collections import Counter

from sqlalchemy import inspect, select

from forum.discussions.models import Post
from forum.engagement import hooks
from forum.extensions import db
from forum.moderation.models import ACTIONED, Report
from forum.practices.models import Practice, PracticeInterest
from forum.twinnings.models import TwinningParticipant

BATCH = 1000

# (model, the time it happened, the rule that gives its awards), replayed one after another:
# each action comes from one model only, so per-action daily caps see the same order.
SOURCES = (
    (Post, Post.created_at, hooks.NEW[Post]),
    (Practice, Practice.created_at, hooks.NEW[Practice]),
    (PracticeInterest, PracticeInterest.created_at, hooks.NEW[PracticeInterest]),
    (TwinningParticipant, TwinningParticipant.joined_at, hooks.NEW[TwinningParticipant]),
)


def replay() -> Counter:
    """Award every point the stored history earns and the ledger lacks; counts by action."""
    conn = db.session.connection()
    written: Counter = Counter()
    for model, moment, rule in SOURCES:
        for obj in _in_order(select(model), moment):
            _give(conn, rule(conn, obj), getattr(obj, moment.key), written)
    matched = select(Practice).where(Practice.matched_at.is_not(None))
    for practice in _in_order(matched, Practice.matched_at):
        _give(conn, hooks._matched_awards(conn, practice), practice.matched_at, written)
    upheld = select(Report).where(Report.status == ACTIONED, Report.reporter_id.is_not(None))
    for report in _in_order(upheld, Report.resolved_at):
        _give(conn, [(report.reporter_id, "report_upheld", "report", report.id)],
              report.resolved_at or report.created_at, written)
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
        yield from rows
        offset += len(rows)
        db.session.expunge_all()


def _give(conn, awards, at, written: Counter) -> None:
    for user_id, action, kind, object_id in awards:
        if hooks.award(conn, user_id, action, kind, object_id, at=at):
            written[action] += 1
