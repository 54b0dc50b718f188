"""Asking a route of the table (routes.py) as one role: its URL, one request rolled back
afterwards, and whether the answer is the one the table expects (the route sweeps share these)."""
from urllib.parse import parse_qs, urlsplit

from flask import url_for

from forum.extensions import db
from tests.functional.security.routes import LOGIN
from tests.functional.security.world import csrf_token_for


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
