"""`search reindex`: a fresh generation built beside the live one, swapped in atomically.

Order of events (see indexer's docstring for why no change is lost):
1. the REBUILDING marker is written, then the live generation's write lock is taken and
   released once, so every writer that did not see the marker has finished;
2. the new generation is built from the database (the old one keeps answering searches);
3. under the old generation's write lock, CURRENT is replaced and the marker removed;
4. the keys writers recorded in `search_pending` meanwhile are replayed into the new one.
"""
import logging
import os
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import func, select

from forum.search import indexer, registry
from forum.search.indexer import IndexStore, SearchUnavailable

log = logging.getLogger("forum.search")


@contextmanager
def _old_lock(store: IndexStore):
    """Hold the live generation's write lock, if there is a readable live generation."""
    try:
        ix = store.open()
    except SearchUnavailable:
        yield
        return
    lock = ix.lock("WRITELOCK")
    lock.acquire(blocking=True)
    try:
        yield
    finally:
        lock.release()


def rebuild(store: IndexStore, progress=None) -> int:
    """Build, swap, replay; returns the number of documents written."""
    previous = store.current_name()
    store.mark_rebuilding(True)
    try:
        with _old_lock(store):
            pass
        name, ix = store.create_generation()
        with indexer.new_session() as session:
            written = _build(ix, session, progress)
        with _old_lock(store):
            store.point_to(name)
            store.mark_rebuilding(False)
    except BaseException:
        store.mark_rebuilding(False)
        raise
    indexer.drain_pending()
    store.prune(keep={name, previous} - {None})
    return written


def total_rows(session) -> int:
    return sum(session.scalar(select(func.count()).select_from(t.model)) or 0
               for t in registry.types())


MAX_PROCS = 4


def _writer(ix):
    """One writer; with several CPUs, Whoosh's own processes analyse batches of documents and
    each writes a segment (multisegment: no final merge, which would run in one process)."""
    procs = current_app.config.get("FORUM_SEARCH_REINDEX_PROCS", 0) or \
        min(os.cpu_count() or 1, MAX_PROCS)
    if procs <= 1:
        return ix.writer(limitmb=256), True
    return ix.writer(procs=procs, multisegment=True, limitmb=128, batchsize=500), False


def _build(ix, session, progress) -> int:
    writer, optimize = _writer(ix)
    written = 0
    try:
        for search_type in registry.types():
            model = search_type.model
            last_id = 0
            while True:
                rows = list(session.scalars(
                    select(model).options(*search_type.options()).where(model.id > last_id)
                    .order_by(model.id).limit(indexer.LOAD_CHUNK)).unique())
                if not rows:
                    break
                for row in rows:
                    document = search_type.build(row)
                    if document is not None:
                        key = f"{search_type.name}:{row.id}"
                        writer.add_document(**indexer.fields_of(search_type.name, key, document))
                        written += 1
                last_id = rows[-1].id
                if progress is not None:
                    progress(len(rows))
                session.expunge_all()  # keep memory flat on large data sets
        writer.commit(optimize=optimize)
    except BaseException:
        writer.cancel()
        raise
    return written
