"""Load and fault test of the live site: gunicorn workers, members posting replies while others
read and search; afterwards every accepted reply must be in the database exactly once, with
unique gap-free numbers, counters that agree, found by search, and no answer a 500.

Usage:
  .venv/bin/python bench/load.py [--database-url postgresql://root@127.0.0.1:5432/h_rel]
      [--workers 4] [--clients 16] [--replies 1000] [--discussions 50] [--members 64]
      [--fault none|db-stop|kill-worker] [--redis redis://127.0.0.1:6379/4]

SQLite in a temporary folder by default. With a PostgreSQL URL the script creates (and
drops again) the database `<name>_load` beside it, so the one named is never touched.
`--fault db-stop` puts a TCP proxy between the site and PostgreSQL and cuts it for 10 s
during the load (as a database restart looks to the site; the shared server keeps running);
`--fault kill-worker` SIGKILLs one gunicorn worker during the load. A periodic
`flask --app forum search sync --loop` runs beside the site, as in a deployment.
Prints figures and exits 1 when a check fails; never part of the test suite.
"""
import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.run import free_port, wait_for  # noqa: E402

PASSWORD = "carico di prova abbastanza lungo"
HIDDEN = re.compile(r'name="(csrf_token|submission)"[^>]*value="([^"]*)"')
LETTERS = "bcdfghjklmnpqrstvwz"
OUTAGE_SECONDS = 10


def marker(n: int) -> str:
    """A word found in one reply only, letters only, ending so no stemmer shortens it."""
    word = ""
    while True:
        n, digit = divmod(n, len(LETTERS))
        word += LETTERS[digit]
        if not n:
            return f"qz{word}x"


# --- a browser -------------------------------------------------------------------------


class Browser:
    """One member's connection with its cookies; every answer is tallied by kind."""

    def __init__(self, port: int, tally):
        self.port, self.tally, self.cookies, self.conn = port, tally, {}, None

    def request(self, kind: str, method: str, path: str, form: dict | None = None):
        body = urlencode(form) if form is not None else None
        headers = {"Accept-Language": "it", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            data = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn = None  # a worker killed or restarted under us: a new connection
            self.tally(kind, "conn-error", time.perf_counter() - started)
            return None, {}, ""
        self.tally(kind, response.status, time.perf_counter() - started)
        for value in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.getheaders()), data

    def hidden_fields(self, kind: str, path: str) -> dict | None:
        status, _headers, html = self.request(kind, "GET", path)
        return dict(HIDDEN.findall(html)) if status == 200 else None


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = {}
        self.latency: dict[str, list[float]] = {}

    def __call__(self, kind, status, seconds):
        with self.lock:
            self.statuses.setdefault(kind, Counter())[status] += 1
            self.latency.setdefault(kind, []).append(seconds)


# --- a proxy to cut the database ---------------------------------------------------------


class Proxy:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up, self.sockets, self.lock = True, [], threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.up = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets.clear()


# --- the site ------------------------------------------------------------------------------


def database(args, workdir: Path):
    """(URL the site uses, URL for the checks, a function dropping what was created)."""
    if not args.database_url:
        url = f"sqlite:///{workdir / 'load.db'}"
        return url, url, lambda: None
    import psycopg
    from sqlalchemy import make_url

    base = make_url(args.database_url).set(drivername="postgresql")
    name = f"{base.database}_load"
    admin = base.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = base.set(database=name).render_as_string(hide_password=False)
    return url, url, drop


def prepare(url: str, env: dict, args) -> list[int]:
    """Schema by the migrations, members, one twinning with its discussions, the index."""
    subprocess.run([str(BIN / "flask"), "--app", "forum", "db", "upgrade"], cwd=ROOT,
                   env=env, check=True, capture_output=True)
    app = checker(url, env)
    from forum.accounts.services import create_user
    from forum.core.db import utcnow
    from forum.discussions import services as discussions
    from forum.extensions import db
    from forum.search import services as search
    from forum.twinnings.models import Twinning

    with app.app_context():
        members = []
        for i in range(args.members):
            user = create_user(f"carico{i}", f"carico{i}@example.org", PASSWORD,
                               confirmed=True)
            user.joined_at = utcnow() - timedelta(days=90)  # past the first-day limits
            members.append(user)
        twinning = Twinning(slug="carico", title="Gemellaggio di carico")
        db.session.add(twinning)
        db.session.flush()
        ids = [discussions.start_discussion(members[i % len(members)], twinning,
                                            f"Discussione di carico {i}", "Apertura.").id
               for i in range(args.discussions)]
        db.session.commit()
        search.reindex()
    return ids


def checker(url: str, env: dict):
    """An app in this process on the same database and index, for setting up and checking."""
    from forum import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url,
                       "FORUM_SEARCH_INDEX_DIR": env["FORUM_SEARCH_INDEX_DIR"],
                       "FORUM_UPLOAD_DIR": env["FORUM_UPLOAD_DIR"],
                       "FORUM_SEARCH_BACKEND": env.get("FORUM_SEARCH_BACKEND", "whoosh")})


def worker_pids(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


# --- the load ------------------------------------------------------------------------------


def post_replies(port, tally, members, jobs, outcomes, lock):
    """Sign in, then take jobs (discussion, n) and post each reply until it is accepted."""
    browsers = []
    for username in members:
        browser = Browser(port, tally)
        for _attempt in range(20):
            fields = browser.hidden_fields("login", "/auth/login")
            status = None
            if fields:
                status, _h, _b = browser.request("login", "POST", "/auth/login", {
                    "csrf_token": fields.get("csrf_token", ""), "login": username,
                    "password": PASSWORD})
            if status == 302:
                break
            time.sleep(1)
        browsers.append(browser)
    while True:
        with lock:
            if not jobs:
                return
            discussion_id, n = jobs.pop()
        browser = browsers[n % len(browsers)]
        outcomes[n] = send_reply(browser, discussion_id, n)


def send_reply(browser, discussion_id: int, n: int) -> str:
    """'accepted', or what the last attempt answered. A 503 or a lost connection is retried
    with the same form (the same idempotency key), as a member pressing the button again."""
    path = f"/discussions/{discussion_id}"
    fields = None
    outcome = "no form"
    for _attempt in range(30):
        fields = fields or browser.hidden_fields("read", path)
        if not fields:
            time.sleep(1)
            continue
        status, headers, _body = browser.request("reply", "POST", f"{path}/reply", {
            "csrf_token": fields.get("csrf_token", ""), "submission": fields.get("submission", ""),
            "body": f"Risposta di carico {n}: {marker(n)} parola"})
        if status == 302 and "#post-" in headers.get("Location", ""):
            return "accepted"
        outcome = str(status)
        if status not in (None, 503):
            return outcome
        time.sleep(min(float(headers.get("Retry-After", 1)), 1.0))
    return outcome


def read_and_search(port, tally, discussion_ids, words, stop, searching: bool):
    browser = Browser(port, tally)
    rng = random.Random()
    while not stop.is_set():
        if searching:
            browser.request("search", "GET", f"/search?q={rng.choice(words)}")
        else:
            page = rng.choice(["/", f"/discussions/{rng.choice(discussion_ids)}",
                               "/twinnings/carico", "/twinnings/"])
            browser.request("read", "GET", page)


def fault(args, master: int, proxy, started: threading.Event, log: list):
    started.wait()
    time.sleep(args.fault_after)
    if args.fault == "kill-worker":
        victim = worker_pids(master)[0]
        os.kill(victim, signal.SIGKILL)
        log.append(f"killed worker {victim} at {args.fault_after:.0f} s")
    elif args.fault == "db-stop":
        proxy.cut()
        log.append(f"database cut at {args.fault_after:.0f} s for {OUTAGE_SECONDS} s")
        time.sleep(OUTAGE_SECONDS)
        proxy.up = True
        log.append("database back")


# --- checks --------------------------------------------------------------------------------


def check_database(app, outcomes) -> list[str]:
    from sqlalchemy import func, select

    from forum.core.visibility import PUBLISHED
    from forum.discussions.models import Discussion, Post
    from forum.extensions import db

    problems = []
    with app.app_context():
        rows = db.session.execute(select(Post.body, Post.id).where(
            Post.body.like("Risposta di carico %"))).all()
        saved = Counter(int(body.split()[3].rstrip(":")) for body, _id in rows)
        accepted = {n for n, o in outcomes.items() if o == "accepted"}
        lost = sorted(accepted - saved.keys())
        doubled = sorted(n for n, c in saved.items() if c > 1)
        behind = sorted(saved.keys() - accepted)
        for label, items in (("accepted but not saved", lost), ("saved twice", doubled),
                             ("saved behind an error answer", behind)):
            if items:
                problems.append(f"{len(items)} {label}: {items[:10]}")
        for d in db.session.scalars(select(Discussion)).unique():
            numbers = db.session.scalars(select(Post.number).where(
                Post.discussion_id == d.id).order_by(Post.number)).all()
            visible = db.session.scalar(select(func.count()).where(
                Post.discussion_id == d.id, Post.number > 1, Post.visibility == PUBLISHED))
            if numbers != list(range(1, len(numbers) + 1)):
                problems.append(f"discussion {d.id}: numbers not gap-free")
            if d.last_number != len(numbers) or d.reply_count != visible:
                problems.append(f"discussion {d.id}: counters {d.last_number}/{d.reply_count}"
                                f" but {len(numbers)} posts, {visible} visible replies")
    return problems


def missing_from_search(app, outcomes) -> list[int]:
    from flask_login import AnonymousUserMixin

    from forum.search import services

    missing = []
    with app.test_request_context():
        for n, outcome in sorted(outcomes.items()):
            if outcome != "accepted":
                continue
            page = services.search(AnonymousUserMixin(), services.SearchRequest(q=marker(n)))
            if page.total < 1:
                missing.append(n)
    return missing


def summary(tally, seconds):
    print(f"{'kind':<8}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}  statuses")
    for kind in ("login", "read", "reply", "search"):
        latencies = sorted(tally.latency.get(kind, []))
        if not latencies:
            continue
        q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(
            tally.statuses[kind].items(), key=lambda kv: str(kv[0])))
        print(f"{kind:<8}{len(latencies):>7}{q[49] * 1000:>9.0f}{q[98] * 1000:>9.0f}  "
              f"{statuses}")
    replies = tally.statuses.get("reply", Counter())
    print(f"replies accepted per second: {replies[302] / seconds:.1f}")


def main() -> int:  # noqa: C901 - one script run top to bottom: set up, load, check, clean up
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--searchers", type=int, default=2)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--discussions", type=int, default=50)
    parser.add_argument("--members", type=int, default=64)
    parser.add_argument("--fault", choices=("none", "db-stop", "kill-worker"), default="none")
    parser.add_argument("--fault-after", type=float, default=8.0)
    parser.add_argument("--redis", default=None, help="rate-limit storage (redis://…)")
    parser.add_argument("--search-wait", type=float, default=90.0)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gemellaggi-load-"))
    site_url, check_url, drop = database(args, workdir)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": site_url, "FORUM_SECRET_KEY": "load-test",
           "FORUM_ENV": "production", "FORUM_BASE_URL": f"http://127.0.0.1:{port}",
           "FORUM_SEARCH_INDEX_DIR": str(workdir / "index"),
           "FORUM_UPLOAD_DIR": str(workdir / "uploads"),
           "FORUM_CONTENT_VERSION_FILE": str(workdir / "content-version"),
           # Every member signs in from this one address: the limits set for it.
           "FORUM_RATELIMIT_LOGIN": "10000 per minute", "FORUM_RATELIMIT_POST":
           "10000 per minute", "FORUM_NEW_MEMBER_POSTS_PER_HOUR": "10000"}
    if args.redis:
        env["FORUM_RATELIMIT_STORAGE_URI"] = args.redis
    processes = []
    proxy = None
    try:
        discussion_ids = prepare(check_url, env, args)
        if args.fault == "db-stop":
            if not args.database_url:
                raise SystemExit("--fault db-stop needs a PostgreSQL --database-url")
            from sqlalchemy import make_url

            parsed = make_url(site_url)
            proxy = Proxy(parsed.host or "127.0.0.1", parsed.port or 5432)
            env["DATABASE_URL"] = parsed.set(host="127.0.0.1", port=proxy.port) \
                .render_as_string(hide_password=False)
        site = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(args.workers), "-b",
                                 f"127.0.0.1:{port}", "--log-level", "warning",
                                 "--timeout", "60", "bench.load_app:app"], cwd=ROOT, env=env)
        processes.append(site)
        processes.append(subprocess.Popen(
            [str(BIN / "flask"), "--app", "forum", "search", "sync", "--loop",
             "--interval", "15"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
        wait_for(port, site, 60)

        tally, outcomes, lock = Tally(), {}, threading.Lock()
        jobs = [(discussion_ids[n % len(discussion_ids)], n) for n in range(args.replies)]
        random.Random(1).shuffle(jobs)
        members = [f"carico{i}" for i in range(args.members)]
        stop, started, fault_log = threading.Event(), threading.Event(), []
        words = [marker(n) for n in range(args.replies)] + ["carico", "risposta", "parola"]
        side = [threading.Thread(target=read_and_search, daemon=True, args=(
            port, tally, discussion_ids, words, stop, i < args.searchers))
            for i in range(args.readers + args.searchers)]
        posters = [threading.Thread(target=post_replies, args=(
            port, tally, members[i::args.clients], jobs, outcomes, lock))
            for i in range(args.clients)]
        if args.fault != "none":
            side.append(threading.Thread(target=fault, daemon=True,
                                         args=(args, site.pid, proxy, started, fault_log)))
        print(f"{args.replies} replies by {args.clients} clients ({args.members} members) "
              f"across {args.discussions} discussions, {args.readers} readers, "
              f"{args.searchers} searchers, {args.workers} gunicorn workers, "
              f"{'PostgreSQL' if args.database_url else 'SQLite'}, fault: {args.fault}")
        began = time.perf_counter()
        for thread in side + posters:
            thread.start()
        started.set()
        for thread in posters:
            thread.join()
        seconds = time.perf_counter() - began
        stop.set()
        for line in fault_log:
            print(line)
        print(f"load: {seconds:.1f} s")
        summary(tally, seconds)

        app = checker(check_url, env)
        problems = check_database(app, outcomes)
        not_accepted = Counter(o for o in outcomes.values() if o != "accepted")
        print(f"replies accepted: {sum(o == 'accepted' for o in outcomes.values())} of "
              f"{args.replies}; not accepted: {dict(not_accepted) or 0}")
        waited = time.perf_counter()
        missing = missing_from_search(app, outcomes)
        while missing and time.perf_counter() - waited < args.search_wait:
            time.sleep(5)
            missing = missing_from_search(app, outcomes)
        found = "all accepted replies found" if not missing else f"{len(missing)} missing"
        print(f"search: {found} {time.perf_counter() - waited:.0f} s after the load")
        if missing:
            problems.append(f"{len(missing)} accepted replies not found by search: "
                            f"{missing[:10]}")
        errors = sum(c[500] for c in tally.statuses.values())
        if errors:
            problems.append(f"{errors} answers were 500")
        if not_accepted:
            problems.append(f"{sum(not_accepted.values())} replies never accepted")
        print("checks: " + ("all passed" if not problems else "FAILED"))
        for problem in problems:
            print(f"  - {problem}")
        return 1 if problems else 0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if proxy:
            proxy.listener.close()
        drop()


if __name__ == "__main__":
    sys.exit(main())
