"""Real processes on a real index folder: concurrent writers, a held lock, a swap under a reader."""
import json
import os
import subprocess
import sys

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum import create_app
from forum.config import ROOT
from forum.extensions import db
from forum.search import services
from forum.search.indexer import IndexStore


def start(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.processes._workers", *map(str, args)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def outcome(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def wait_for_line(process):
    line = process.stdout.readline()
    assert line, process.stderr.read()[-3000:]
    return json.loads(line)


@pytest.fixture
def site(fresh_database_url, tmp_path):
    """A database and an index folder shared with other processes, with one discussion."""
    from forum.discussions.models import Discussion, Post
    from forum.twinnings.models import Twinning

    index_dir = str(tmp_path / "index")
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "FORUM_SEARCH_INDEX_DIR": index_dir})
    with app.app_context():
        db.create_all()
        services.reindex()
        twinning = Twinning(slug="bg-le", title="Bergamo e Lecce")
        db.session.add(twinning)
        db.session.flush()
        discussion = Discussion(title="Discussione generale", twinning_id=twinning.id)
        db.session.add(discussion)
        db.session.flush()
        db.session.add(Post(discussion_id=discussion.id, number=1, body="-",
                            body_html="<p>Benvenuti</p>"))
        db.session.commit()
        app.discussion_id = discussion.id
    yield app, fresh_database_url, index_dir
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def total(app, q, type=None):
    with app.test_request_context():
        return services.search(AnonymousUserMixin(),
                               services.SearchRequest(q=q, type=type)).total


def test_two_processes_writing_at_once_lose_nothing(site):
    app, url, index_dir = site
    reader = start("search", url, index_dir, "benvenuti", 6)
    wait_for_line(reader)
    writers = [start("write", url, index_dir, app.discussion_id, prefix, 15)
               for prefix in ("alfa", "beta")]
    ids = [i for w in writers for i in outcome(w)["ids"]]
    assert len(ids) == 30
    assert total(app, "parallelo") == 30
    assert total(app, "alfa7x") == 1 and total(app, "beta14x") == 1
    with app.app_context():
        report = services.check()
    assert report.clean, report
    seen = outcome(reader)
    assert seen["errors"] == [] and seen["empty"] == 0 and seen["ok"] > 0


def test_locked_index_keeps_pending_work_then_applies_it(site):
    app, url, index_dir = site
    app.config.update(FORUM_SEARCH_WRITE_TIMEOUT=0.2, FORUM_SEARCH_WRITE_ATTEMPTS=1)
    holder = start("hold-lock", index_dir, 4)
    assert wait_for_line(holder) == {"locked": True}
    from forum.discussions.models import Post

    with app.app_context():
        db.session.add(Post(discussion_id=app.discussion_id, number=2, body="-",
                            body_html="<p>Scritto mentre il lucchetto era chiuso</p>"))
        db.session.commit()  # the post is saved although the index is locked
        assert services.check().pending == 1
    assert total(app, "lucchetto") == 0
    holder.communicate(timeout=30)
    assert holder.returncode == 0
    # The next write from another process drains the pending work.
    outcome(start("write", url, index_dir, app.discussion_id, "gamma", 1))
    assert total(app, "lucchetto") == 1
    with app.app_context():
        assert services.check().clean


def test_a_worker_killed_after_its_commit_leaves_work_that_sync_applies(site):
    app, url, index_dir = site
    dead = start("write-and-die", url, index_dir, app.discussion_id)
    dead.communicate(timeout=120)
    assert dead.returncode == 17
    with app.app_context():
        # Not in the index (a search would apply it first: indexer.catch_up) but pending,
        # written in the reply's own transaction.
        from forum.discussions.models import Post

        reply_id = db.session.scalar(select(Post.id).where(Post.number == 99))
        db.session.rollback()  # SQLite: ours would be the write lock check() waits for
        assert f"post:{reply_id}" not in services.get_backend().indexed_documents()
        assert services.check().pending >= 1
    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "pending: 0" in result.output
    assert total(app, "interrotto") == 1
    with app.app_context():
        assert services.check().clean


def test_reindex_swaps_under_a_reader_and_replays_changes(site):
    app, url, index_dir = site
    from forum.discussions.models import Post

    with app.app_context():
        db.session.add_all(Post(discussion_id=app.discussion_id, number=2 + i, body="-",
                                body_html=f"<p>Messaggio di prova {i} sul gemellaggio</p>")
                           for i in range(400))
        db.session.commit()
    store = IndexStore(index_dir)
    before = store.current_name()
    reader = start("search", url, index_dir, "gemellaggio", 8)
    wait_for_line(reader)
    writer = start("write", url, index_dir, app.discussion_id, "delta", 15)
    with app.app_context():
        services.reindex()
    outcome(writer)
    seen = outcome(reader)
    assert store.current_name() != before
    assert seen["errors"] == [] and seen["empty"] == 0 and seen["ok"] > 0
    # Posts only: "gemellaggio" names a kind, so the search also offers the twinnings.
    assert total(app, "gemellaggio", "post") == 400
    assert total(app, "parallelo") == 15
    with app.app_context():
        assert services.check().clean
