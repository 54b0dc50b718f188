"""Every route that accepts POST, found from the URL map, refuses a request without a valid
CSRF token: 400, and the view never runs."""
import functools

import pytest
from flask import url_for

from forum.extensions import db
from tests.functional.security.routes import ROWS
from tests.functional.security.world import ADMIN, MEMBER, VISITOR, csrf_token_for

# RFC 8058 one-click unsubscribe: a mail client POSTs with no session and no form of ours,
# so the signed token in the URL is the only proof; a forged one is refused (410) and
# changes nothing (tests/functional/notifications). It can only turn mail off.
ONE_CLICK = {"notifications.unsubscribe"}


def post_endpoints(app) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and rule.endpoint not in ONE_CLICK})


def url_of(app, world, endpoint) -> tuple[str, dict]:
    """The URL and data the route table uses for this endpoint's POST (its first row)."""
    row = next((r for r in ROWS if r.endpoint == endpoint and r.method == "POST"), None)
    assert row is not None, f"{endpoint} accepts POST but has no POST row in the route table"
    with app.test_request_context():
        return url_for(endpoint, **row.values(world)), row.data


@pytest.fixture
def views_that_ran(app, monkeypatch):
    """Wrap every view so the test sees whether a request got past the CSRF check."""
    ran = []

    def recording(endpoint, view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            ran.append(endpoint)
            return view(*args, **kwargs)
        return wrapper

    for endpoint, view in list(app.view_functions.items()):
        monkeypatch.setitem(app.view_functions, endpoint, recording(endpoint, view))
    return ran


def post_status(app, client, url, data) -> int:
    """POST inside a savepoint rolled back afterwards, so a wrongly accepted request changes
    nothing the next one meets."""
    with app.app_context():
        savepoint = db.engines[None].begin_nested()
    try:
        response = client.post(url, data=data)
    finally:
        savepoint.rollback()
    return response.status_code


def test_post_routes_exist(app):
    # The sweep below must have something to sweep: sign-in and sign-out at least.
    assert {"accounts.login", "accounts.logout"} <= set(post_endpoints(app))


def test_every_post_route_refuses_a_missing_token(app, world, clients, views_that_ran):
    failures = []
    for endpoint in post_endpoints(app):
        url, data = url_of(app, world, endpoint)
        for role in (VISITOR, MEMBER, ADMIN):
            views_that_ran.clear()
            status = post_status(app, clients[role], url, dict(data))
            if status != 400 or views_that_ran:
                failures.append(f"{role} POST {url}: {status}, view ran: {bool(views_that_ran)}")
    assert not failures, "accepted without a CSRF token:\n  " + "\n  ".join(failures)


def test_every_post_route_refuses_another_sessions_token(app, world, clients, views_that_ran):
    # A token is only good in the session it was issued to: a forged form carries the
    # attacker's own token, which must not work in the victim's session.
    attacker = app.test_client()
    forged = csrf_token_for(app, attacker)
    failures = []
    for endpoint in post_endpoints(app):
        url, data = url_of(app, world, endpoint)
        for role in (MEMBER, ADMIN):
            csrf_token_for(app, clients[role])  # the victim has a token of their own
            views_that_ran.clear()
            status = post_status(app, clients[role], url, {**data, "csrf_token": forged})
            if status != 400 or views_that_ran:
                failures.append(f"{role} POST {url}: {status}, view ran: {bool(views_that_ran)}")
    assert not failures, "accepted with another session's CSRF token:\n  " + "\n  ".join(failures)


def test_the_sweep_would_see_a_token_accepted(app, world, clients, views_that_ran):
    # The same request with the member's own token gets past the check: the sweep's 400s
    # come from the missing token, not from the request.
    url, data = url_of(app, world, "twinnings.join")
    token = csrf_token_for(app, clients[MEMBER])
    status = post_status(app, clients[MEMBER], url, {**data, "csrf_token": token})
    assert status == 302 and views_that_ran == ["twinnings.join"]
