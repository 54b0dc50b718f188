"""Database helpers: UTC-aware datetimes, SQLite pragmas and transactions, retried writes."""
import logging
import time
from datetime import UTC, datetime

from flask import current_app, has_request_context, request
from sqlalchemy import DateTime, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC; SQLite hands back naive ones, which we mark as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__ == "sqlite3"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers work while one writer commits; SQLite leaves foreign keys off otherwise."""
    if not _is_sqlite(dbapi_connection):
        return
    # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """Write transactions start as BEGIN IMMEDIATE (SQLAlchemy's pysqlite recipe).

    A deferred transaction that has read and then writes cannot wait for the lock: SQLite
    fails it at once with "database is locked" when another writer got there first. An
    immediate one takes the write lock up front, so it waits on busy_timeout instead.
    Requests that only read (GET, HEAD) begin deferred: in WAL they never block, and taking
    the write lock for every page would queue readers behind each other.
    """
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes_on_get(view):
    """Mark a GET view that writes (a confirmation link followed from an e-mail)."""
    view.writes_on_get = True
    return view


def _reads_only() -> bool:
    if not has_request_context() or request.method not in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "writes_on_get", False)


# --- retried writes ----------------------------------------------------------------------

# Constraints two simultaneous writers can trip over, after which trying again succeeds.
RETRY_CONSTRAINTS = ("uq_posts_number", "posts.discussion_id, posts.number",
                     "uq_posts_submission", "posts.author_id, posts.submission_key")
# PostgreSQL: serialization failure, deadlock; lock not available.
RETRY_SQLSTATES = ("40001", "40P01", "55P03")


def is_retryable(error: Exception) -> bool:
    """A failure caused by another transaction at the same moment, not by this one's data."""
    if not isinstance(error, DBAPIError) or error.connection_invalidated:
        return False
    if getattr(error.orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    message = str(error.orig)
    if isinstance(error, IntegrityError):
        return any(name in message for name in RETRY_CONSTRAINTS)
    return isinstance(error, OperationalError) and (
        "database is locked" in message or "database table is locked" in message)


def committed(work, attempts: int = 3):
    """Run `work()` (a service call) and commit; on a conflict with a simultaneous write,
    roll back and run it again, at most `attempts` times. Returns what `work` returned.

    `work` must be safe to repeat: everything it did is rolled back before the next try.
    """
    from forum.extensions import db

    for attempt in range(1, attempts + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except DBAPIError as error:
            db.session.rollback()
            if attempt == attempts or not is_retryable(error):
                raise
            log.info("write conflict (%s), attempt %d of %d", type(error.orig).__name__,
                     attempt, attempts)
            time.sleep(0.01 * attempt)


def is_savepoint_release(session) -> bool:
    """True in an `after_commit` hook that SQLAlchemy fires for a SAVEPOINT being released.

    SQLAlchemy dispatches after_commit for nested transactions too; work that must wait for
    the real commit (indexing, removing files) checks this first.
    """
    return session.in_nested_transaction()


def render_migration_type(type_, obj, autogen_context):
    """Alembic writes UTCDateTime as the plain column type it stores, so revisions need no
    import from the application."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def upsert(connection, table, values: dict, key, changes: dict) -> None:
    """INSERT `values`, or on a conflict on the unique column `key` apply `changes` instead:
    one statement, atomic on both databases (their INSERT … ON CONFLICT DO UPDATE)."""
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert(table).values(**values).on_conflict_do_update(
        index_elements=[key], set_=changes))
