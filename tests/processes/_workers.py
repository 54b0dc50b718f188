"""Separate processes for the search tests: `python -m tests.processes._workers <job> …`.

Each job builds its own app on the database and index folder it is given, as a gunicorn
worker would, and prints one JSON line with what it saw.
"""
import json
import sys
import time
import zlib


def make_app(database_url: str, index_dir: str, **extra):
    from forum import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                       "FORUM_SEARCH_INDEX_DIR": index_dir, **extra})


def write(database_url, index_dir, discussion_id, prefix, count):
    """Add `count` replies, one commit each, as members posting would."""
    from forum.discussions.models import Post
    from forum.extensions import db

    app = make_app(database_url, index_dir)
    ids = []
    # Numbers are unique per discussion: each writer takes its own range, from its prefix.
    first = 1000 + zlib.crc32(prefix.encode()) % 10000 * 100
    with app.app_context():
        for i in range(int(count)):
            post = Post(discussion_id=int(discussion_id), number=first + i, body="-",
                        body_html=f"<p>Processo parallelo {prefix}{i}x risposta</p>")
            db.session.add(post)
            db.session.flush()
            # Read before the commit: reading after it would open a read transaction that
            # SQLite cannot turn into the next insert's write transaction under contention.
            ids.append(post.id)
            db.session.commit()
    print(json.dumps({"ids": ids}))


def hold_lock(index_dir, seconds):
    """Hold the live generation's write lock, as a slow writer would."""
    from forum.search.indexer import IndexStore

    lock = IndexStore(index_dir).open().lock("WRITELOCK")
    assert lock.acquire()
    print(json.dumps({"locked": True}), flush=True)
    time.sleep(float(seconds))
    lock.release()


def search(database_url, index_dir, q, seconds):
    """Search `q` again and again; report how each attempt went."""
    from flask_login import AnonymousUserMixin

    from forum.search import services

    app = make_app(database_url, index_dir)
    outcome = {"ok": 0, "empty": 0, "errors": []}
    deadline = time.monotonic() + float(seconds)
    print(json.dumps({"started": True}), flush=True)
    while time.monotonic() < deadline:
        with app.test_request_context():
            try:
                page = services.search(AnonymousUserMixin(), services.SearchRequest(q=q))
                outcome["ok" if page.total else "empty"] += 1
            except Exception as exc:  # noqa: BLE001 - reported to the test
                outcome["errors"].append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.01)
    print(json.dumps(outcome))


def write_and_die(database_url, index_dir, discussion_id):
    """Commit a reply, then die before indexing it, as a worker killed at that moment would."""
    import os

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from forum.discussions.models import Post
    from forum.extensions import db

    app = make_app(database_url, index_dir)
    # Runs before the indexer's own after_commit listener: the reply is saved, not indexed.
    event.listen(Session, "after_commit", lambda session: os._exit(17), insert=True)
    with app.app_context():
        db.session.add(Post(discussion_id=int(discussion_id), number=99, body="-",
                            body_html="<p>Risposta interrotta dal crollo</p>"))
        db.session.commit()


if __name__ == "__main__":
    job, *args = sys.argv[1:]
    {"write": write, "hold-lock": hold_lock, "search": search,
     "write-and-die": write_and_die}[job](*args)
