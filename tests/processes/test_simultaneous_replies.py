"""Simultaneous replies on a real database (SQLite file or PostgreSQL), not the test's
rolled-back transaction: two members press "Send reply" at the same moment, 200 times."""
import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum import create_app
from forum.core.db import utcnow
from forum.extensions import db
from tests.fixtures.web import PASSWORD

# The issue asks for 200 pairs: FORUM_RACE_PAIRS=200. CI runs fewer to stay fast.
PAIRS = int(os.environ.get("FORUM_RACE_PAIRS", "60"))
THREADS = 10


@pytest.fixture
def race_site(fresh_database_url, tmp_path):
    """A database of its own, two long-standing members and THREADS discussions."""
    from forum.accounts.services import create_user
    from forum.discussions import services as discussions
    from forum.twinnings.models import Twinning

    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "index"),
                      "FORUM_UPLOAD_DIR": str(tmp_path / "uploads"),
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        members = []
        for name in ("anna", "bruno"):
            user = create_user(name, f"{name}@example.org", PASSWORD, confirmed=True)
            # Past the first-day limits: this test is about the database, not the trust rules.
            user.joined_at = utcnow() - timedelta(days=30)
            members.append(user)
        twinning = Twinning(slug="bg-le", title="Bergamo e Lecce")
        db.session.add(twinning)
        db.session.flush()
        app.discussion_ids = [
            discussions.start_discussion(members[0], twinning, f"Tema {i}", "Apriamo.").id
            for i in range(THREADS)]
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _signed_in(app, username):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/auth/login", data={"login": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def test_simultaneous_replies_are_all_saved_once_with_gap_free_numbers(race_site):
    from forum.discussions.models import Discussion, Post

    app = race_site
    clients = [_signed_in(app, "anna"), _signed_in(app, "bruno")]
    start = threading.Barrier(2)
    statuses: list[list[int]] = [[], []]

    def member(index):
        for pair in range(PAIRS):
            discussion_id = app.discussion_ids[pair % THREADS]
            start.wait(timeout=30)
            try:
                response = clients[index].post(f"/discussions/{discussion_id}/reply",
                                               data={"body": f"risposta {index}-{pair}"})
            except Exception:  # noqa: BLE001 - the test client re-raises what a server shows as a 500
                statuses[index].append(500)
            else:
                statuses[index].append(response.status_code)

    threads = [threading.Thread(target=member, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    failed = sum(code != 302 for codes in statuses for code in codes)
    assert (failed, len(statuses[0]), len(statuses[1])) == (0, PAIRS, PAIRS)
    with app.app_context():
        bodies = db.session.scalars(select(Post.body).where(Post.number > 1)).all()
        assert sorted(bodies) == sorted(f"risposta {i}-{p}" for i in range(2)
                                        for p in range(PAIRS))
        for discussion in db.session.scalars(select(Discussion)).unique():
            numbers = db.session.scalars(select(Post.number).where(
                Post.discussion_id == discussion.id).order_by(Post.number)).all()
            assert numbers == list(range(1, len(numbers) + 1))
            assert discussion.last_number == len(numbers) == 1 + 2 * PAIRS // THREADS
            assert discussion.reply_count == len(numbers) - 1
        assert db.session.scalar(select(func.count()).select_from(Post)) == THREADS + 2 * PAIRS
