"""Session events that keep the index in step with committed data (house style "Search").

after_flush records the keys of registered rows (and of rows whose documents depend on them)
in `session.info`; before_commit writes them to `search_pending` in the same transaction as
the content (the outbox rule); after_commit hands them to the indexer, which removes those
rows once the index has them; a rollback of the whole transaction drops them. Only keys
travel: the indexer reads the rows again after the commit, so a change that was rolled back
can never reach the index, and a worker killed just after a commit (or a database that stops
then) leaves its pending rows for the next write or `search sync` to apply.

In a request, on a back-end that asks for it (Whoosh: its index write is most of a reply's
time), the indexer runs after the response has been sent (`AfterResponse`): the member waits
for the content's commit only. A search meanwhile applies the pending rows itself
(indexer.catch_up), so the member still finds what they have just written.
"""
import logging

from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from forum.core.db import is_savepoint_release
from forum.search import (
    pg,  # noqa: F401 - registers the postgres back-end
    registry,
)
from forum.search.models import SearchPending

log = logging.getLogger("forum.search")

INFO_KEY = "search_changes"
# Set in session.info by a bulk loader (seed-demo) that indexes once after its commit: the
# changes stay as pending rows instead of one index write per commit.
DEFER_KEY = "search_deferred"
# In `g` during a request whose index work waits for its response to be sent.
AFTER_RESPONSE_KEY = "search_after_response"


class AfterResponse:
    """The index work of one request's commits, done once its response has gone out."""

    def __init__(self, app):
        self.app = app
        self.keys: set[tuple[str, int]] = set()
        self.scheduled = False

    def flush(self) -> None:
        keys, self.keys = self.keys, set()
        if not keys:
            return
        try:
            with self.app.app_context():
                from forum.search.backend import get_backend

                get_backend().apply(keys)  # on failure the pending rows stay, as ever
        except Exception:
            log.exception("search: %d change(s) left pending after a response", len(keys))


def _after_response_queue() -> AfterResponse | None:
    return g.get(AFTER_RESPONSE_KEY) if has_request_context() else None


def _changed_fields(obj) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _record(session: Session, obj, deleted: bool, new: bool) -> set[tuple[str, int]]:
    keys: set[tuple[str, int]] = set()
    search_type = registry.for_model(type(obj))
    if search_type is not None and obj.id is not None:
        relevant = deleted or new or not search_type.fields or \
            bool(_changed_fields(obj) & set(search_type.fields))
        if relevant:
            keys.add((search_type.name, obj.id))
    for related in registry.related_functions(type(obj)):
        keys.update(related(obj))
    return keys


def after_flush(session: Session, flush_context) -> None:
    watched = registry.watched_models()
    keys: set[tuple[str, int]] = set()
    for objects, deleted, new in ((session.new, False, True), (session.dirty, False, False),
                                  (session.deleted, True, False)):
        for obj in objects:
            if type(obj) not in watched:
                continue
            try:
                keys |= _record(session, obj, deleted, new)
            except Exception:  # indexing must never break a flush
                log.exception("search: could not work out what %r changed", obj)
                search_type = registry.for_model(type(obj))
                if search_type is not None and getattr(obj, "id", None) is not None:
                    keys.add((search_type.name, obj.id))
    if keys:
        session.info.setdefault(INFO_KEY, set()).update(keys)


def before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT: the outer commit records everything at once
    session.flush()  # so after_flush has seen every change of this transaction
    keys = session.info.get(INFO_KEY)
    if keys:
        session.execute(insert(SearchPending), [
            {"doc_type": t, "doc_id": i, "op": "update", "reason": "written with the content"}
            for t, i in sorted(keys)])


def after_commit(session: Session) -> None:
    if is_savepoint_release(session):
        # The outer transaction is still open: other connections cannot see its rows yet.
        return
    keys = session.info.pop(INFO_KEY, None)
    if not keys or session.info.get(DEFER_KEY):
        return
    if not has_app_context():
        log.info("commit outside an app context: %d search change(s) left pending", len(keys))
        return
    queue = _after_response_queue()
    if queue is not None:
        queue.keys |= keys
        return
    from forum.search.backend import get_backend

    get_backend().apply(keys)


def after_soft_rollback(session: Session, previous_transaction) -> None:
    # Only a rollback of the whole transaction undoes everything recorded; a savepoint's
    # rollback leaves earlier flushes standing (re-reading an unchanged row is harmless).
    if previous_transaction.parent is None:
        session.info.pop(INFO_KEY, None)


def _open_queue() -> None:
    from forum.search.backend import BACKENDS

    backend = BACKENDS.get(current_app.config.get("FORUM_SEARCH_BACKEND", "whoosh"))
    if backend is not None and backend.index_after_response:
        g.setdefault(AFTER_RESPONSE_KEY, AfterResponse(current_app._get_current_object()))


def _index_after_sending(response):
    queue = _after_response_queue()
    if queue is not None and not queue.scheduled:
        queue.scheduled = True
        # The WSGI server calls this once the body is sent (commits made later in this
        # request, in other after_request functions or teardown, join the same queue).
        response.call_on_close(queue.flush)
    return response


def _index_if_no_response(exc) -> None:
    queue = _after_response_queue()
    if queue is not None and not queue.scheduled:
        queue.flush()  # an error went past the handlers: no response will be closed


def register(app) -> None:
    """Index a request's commits after its response (back-ends that ask for it)."""
    app.before_request(_open_queue)
    app.after_request(_index_after_sending)
    app.teardown_request(_index_if_no_response)


def install() -> None:
    """Listen on every Session (the request's, the CLI's, the tests')."""
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)
        event.listen(Session, "before_commit", before_commit)
        event.listen(Session, "after_commit", after_commit)
        event.listen(Session, "after_soft_rollback", after_soft_rollback)
