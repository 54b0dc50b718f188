"""Every state change is a POST (DESIGN.md section 4): no GET of the route table writes to the
database, whoever asks. The only exceptions are the one-time links sent by e-mail, which act
when opened."""
import re

from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import MethodNotAllowed

from tests.functional.security.route_requests import build_url, request_as
from tests.functional.security.routes import ROWS
from tests.functional.security.world import ADMIN, AUTHOR, MEMBER, UNCONFIRMED, VISITOR

# Opening the link is the action: confirming an address, confirming a new address.
MAILED_LINKS = {"accounts.confirm", "accounts.confirm_email"}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# The test's own savepoints around each request are not the request's doing.
OURS = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK)", re.IGNORECASE)


def test_write_detection_sees_a_post(app, world, clients):
    writes = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement):
            writes.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        row = next(r for r in ROWS if r.endpoint == "twinnings.join")
        request_as(app, clients[MEMBER], row, build_url(app, row, world))
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert writes, "joining a twinning wrote nothing the listener saw"


def test_no_get_changes_the_database(app, search_index, world, clients):
    writes = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement) and not OURS.match(statement):
            writes.append(statement.split("\n")[0][:80])

    failures = []
    event.listen(Engine, "before_cursor_execute", record)
    try:
        for row in ROWS:
            if row.method != "GET" or row.endpoint in MAILED_LINKS:
                continue
            url = build_url(app, row, world)
            for role in (VISITOR, UNCONFIRMED, MEMBER, AUTHOR, ADMIN):
                writes.clear()
                request_as(app, clients[role], row, url)
                if writes:
                    failures.append(f"{role} GET {url}: {sorted(set(writes))}")
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert not failures, "GET requests that wrote:\n  " + "\n  ".join(failures)


def test_post_only_routes_cannot_be_reached_by_get(app, world, clients):
    # Sign-out and every other action cannot be triggered by a link or an <img>: a GET gets
    # 405, or belongs to another, read-only route (/attachments/1/delete is also the download
    # address of a file named "delete").
    post_only = {rule.endpoint for rule in app.url_map.iter_rules()
                 if "POST" in rule.methods and "GET" not in rule.methods}
    assert "accounts.logout" in post_only
    adapter = app.url_map.bind("localhost")
    failures = []
    for row in ROWS:
        if row.endpoint in post_only and row.method == "POST":
            url = build_url(app, row, world)
            path, _sep, query = url.partition("?")
            try:
                endpoint, _args = adapter.match(path, method="GET", query_args=query)
            except MethodNotAllowed:
                endpoint = None
            for role in (VISITOR, MEMBER):
                response = clients[role].get(url)
                if endpoint is None and response.status_code != 405:
                    failures.append(f"{role} GET {url}: {response.status_code}, not 405")
                elif endpoint is not None and (endpoint in post_only
                                               or response.status_code >= 500):
                    failures.append(f"{role} GET {url}: {endpoint} {response.status_code}")
    assert not failures, "\n".join(failures)
