"""Two sites on two ports, one PostgreSQL database and its full-text search: what a member
posts through one is found through the other at once (issue 15's scale-out check)."""
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest

from bench.load import Browser, Tally
from bench.run import free_port, wait_for
from forum import create_app
from forum.config import ROOT
from forum.core.db import utcnow
from forum.extensions import db
from tests.fixtures.web import PASSWORD

pytestmark = [pytest.mark.postgresql, pytest.mark.slow]
BIN = os.path.dirname(sys.executable)


@pytest.fixture
def two_sites(fresh_database_url, tmp_path):
    """The schema by the migrations (the search tables are PostgreSQL's migration), a member
    and a discussion, and two gunicorn servers of one worker each on their own ports."""
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "FORUM_SEARCH_BACKEND": "postgres",
           "FORUM_SECRET_KEY": "two-sites-test", "FORUM_UPLOAD_DIR": str(tmp_path / "uploads"),
           # Nothing of Whoosh is shared: each site gets a folder of its own, left empty.
           "PYTHONPATH": str(ROOT)}
    subprocess.run([os.path.join(BIN, "flask"), "--app", "forum", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "FORUM_SEARCH_BACKEND": "postgres",
                      "FORUM_UPLOAD_DIR": str(tmp_path / "uploads")})
    from forum.accounts.services import create_user
    from forum.discussions import services as discussions
    from forum.twinnings.models import Twinning

    with app.app_context():
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
        for name in ("a", "b"):
            port = free_port()
            server = subprocess.Popen(
                [os.path.join(BIN, "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                 "--log-level", "warning", "wsgi:app"], cwd=ROOT,
                env={**env, "FORUM_BASE_URL": f"http://127.0.0.1:{port}",
                     "FORUM_SEARCH_INDEX_DIR": str(tmp_path / f"index-{name}")},
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


def sign_in(port) -> Browser:
    browser = Browser(port, Tally())
    fields = browser.hidden_fields("login", "/auth/login")
    status, _h, _b = browser.request("login", "POST", "/auth/login", {
        "csrf_token": fields["csrf_token"], "login": "anna", "password": PASSWORD})
    assert status == 302
    return browser


def post(browser, discussion_id, text) -> None:
    path = f"/discussions/{discussion_id}"
    fields = browser.hidden_fields("read", path)
    status, headers, _body = browser.request("reply", "POST", f"{path}/reply", {
        "csrf_token": fields["csrf_token"], "submission": fields.get("submission", ""),
        "body": text})
    assert status == 302 and "#post-" in headers["Location"], status


def found(port, word) -> bool:
    status, _h, html = Browser(port, Tally()).request("search", "GET", f"/search?q={word}")
    assert status == 200
    return f"<mark>{word}</mark>" in html  # in a result's highlighted fragment


def test_a_reply_through_one_site_is_found_through_the_other_at_once(two_sites):
    (port_a, port_b), discussion_id = two_sites
    writers = {port_a: sign_in(port_a), port_b: sign_in(port_b)}
    for source, other in ((port_a, port_b), (port_b, port_a)):
        word = "qz" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghjklmnpqr"))
        assert not found(other, word)
        post(writers[source], discussion_id, f"Una risposta con la parola {word} dentro.")
        started = time.monotonic()
        assert found(other, word), f"{word} posted on {source} not found on {other}"
        assert time.monotonic() - started < 5
