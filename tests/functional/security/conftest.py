"""Fixtures of the security tests: the `world` and a signed-in client for every role."""
import pytest

from forum.extensions import db
from tests.fixtures import search as search_fixtures
from tests.functional.security.world import ROLES, World, build_world, signed_in_client

# A fresh index per test, so the search page answers from this test's world.
search_index = search_fixtures.default_search_index


@pytest.fixture
def world(app, request) -> World:
    """One member of every role and one of every object, committed in the test's transaction.

    Only the search page's rows build an index (writing one costs more than the rest of the
    world); elsewhere the search hooks keep their changes as pending work, as they do whenever
    the index is missing.
    """
    row = getattr(getattr(request.node, "callspec", None), "params", {}).get("row")
    if row is not None and row.endpoint.startswith("search."):
        request.getfixturevalue("search_index")
    with app.test_request_context():
        built = build_world()
        db.session.commit()
    return built


@pytest.fixture
def clients(app, world):
    """A client for every role, signed in, keyed by role."""
    return {role: signed_in_client(app, world, role) for role in ROLES}
