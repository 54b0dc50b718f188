"""The authorization matrix: every route of the URL map, requested as each of the seven roles.

The expected outcomes are in routes.py, written by hand from the rules. A route missing from the
table fails, and so does a row whose route no longer exists.
"""

import pytest

from tests.functional.security.route_requests import build_url, describe, matches, request_as
from tests.functional.security.routes import ROWS, SKIPPED_ENDPOINTS, table_keys
from tests.functional.security.world import ROLES

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def url_map_keys(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            if rule.endpoint not in SKIPPED_ENDPOINTS
            for method in rule.methods - IGNORED_METHODS}


def test_every_route_is_in_the_table(app):
    missing = sorted(url_map_keys(app) - table_keys())
    assert not missing, f"routes with no row in tests/functional/security/routes.py: {missing}"


def test_every_row_is_a_route(app):
    stale = sorted(table_keys() - url_map_keys(app))
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_every_row_names_every_role_once():
    for row in ROWS:
        assert tuple(row.expected) == ROLES, row.id
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "two rows share an id: give one a `case`"


@pytest.mark.parametrize("row", [row.param() for row in ROWS])
def test_route_answers_each_role_as_the_rules_say(app, world, clients, row):
    url = build_url(app, row, world)
    mismatches = []
    for role in ROLES:
        try:
            response = request_as(app, clients[role], row, url)
        except Exception as error:  # noqa: BLE001 - an error page is a mismatch to report
            mismatches.append(f"{role}: expected {row.expected[role]}, got {error!r}")
            continue
        if not matches(row.expected[role], response):
            mismatches.append(f"{role}: expected {row.expected[role]}, got {describe(response)}")
    assert not mismatches, f"{row.method} {url}:\n  " + "\n  ".join(mismatches)
