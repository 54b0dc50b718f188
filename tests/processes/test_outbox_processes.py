"""Mail workers as real processes (`flask --app forum …`) on one real database (SQLite file or
PostgreSQL) and one real SMTP server (aiosmtpd on 127.0.0.1): two `outbox send --loop`
workers, a worker killed mid-batch, two digest runs at the same moment."""
import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from forum import create_app
from forum.accounts.models import User
from forum.config import ROOT
from forum.core.db import utcnow
from forum.extensions import db
from forum.notifications.models import DAILY, Notification, OutboxMessage
from forum.notifications.services import queue_mail
from tests.fixtures.mail import free_port

pytestmark = pytest.mark.slow

MESSAGES = 200


class Recorder:
    """Keeps the Message-ID of every message received. With `gate`, no message is accepted
    until two connections are sending at once: both workers then hold a claimed message."""

    def __init__(self, gate: bool):
        self.message_ids: list[str] = []
        self.peers: set = set()
        self.gate = gate
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        waited = 0.0
        while self.gate and len(self.peers) < 2 and waited < 60:
            await asyncio.sleep(0.05)
            waited += 0.05
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.message_ids.append(message["Message-ID"])
        return "250 OK"


@pytest.fixture
def shared_site(fresh_database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "index"),
                      "FORUM_UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        db.create_all()
    yield app, fresh_database_url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def flask(database_url, tmp_path, port, *args):
    """`flask --app forum ARGS` in a process of its own, configured from the environment as
    on a server."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url,
           "FORUM_SECRET_KEY": "outbox-processes", "FORUM_BASE_URL": "http://localhost",
           "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "index"),
           "FORUM_UPLOAD_DIR": str(tmp_path / "uploads"),
           "FORUM_MAIL_SERVER": "127.0.0.1", "FORUM_MAIL_PORT": str(port),
           "FORUM_MAIL_SENDER": "Gemellaggi <noreply@gemellaggi.example>"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "forum", *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def sent_by(output: str) -> int:
    return sum(int(line.split()[1].rstrip(",")) for line in output.splitlines()
               if line.startswith("Sent "))


def test_two_workers_deliver_every_message_once(shared_site, tmp_path, request):
    app, database_url = shared_site
    with app.app_context():
        expected = {queue_mail(f"membro{i}@example.org", f"Messaggio {i}", "Testo.").id
                    for i in range(MESSAGES)}
        db.session.commit()
    # PostgreSQL: row locks let both workers send at once, and the gate proves they did.
    # SQLite: a sending transaction holds the database's one write lock, so the second worker
    # waits its turn (one writer is enough there); it must still send nothing twice.
    postgres = request.config.getoption("--db") == "postgresql"
    recorder = Recorder(gate=postgres)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    workers = [flask(database_url, tmp_path, port, "outbox", "send", "--loop",
                     "--interval", "1", "--limit", "20") for _ in range(2)]
    try:
        deadline = time.monotonic() + 180
        while len(recorder.message_ids) < MESSAGES and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), workers[0].stderr.read()[-2000:]
            time.sleep(0.2)
        time.sleep(2)  # one more round each: a copy sent twice would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        outputs = [worker.communicate(timeout=60) for worker in workers]
        controller.stop()

    counts = Counter(recorder.message_ids)
    assert len(counts) == MESSAGES, outputs[0][1][-2000:]
    assert max(counts.values()) == 1
    ids = {int(mid.split(".")[1]) for mid in counts}
    assert ids == expected
    sent = [sent_by(out) for out, _err in outputs]
    # A round is reported when it ends: a worker stopped in its last round (a slow machine)
    # has committed every message of it but not printed its total yet. The database below
    # is what proves every message was sent.
    assert 0 < sum(sent) <= MESSAGES
    if postgres:
        assert min(sent) >= 1, sent
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.sent_at.is_(None))) == 0


class HoldAt:
    """Keeps each Message-ID received; the `hold`th message is held before its DATA (at
    RCPT TO), so a worker killed then has sent nothing of it."""

    def __init__(self, hold: int):
        self.message_ids: list[str] = []
        self.hold, self.rcpts = hold, 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 try again"  # this connection's worker is gone by now
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.message_ids.append(message["Message-ID"])
        return "250 OK"


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(shared_site,
                                                                        tmp_path):
    app, database_url = shared_site
    total = 30
    with app.app_context():
        expected = {queue_mail(f"membro{i}@example.org", f"Messaggio {i}", "Testo.").id
                    for i in range(total)}
        db.session.commit()
    server = HoldAt(hold=11)
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        first = flask(database_url, tmp_path, port, "outbox", "send", "--loop", "--interval", "1")
        assert server.holding.wait(120), first.stderr.read()[-2000:] if first.poll() else ""
        first.kill()  # SIGKILL in the middle of the 11th message: no clean-up of any kind
        first.communicate(timeout=30)
        server.release.set()
        assert len(server.message_ids) == 10
        second = flask(database_url, tmp_path, port, "outbox", "send", "--loop",
                       "--interval", "1")
        deadline = time.monotonic() + 120
        while len(server.message_ids) < total and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # a copy sent twice would arrive now
        second.send_signal(signal.SIGINT)
        second.communicate(timeout=60)
    finally:
        server.release.set()
        controller.stop()
    counts = Counter(server.message_ids)
    assert max(counts.values()) == 1
    assert {int(mid.split(".")[1]) for mid in counts} == expected


def test_two_digest_runs_at_once_mail_each_event_once(shared_site, tmp_path):
    app, database_url = shared_site
    members, per_member = 150, 3
    with app.app_context():
        now = utcnow()
        users = [User(username=f"membro{i}", username_key=f"membro{i}",
                      email=f"membro{i}@example.org", email_confirmed_at=now,
                      preferred_language="it" if i % 2 else "en") for i in range(members)]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            for n in range(per_member):
                db.session.add(Notification(
                    user_id=user.id, kind="reply", title=f"Discussione {n}",
                    link=f"/discussions/{n + 1}", delivery=DAILY,
                    created_at=now - timedelta(hours=n + 1)))
        db.session.commit()

    runs = [flask(database_url, tmp_path, free_port(), "notifications", "digest", "--daily")
            for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-2000:]

    with app.app_context():
        per_recipient = Counter(db.session.scalars(select(OutboxMessage.recipient)))
        assert len(per_recipient) == members
        assert set(per_recipient.values()) == {1}
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.mailed_at.is_(None))) == 0
        # Each digest holds its member's three events.
        body = db.session.scalar(select(OutboxMessage.body).where(
            OutboxMessage.recipient == "membro0@example.org"))
        assert all(f"Discussione {n}" in body for n in range(per_member))
    queued = [int(out.rsplit(":", 1)[1].split()[0]) for out, _err in outputs]
    assert sum(queued) == members
