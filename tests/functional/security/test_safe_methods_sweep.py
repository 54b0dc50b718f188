"""Every state change is a POST (DESIGN.md section 4): no GET of the route table writes to the
database, whoever asks. The only exceptions are the one-time links sent by e-mail, which act
when opened."""
import re

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.functional.security.routes import ROWS
from tests.functional.security.test_route_table import build_url, request_as
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
