"""Dataset versions moved in the same transaction as the change, and the validators built
from them (ETag, Last-Modified).

An `after_flush` hook sees every row written through the ORM; for each dataset watching the
row's model it moves that dataset's counter with one upsert on the flush's own connection, so
the new version commits (or rolls back) with the change itself.
"""
import hashlib
from datetime import datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from forum.accounts.models import User
from forum.core.db import upsert, utcnow
from forum.extensions import db
from forum.opendata import datasets
from forum.opendata.models import DatasetVersion

BUMPED = "opendata_bumped"
# A member's row changes on every sign-in; only these columns reach a dataset.
USER_COLUMNS = {"full_name", "username", "listed", "deleted_at", "opendata_named"}


def _watchers() -> dict[type, set[str]]:
    watchers: dict[type, set[str]] = {}
    for dataset in datasets.DATASETS.values():
        for model in dataset.watched:
            watchers.setdefault(model, set()).add(dataset.name)
    return watchers


WATCHERS = _watchers()


def _relevant(obj, new_or_deleted: bool) -> bool:
    if new_or_deleted or type(obj) is not User:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes()
               for name in USER_COLUMNS if name in state.attrs)


def changed_datasets(session: Session) -> set[str]:
    names: set[str] = set()
    for objects, whole in ((session.new, True), (session.dirty, False),
                           (session.deleted, True)):
        for obj in objects:
            watching = WATCHERS.get(type(obj))
            if watching and _relevant(obj, whole):
                names |= watching
    return names


def _upsert(connection, name: str) -> None:
    table = DatasetVersion.__table__
    now = utcnow()
    upsert(connection, table, {"dataset": name, "version": 1, "modified_at": now},
           table.c.dataset, {"version": table.c.version + 1, "modified_at": now})


def after_flush(session: Session, flush_context) -> None:
    bumped = session.info.setdefault(BUMPED, set())
    names = changed_datasets(session) - bumped
    if not names:
        return
    connection = session.connection()
    for name in sorted(names):  # one order everywhere: no deadlock between two writers
        _upsert(connection, name)
    bumped |= names


def _forget(session: Session, *args) -> None:
    session.info.pop(BUMPED, None)


def install() -> None:
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_soft_rollback", _forget)


def current(dataset: datasets.Dataset) -> tuple[int, datetime | None]:
    row = db.session.execute(
        select(DatasetVersion.version, DatasetVersion.modified_at)
        .where(DatasetVersion.dataset == dataset.name)).first()
    return (row[0], row[1]) if row else (0, None)


def validators(dataset: datasets.Dataset, representation: str) -> tuple[str, datetime | None]:
    """(ETag, Last-Modified) of one representation of the dataset (format, page)."""
    version, modified = current(dataset)
    total = datasets.count(dataset)
    newest = datasets.newest_change(dataset)
    # Rows written around the ORM (bulk loads) move no counter: the count and the newest
    # change stamp still tell their versions apart.
    seed = f"{dataset.name}|{representation}|{version}|{total}|{newest}"
    etag = hashlib.sha256(seed.encode()).hexdigest()[:32]
    candidates = [value for value in (modified, newest) if value is not None]
    if not candidates:
        return etag, None
    return etag, max(candidates).replace(microsecond=0)
