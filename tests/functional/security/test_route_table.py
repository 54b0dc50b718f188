"""The authorization matrix: every route of the URL map, requested as each of the seven roles.

The expected outcomes are in routes.py, written by hand from the rules. A route missing from the
table fails, and so does a row whose route no longer exists.
"""
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from forum.extensions import db
from tests.functional.security.routes import LOGIN, ROWS, SKIPPED_ENDPOINTS, table_keys
from tests.functional.security.world import ROLES, csrf_token_for

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


def is_login_bounce(response) -> bool:
    """A 302 to the sign-in page that remembers where the member was going."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/auth/login" and "next" in parse_qs(target.query)


def matches(expected, response) -> bool:
    if expected == LOGIN:
        return is_login_bounce(response)
    if expected == 302:
        return response.status_code == 302 and not is_login_bounce(response)
    return response.status_code == expected


def describe(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} to {response.headers.get('Location')}"
    return str(response.status_code)


def build_url(app, row, world) -> str:
    """The row's URL, checked to reach the row's own route (two rules can share a path)."""
    with app.test_request_context():
        url = url_for(row.endpoint, **row.values(world))
    path, _sep, query = url.partition("?")
    endpoint, _args = app.url_map.bind("localhost").match(path, method=row.method,
                                                          query_args=query)
    assert endpoint == row.endpoint, f"{row.id}: {row.method} {url} reaches {endpoint}"
    return url


def request_as(app, client, row, url):
    """One request, inside a savepoint rolled back afterwards, so each role meets the same world."""
    with app.app_context():
        savepoint = db.engines[None].begin_nested()
    try:
        if row.method == "GET":
            return client.get(url)
        data = {"csrf_token": csrf_token_for(app, client), **row.data}
        return client.open(url, method=row.method, data=data)
    finally:
        savepoint.rollback()


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
