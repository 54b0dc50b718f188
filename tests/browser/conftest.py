"""Real-browser tests: Playwright drives Debian's Chromium against the app served by gunicorn.

One server per test session: a fresh SQLite database in a temporary folder, built by
`flask --app forum db upgrade` (or `db.create_all()` while migrations/versions is empty) and
filled by `flask --app forum seed-demo`, served by gunicorn on a free loopback port. One
browser per session, a fresh context (cookies, storage) per test.

These tests are journeys through the pages and accessibility checks: they do not depend on
the database engine, so they run on SQLite only. With `--db=postgresql` the whole folder is
deselected (see pytest_collection_modifyitems below) instead of starting a second server.

They must run in one pytest-xdist worker (`--dist loadgroup` with the `xdist_group("browser")`
mark every module here carries), or each worker would start its own server and browser.

Chromium is not downloaded by Playwright: the tests use /usr/bin/chromium and fail with one
line saying how to install it when it is missing. They never skip silently.

FORUM_BROWSER_SCHEMA=create_all builds the schema from the models instead of the migrations,
for working on models whose Alembic revision is not written yet.
"""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# The end-of-run summary lives in plugin.py: with pytest-xdist the controller never loads this
# conftest (it collects nothing), so the root conftest names the plugin in pytest_plugins too;
# importing its hooks here covers runs without that line.
from tests.browser.plugin import (  # noqa: F401
    REPORT,
    SCREENSHOTS,
    pytest_configure,
    pytest_terminal_summary,
)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE_VERSION = "4.14.1"
AXE_SCRIPT = HERE / "vendor" / "axe-core" / "axe.min.js"
STARTUP_SECONDS = 30


# --- collection -------------------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """On `--db=postgresql` drop this folder: its journeys are the same on any database."""
    if config.getoption("--db") != "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (drop if HERE in Path(item.path).parents else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def note(line: str) -> None:
    """Record a finding that does not fail the run, for the summary and the test's output."""
    print(line)
    with REPORT.open("a", encoding="utf-8") as report:
        report.write(line + "\n")


# --- the server -------------------------------------------------------------------------------

@dataclass
class Server:
    url: str
    database: Path
    folder: Path

    def address(self, path: str) -> str:
        return self.url + path

    def status(self, path: str) -> int:
        """The HTTP status of a GET, without following redirects."""
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.address(path), timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def log_tail(self, lines: int = 25) -> str:
        """The end of the server's log: the traceback behind a 500."""
        return "\n".join((self.folder / "server.log").read_text().splitlines()[-lines:])

    def query(self, sql: str, *params):
        """Rows from the server's database, read-only; [] when the table is not there yet."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as error:
                if "no such table" in str(error) or "no such column" in str(error):
                    return []
                raise

    def mail_link(self, recipient: str, pattern: str) -> str:
        """The newest link matching `pattern` mailed to `recipient`, pointed at this server."""
        rows = self.query(
            "SELECT body FROM outbox_messages WHERE lower(recipient) = lower(?) ORDER BY id DESC",
            recipient)
        for (body,) in rows:
            for link in re.findall(r"https?://\S+", body):
                if re.search(pattern, link):
                    # The mail carries an absolute link to FORUM_BASE_URL: aim it at this server.
                    parts, ours = urlsplit(link), urlsplit(self.url)
                    return urlunsplit((ours.scheme, ours.netloc, parts.path, parts.query, ""))
        raise AssertionError(f"no mail to {recipient} with a link matching {pattern!r}")


def require(server: Server, path: str, feature: str) -> None:
    """A journey's page must exist: a 404 fails the journey, saying which feature is gone."""
    if server.status(path) == 404:
        pytest.fail(f"{feature}: GET {path} is 404")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict, what: str, optional: bool = False) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    if optional and done.returncode and "No such command" in done.stderr:
        return
    if done.returncode:
        output = (done.stdout + done.stderr).strip().splitlines()[-15:]
        pytest.fail(f"{what} failed (exit {done.returncode}):\n" + "\n".join(output),
                    pytrace=False)


CREATE_ALL = (
    "from forum import create_app\n"
    "from forum.extensions import db\n"
    "app = create_app()\n"
    "with app.app_context():\n"
    "    db.create_all()\n"
)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    database = folder / "forum.db"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FORUM_ENV": "development",
        "FORUM_SECRET_KEY": "browser-tests-secret-key",
        "DATABASE_URL": f"sqlite:///{database}",
        "FORUM_UPLOAD_DIR": str(folder / "uploads"),
        "FORUM_SEARCH_INDEX_DIR": str(folder / "index"),
        "FORUM_RATELIMIT_STORAGE_URI": "memory://",
        "FORUM_BASE_URL": url,
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("FORUM_MAIL_SERVER", "FLASK_APP", "FLASK_DEBUG"):
        env.pop(name, None)
    flask = [sys.executable, "-m", "flask", "--app", "forum"]
    if os.environ.get("FORUM_BROWSER_SCHEMA") == "create_all" or not any(
            (ROOT / "migrations" / "versions").glob("*.py")):
        # For work on models whose revision is not written yet; the normal run migrates.
        _run([sys.executable, "-c", CREATE_ALL], env, "db.create_all()")
    else:
        _run(flask + ["db", "upgrade"], env, "flask db upgrade")
    _run(flask + ["seed-demo"], env, "flask seed-demo")
    # The index is built from the loaded data, as an operator does after seed-demo; what the
    # journeys write later reaches it through the running site.
    _run(flask + ["search", "reindex"], env, "flask search reindex", optional=True)

    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "8", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(url, process, folder / "server.log")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()
        REPORT.write_text("", encoding="utf-8")
        yield Server(url, database, folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = "\n".join(log.read_text().splitlines()[-20:])
            pytest.fail(f"the test server stopped at start-up:\n{tail}", pytrace=False)
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"the test server did not answer on {url} within {STARTUP_SECONDS} s",
                pytrace=False)


# --- the browser ------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def chromium_present():
    """Fail at once, before the server starts, when there is no browser to drive."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with "
                    "`apt-get install chromium` (Debian) to run the browser tests.", pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium_present):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: `.venv/bin/pip install -e '.[test]'` "
                    "(never `playwright install`: the tests use Debian's Chromium).",
                    pytrace=False)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure is reported the same way
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)
    yield chromium
    chromium.close()
    playwright.stop()


class PageProblems:
    """What the browser complained about while a test ran: CSP refusals and script errors."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"script error: {error}"))

    def _console(self, message):
        if message.type == "error":
            self.messages.append(f"console error: {message.text}")

    def csp(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]

    def scripts(self) -> list[str]:
        return [m for m in self.messages if m.startswith("script error")]


def new_context(browser, server, **options):
    ctx = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900},
                              **options)
    ctx.set_default_timeout(10_000)
    return ctx


@pytest.fixture
def context(browser, server):
    """A fresh browser context per test, with the site's CSP enforced as users get it."""
    ctx = new_context(browser, server)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def member_state(browser, server):
    """The cookies of the demo member, signed in once for the pages only members see."""
    from forum.seed.accounts import DEMO_MEMBER, DEMO_PASSWORD

    ctx = new_context(browser, server)
    tab = ctx.new_page()
    tab.goto("/auth/login")
    form = tab.locator("main form.account-form")
    form.locator("input[name=login]").fill(DEMO_MEMBER)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("[type=submit]").click()
    tab.wait_for_load_state()
    assert tab.locator("#account-menu-button").count() == 1, "the demo member cannot sign in"
    state = ctx.storage_state()
    ctx.close()
    return state


@pytest.fixture
def page(context):
    tab = context.new_page()
    tab.problems = PageProblems(tab)
    return tab


@pytest.fixture
def other_person(browser, server):
    """A page in a context of its own: a second person (visitor, staff) in the same journey."""
    contexts = []

    def open_page():
        ctx = new_context(browser, server)
        contexts.append(ctx)
        return ctx.new_page()

    yield open_page
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def axe_context(browser, server):
    # axe is injected as an inline <script>, which the site's CSP (script-src 'self') refuses;
    # bypass_csp is for these axe runs only, the site's policy itself stays as it is.
    ctx = new_context(browser, server, bypass_csp=True)
    yield ctx
    ctx.close()
