"""In production, staff and administrators without two-factor sign-in reach no staff page or
staff form of the route table: each sends them to turn it on (issue 7). Members are not asked."""
from urllib.parse import urlsplit

from tests.functional.security.route_requests import build_url, matches, request_as
from tests.functional.security.routes import ROWS
from tests.functional.security.world import ADMIN, MEMBER, STAFF

ENROL = "/account/two-factor"


def staff_rows():
    """Rows a plain member is refused (403) and staff are let through: the staff pages and
    forms, GET and POST alike."""
    return [row for row in ROWS
            if row.expected[MEMBER] == 403 and row.expected[STAFF] != 403]


def test_there_are_staff_rows_to_sweep():
    endpoints = {row.endpoint for row in staff_rows()}
    assert {"moderation.queue", "places.new_city", "calls.pending"} <= endpoints


def test_staff_without_two_factor_are_sent_to_enrol_in_production(app, world, clients,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")
    failures = []
    for row in staff_rows():
        url = build_url(app, row, world)
        for role in (STAFF, ADMIN):
            response = request_as(app, clients[role], row, url)
            target = urlsplit(response.headers.get("Location", "")).path
            if response.status_code != 302 or target != ENROL:
                failures.append(f"{role} {row.method} {url}: {response.status_code} {target}")
    assert not failures, "staff without 2FA got through:\n  " + "\n  ".join(failures)


# One client makes every request below: these end its session for the rest (confirming a
# change of address ends the member's other sessions; the rollback undoes the new version).
SESSION_ENDING = {"accounts.logout", "accounts.sign_out_everywhere", "accounts.confirm_email"}


def test_members_are_not_stopped_in_production(app, search_index, world, clients, monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")
    failures = []
    for row in ROWS:
        if row.endpoint not in SESSION_ENDING:
            url = build_url(app, row, world)
            response = request_as(app, clients[MEMBER], row, url)
            if not matches(row.expected[MEMBER], response):
                failures.append(f"{row.method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
