"""Writing the Whoosh index so that it never falls behind the database.

Strategy: Whoosh's own file lock, taken with a timeout and retried, by whichever worker
committed the change; not one writer fed by a queue. Why: it needs no extra process to run
and watch, a change is searchable as soon as the request that made it returns, and the
lock is an fcntl lock the kernel releases when a worker dies (AsyncWriter's background
thread, by contrast, loses its buffered documents with the worker).

No update is lost because of two rules:

1. Documents are built from the database *after* the lock is taken. The hooks only pass
   keys ("post", 12); whoever holds the lock reads the rows as they are now. Two workers
   changing the same row cannot leave an older version in the index: the later writer reads
   the later commit (every commit happens before its after_commit hook asks for the lock).
2. Work that cannot be done (lock timeout, missing or broken index, any error) goes to the
   `search_pending` table, in its own transaction. The next successful write drains that
   table, and `search check --fix` and `search reindex` do too. The content is always saved:
   indexing runs after the commit and never raises into the request.

The index folder (FORUM_SEARCH_INDEX_DIR) holds generations: `gen-<time>-<random>/` folders and
a `CURRENT` file naming the live one. `reindex` builds a new generation while the old one
keeps answering, then rewrites `CURRENT` atomically (os.replace) while holding the old
generation's write lock. During a rebuild a `REBUILDING` marker tells writers to keep writing
the old generation *and* to record their keys in `search_pending`; after the swap those keys
are replayed into the new generation, so changes made during the rebuild are not lost.
"""
import logging
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError

from forum.core.db import utcnow
from forum.core.searchable import Document
from forum.search import registry
from forum.search.models import SearchPending
from forum.search.schema import STORED_BODY_CHARS, build_schema, pack_facets

log = logging.getLogger("forum.search")

POINTER = "CURRENT"
MARKER = "REBUILDING"
LOAD_CHUNK = 500
PENDING_BATCH = 2000
# A rebuild marker older than this belongs to a reindex that died: writers ignore it.
STALE_MARKER_SECONDS = 6 * 3600
OPEN_ATTEMPTS = 5
# A search applies pending work this recent first (a write indexed after its response may
# not be done yet); older work is left to writes and `search sync`, so that a document that
# cannot be indexed does not make every search try again.
CATCH_UP_SECONDS = 60
# At most this much of it: a search is a visitor's GET, not the place to work off a backlog.
CATCH_UP_BATCH = 200
# How long a search waits for the lock to do so (a reply's write holds it ~20 ms).
CATCH_UP_PATIENCE = (1.0, 1)


class SearchUnavailable(Exception):
    """The index is missing or unreadable; `reason` says which, for /healthz and the logs."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- the folder of generations ------------------------------------------------------------


def _storage(path: Path) -> FileStorage:
    """The folder of one generation, read through the file system rather than mmap.

    Whoosh 2.7.4 maps a segment and then wraps each file of it in `BytesIO(memoryview)`,
    which copies it: every searcher held a private copy of the postings, terms and stored
    fields (about 330 MB per worker on the bench data, copied again on every reopen). Plain
    reads leave the data in the page cache, shared by every worker, for ~15 % more CPU per
    query (bench/README.md).
    """
    return FileStorage(str(path), supports_mmap=False)


class IndexStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def current_name(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def current_path(self) -> Path:
        name = self.current_name()
        if name is None:
            raise SearchUnavailable("missing: no index has been built")
        path = self.root / name
        if not path.is_dir():
            raise SearchUnavailable(f"missing: the folder {name} is gone")
        return path

    def open(self, path: Path | None = None):
        """The live index (or `path`), retried while another process is committing."""
        path = path or self.current_path()
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return _storage(path).open_index(schema=build_schema())
            except FileNotFoundError:
                # A commit renaming its TOC file, or a generation swapped out: look again.
                time.sleep(0.05 * (attempt + 1))
                path = self.current_path()
            except whoosh_index.EmptyIndexError:
                raise SearchUnavailable("corrupt: the index folder holds no index")
            except Exception as exc:  # noqa: BLE001 - any unreadable file means corrupt
                raise SearchUnavailable(f"corrupt: {type(exc).__name__}: {exc}")
        raise SearchUnavailable("busy: the index could not be opened")

    def create_generation(self):
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"gen-{stamp}-{secrets.token_hex(3)}"
        path = self.root / name
        path.mkdir()
        return name, whoosh_index.create_in(str(path), build_schema())

    def point_to(self, name: str) -> None:
        tmp = self.root / f"{POINTER}.{os.getpid()}.tmp"
        tmp.write_text(name)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / POINTER)

    def rebuilding(self) -> bool:
        try:
            age = time.time() - (self.root / MARKER).stat().st_mtime
        except FileNotFoundError:
            return False
        return age < STALE_MARKER_SECONDS

    def mark_rebuilding(self, on: bool) -> None:
        marker = self.root / MARKER
        if on:
            self.root.mkdir(parents=True, exist_ok=True)
            marker.write_text(f"{os.getpid()} {datetime.now(UTC).isoformat()}")
        else:
            marker.unlink(missing_ok=True)

    def prune(self, keep: set[str]) -> None:
        """Remove old generations; readers still holding one retry on the new pointer."""
        for child in self.root.glob("gen-*"):
            if child.is_dir() and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


def store() -> IndexStore:
    return IndexStore(current_app.config["FORUM_SEARCH_INDEX_DIR"])


# --- writing ------------------------------------------------------------------------------


def _settings() -> tuple[float, int]:
    config = current_app.config
    return (float(config.get("FORUM_SEARCH_WRITE_TIMEOUT", 3.0)),
            int(config.get("FORUM_SEARCH_WRITE_ATTEMPTS", 3)))


@contextmanager
def locked_writer(index_store: IndexStore, patience: tuple[float, int] | None = None):
    """A writer on the live generation, holding its lock; retried, and re-aimed after a swap.

    `patience`: (seconds per attempt, attempts), FORUM_SEARCH_WRITE_* by default."""
    timeout, attempts = patience or _settings()
    last_error: Exception | None = None
    for _ in range(attempts):
        path = index_store.current_path()
        ix = index_store.open(path)
        try:
            writer = ix.writer(timeout=timeout, delay=0.05)
        except LockError as exc:
            last_error = exc
            continue
        if index_store.current_path() != path:
            writer.cancel()  # swapped while we waited: write the new generation instead
            continue
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        return
    raise LockError(f"index write lock not acquired after {attempts} attempts") from last_error


def new_session() -> Session:
    """A session of its own: the request's session has just committed and must not be reused."""
    from forum.extensions import db

    return Session(bind=db.engine, join_transaction_mode="create_savepoint",
                   expire_on_commit=False)


def apply(keys: set[tuple[str, int]], reason: str = "") -> bool:
    """Bring these documents (and any pending ones) in line with the database.

    Returns False when the work was recorded as pending instead; never raises.
    """
    keys = {(t, int(i)) for t, i in keys if registry.get(t) is not None}
    try:
        write_now(keys)
        return True
    except Exception as exc:  # noqa: BLE001 - indexing must never fail the request
        log.warning("search index write failed (%s); %d change(s) kept as pending work",
                    exc, len(keys))
        record_pending(keys, f"{type(exc).__name__}: {exc}"[:200])
        return False


def write_now(keys: set[tuple[str, int]], drain: bool = True,
              patience: tuple[float, int] | None = None,
              since: datetime | None = None) -> None:
    """Write `keys` and, if `drain`, the oldest pending work (only work recorded `since`, a
    small batch of it, when given)."""
    index_store = store()
    with locked_writer(index_store, patience) as writer, new_session() as session:
        rebuilding = index_store.rebuilding()
        query = select(SearchPending).order_by(SearchPending.id).limit(PENDING_BATCH)
        if since is not None:
            query = query.where(SearchPending.created_at >= since).limit(CATCH_UP_BATCH)
        pending = [] if rebuilding or not drain else list(session.scalars(query))
        work = keys | {(p.doc_type, p.doc_id) for p in pending}
        if not work:
            writer.cancel()  # someone else wrote it while we waited for the lock
            return
        write_documents(writer, session, work)
        # End the read transaction before writing: SQLite cannot turn a read transaction
        # into a write one once another process has committed (it fails at once).
        pending_ids = [p.id for p in pending]
        session.rollback()
        if rebuilding:
            # Recorded before the index commit releases the lock: the swap, which takes
            # the same lock, then finds them to replay.
            _add_pending(session, keys, "changed during a rebuild")
            session.commit()
            writer.commit()
        else:
            writer.commit()
            if pending_ids:
                session.execute(delete(SearchPending).where(SearchPending.id.in_(pending_ids)))
                session.commit()


def write_documents(writer, session: Session, keys: set[tuple[str, int]]) -> None:
    by_type: dict[str, set[int]] = {}
    for doc_type, doc_id in keys:
        by_type.setdefault(doc_type, set()).add(doc_id)
    for doc_type, ids in by_type.items():
        search_type = registry.get(doc_type)
        if search_type is None:
            continue
        found = set()
        for row in load_rows(session, search_type, ids):
            found.add(row.id)
            put(writer, search_type, row)
        for missing in ids - found:
            remove(writer, f"{doc_type}:{missing}")


def load_rows(session: Session, search_type, ids):
    ids = sorted(ids)
    model = search_type.model
    for start in range(0, len(ids), LOAD_CHUNK):
        chunk = ids[start:start + LOAD_CHUNK]
        statement = select(model).options(*search_type.options()).where(model.id.in_(chunk))
        yield from session.scalars(statement).unique()


def put(writer, search_type, row) -> None:
    key = f"{search_type.name}:{row.id}"
    document = search_type.build(row)
    if document is None:
        remove(writer, key)
    else:
        writer.update_document(**fields_of(search_type.name, key, document))


def remove(writer, key: str) -> None:
    writer.delete_by_term("key", key)
    writer.delete_by_term("parents", key)


def fields_of(doc_type: str, key: str, doc: Document) -> dict:
    title = doc.title if doc.index_title else ""
    words = "\n".join(part for part in (title, doc.summary, doc.body) if part)
    fields = {
        "key": key, "type": doc_type, "title": doc.title, "summary": doc.summary[:1000],
        "body": doc.body[:STORED_BODY_CHARS], "words": words,
        "cities": ",".join(doc.cities), "themes": ",".join(doc.themes),
        "language": guess_language(words), "visibility": doc.visibility,
        "author": str(doc.author_id or ""), "parents": ",".join(doc.parents),
        "date": int(doc.date.timestamp()) if doc.date else 0,
        "facets": pack_facets(doc_type, doc.cities, doc.themes),
    }
    for name in ("network", "twinning", "kind"):
        value = getattr(doc, name)
        if value:
            fields[name] = value
    for name in ("title", "summary", "body"):
        value = getattr(doc, name) or ""
        if name == "title" and not doc.index_title:
            value = ""
        fields[f"{name}_it"] = value
        fields[f"{name}_en"] = value
    return fields


_ITALIAN_HINTS = frozenset(
    "il lo la gli le di del della che per con non una sono è nel alla".split())
_ENGLISH_HINTS = frozenset("the of and to in is that for with on are this by from as".split())


def guess_language(text: str) -> str:
    """'it' or 'en' by counting each language's commonest words; good enough for a label."""
    words = text.lower().split()[:400]
    italian = sum(w in _ITALIAN_HINTS for w in words)
    english = sum(w in _ENGLISH_HINTS for w in words)
    return "en" if english > italian else "it"


# --- pending work -------------------------------------------------------------------------


def catch_up(index_store: IndexStore) -> None:
    """Before a search: apply recent pending work, so that a member finds what they have
    just written though their request's index write (done after its response) may still be
    running, in this worker or another, or may never run (a worker killed meanwhile)."""
    since = utcnow() - timedelta(seconds=CATCH_UP_SECONDS)
    try:
        with new_session() as session:
            recent = session.scalar(select(SearchPending.id).where(
                SearchPending.created_at >= since).limit(1))
    except Exception:
        log.exception("search: could not look for pending work")
        return
    if recent is None or index_store.rebuilding():
        return
    try:
        write_now(set(), patience=CATCH_UP_PATIENCE, since=since)
    except Exception as exc:  # noqa: BLE001 - search what the index has
        log.info("search: pending work not applied before a search (%s)", exc)


def _add_pending(session: Session, keys, reason: str) -> None:
    session.add_all(SearchPending(doc_type=t, doc_id=i, op="update", reason=reason)
                    for t, i in sorted(keys))


def record_pending(keys, reason: str) -> None:
    if not keys:
        return
    try:
        with new_session() as session:
            # Most keys are already there: the commit that changed them wrote them (hooks).
            keys = set(keys) - _already_pending(session, keys)
            if not keys:
                return
            _add_pending(session, keys, reason)
            session.commit()
    except Exception:
        # Both the index and the database failed: nothing more can be done here, and
        # `search check --fix` will find the difference.
        log.exception("could not record pending search work for %d document(s)", len(keys))


def _already_pending(session: Session, keys) -> set[tuple[str, int]]:
    found = set()
    for doc_type in {t for t, _ in keys}:
        ids = [i for t, i in keys if t == doc_type]
        found |= {(doc_type, i) for i in session.scalars(select(SearchPending.doc_id).where(
            SearchPending.doc_type == doc_type, SearchPending.doc_id.in_(ids)))}
    return found


def pending_count(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(SearchPending)) or 0


def drain_pending() -> int:
    """Apply all pending work now (check --fix, after a reindex). Returns what is left."""
    with new_session() as session:
        before = pending_count(session)
    while before:
        write_now(set())
        with new_session() as session:
            left = pending_count(session)
        if left >= before:
            return left
        before = left
    return 0
