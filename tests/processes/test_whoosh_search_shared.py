"""Two sites on two ports sharing one database and one Whoosh index folder: a reply posted
through one is found through the other at once, though each site writes the index only after
its response has been sent (forum/search/hooks.py)."""
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest

from bench.run import free_port, wait_for
from forum import create_app
from forum.config import ROOT
from forum.core.db import utcnow
from forum.extensions import db
from forum.search import services
from tests.fixtures.web import PASSWORD
from tests.processes.test_postgres_search_shared import found, post, sign_in

pytestmark = pytest.mark.slow
BIN = os.path.dirname(sys.executable)


@pytest.fixture
def two_sites(fresh_database_url, tmp_path):
    """The schema by the migrations, a member and a discussion, an index built, and two
    gunicorn servers of one worker each on the same database and index folder."""
    index_dir = str(tmp_path / "index")
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "FORUM_SEARCH_BACKEND": "whoosh",
           "FORUM_SECRET_KEY": "two-sites-test", "FORUM_UPLOAD_DIR": str(tmp_path / "uploads"),
           "FORUM_SEARCH_INDEX_DIR": index_dir, "PYTHONPATH": str(ROOT)}
    subprocess.run([os.path.join(BIN, "flask"), "--app", "forum", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "FORUM_SEARCH_BACKEND": "whoosh", "FORUM_SEARCH_INDEX_DIR": index_dir,
                      "FORUM_UPLOAD_DIR": str(tmp_path / "uploads")})
    from forum.accounts.services import create_user
    from forum.discussions import services as discussions
    from forum.twinnings.models import Twinning

    with app.app_context():
        services.reindex()
        member = create_user("anna", "anna@example.org", PASSWORD, confirmed=True)
        member.joined_at = utcnow() - timedelta(days=30)  # past the first-day limits
        twinning = Twinning(slug="bg-le", title="Bergamo e Lecce")
        db.session.add(twinning)
        db.session.flush()
        discussion = discussions.start_discussion(member, twinning, "Tema", "Apriamo.")
        db.session.commit()
        discussion_id = discussion.id
    servers, ports = [], []
    try:
        for _name in ("a", "b"):
            port = free_port()
            server = subprocess.Popen(
                [os.path.join(BIN, "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                 "--log-level", "warning", "wsgi:app"], cwd=ROOT,
                env={**env, "FORUM_BASE_URL": f"http://127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            servers.append(server)
            wait_for(port, server, 60)
            ports.append(port)
        yield ports, discussion_id
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        with app.app_context():
            db.engine.dispose()


def test_a_reply_through_one_site_is_found_through_the_other_at_once(two_sites):
    (port_a, port_b), discussion_id = two_sites
    writers = {port_a: sign_in(port_a), port_b: sign_in(port_b)}
    for source, other in ((port_a, port_b), (port_b, port_a), (port_a, port_a)):
        word = "qz" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghjklmnpqr"))
        assert not found(other, word)
        post(writers[source], discussion_id, f"Una risposta con la parola {word} dentro.")
        assert found(other, word), f"{word} posted on {source} not found on {other}"
