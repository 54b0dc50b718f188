"""Test fixtures: one schema per test session, a rolled-back transaction per test.

Every test runs on SQLite; `--db=postgresql` runs the same suite on the PostgreSQL
database named by TEST_DATABASE_URL (one database per xdist worker). A database that
was asked for and cannot be reached fails the run: it never skips.
"""
import os
import re

import pytest
from hypothesis import settings
from sqlalchemy import make_url

from forum import create_app
from forum.extensions import db as _db
from forum.extensions import limiter
from forum.search import pg_schema

# Every shared builder and fixture, registered once (tests/fixtures/__init__.py lists them).
pytest_plugins = ["tests.fixtures.web", "tests.fixtures.queries", "tests.fixtures.mail",
                  "tests.fixtures.search", "tests.browser.plugin"]

# A light hypothesis profile on CI keeps the whole suite within its time budget.
settings.register_profile("ci", max_examples=25, deadline=None)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="database the suite runs on")


def pytest_report_header(config):
    return f"database: {config.getoption('--db')}"


def _postgres_database(worker: str, purpose: str = "forum") -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.fail("--db=postgresql needs TEST_DATABASE_URL (e.g. postgresql://127.0.0.1/test)")
    import psycopg

    url = make_url(base).set(drivername="postgresql")
    name = f"{url.database}_{purpose}_{re.sub(r'[^a-z0-9]', '', worker)}"
    try:
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        pytest.fail(f"cannot reach PostgreSQL at TEST_DATABASE_URL: {exc}")
    return url.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory, worker_id):
    if request.config.getoption("--db") == "postgresql":
        return _postgres_database(worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'forum.db'}"


@pytest.fixture
def fresh_database_url(request, tmp_path, worker_id):
    """An empty database of the kind under test, for migration and process tests."""
    if request.config.getoption("--db") == "postgresql":
        return _postgres_database(worker_id, "fresh")
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def search_backends(config) -> list[str]:
    """The search back-ends the suite runs on: PostgreSQL's own on `--db=postgresql`."""
    return ["whoosh", "postgres"] if config.getoption("--db") == "postgresql" else ["whoosh"]


def pytest_generate_tests(metafunc):
    # The search tests (through `search_index`) run once per back-end of this database.
    if "search_backend" in metafunc.fixturenames:
        metafunc.parametrize("search_backend", search_backends(metafunc.config), indirect=True)


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgresql` tests are about PostgreSQL itself: not collected on SQLite."""
    if config.getoption("--db") == "postgresql":
        return
    keep = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


@pytest.fixture
def search_backend(request):
    return request.param


@pytest.fixture(scope="session")
def test_config(request, database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "FORUM_UPLOAD_DIR": str(instance / "uploads"),
        "FORUM_SEARCH_INDEX_DIR": str(instance / "index"),
        # Each xdist worker its own content version: another worker's commits must not make
        # this one's cached figures (and so its query counts) move mid-test.
        "FORUM_CONTENT_VERSION_FILE": str(instance / "content-version"),
        # The PostgreSQL run indexes everything in PostgreSQL, as a site on it would.
        "FORUM_SEARCH_BACKEND": search_backends(request.config)[-1],
    }


# Flask-Limiter's object is shared by every app of the process, and each create_app binds it
# to that app's storage and switch: a test that builds an app with Redis down would leave
# every later test on the worker signing in against a dead server. The session app's binding
# is kept here and put back after every test.
_LIMITER_BINDING: dict = {}


@pytest.fixture(autouse=True)
def _limiter_bound_to_the_test_app():
    yield
    if _LIMITER_BINDING:
        vars(limiter).clear()
        vars(limiter).update(_LIMITER_BINDING)


@pytest.fixture(scope="session")
def _app(test_config):
    app = create_app(test_config)
    _LIMITER_BINDING.update(vars(limiter))
    # Sessions join the per-test transaction through a SAVEPOINT, so a view's commit stays
    # inside it and the test's rollback undoes everything.
    with app.app_context():
        _db.session.configure(join_transaction_mode="create_savepoint")
        _db.create_all()
        with _db.engine.begin() as connection:
            pg_schema.create(connection)  # PostgreSQL only: the full-text search tables
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app with every session of this test joined to one transaction, rolled back after."""
    with _app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
    try:
        yield _app
    finally:
        with _app.app_context():
            _db.session.remove()
            engines[None] = engine
        transaction.rollback()
        connection.close()
        # The rollback took this test's rows away: what workers keep under the content
        # version (the practices' corpus, cached counts) must not outlive them.
        _app.extensions["forum_content_version"].bump()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly; not for the test client."""
    # English, like `client`: services' messages are checked against the source strings.
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield _db.session


@pytest.fixture
def client(app):
    """A browser that asks for English: tests read the English source strings. Tests of the
    Italian default use `italian_client`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def italian_client(app):
    """A browser that states no language preference: the site answers in Italian."""
    return app.test_client()
