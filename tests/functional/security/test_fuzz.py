"""Hostile input on every route of the table: no request a client can send answers a 500.

For every URL argument of every row, and for every field of every form the table's pages show
(found by reading the pages as a visitor, a member and staff), the test sends hostile values:
integers past the database's range and negative ones, dates far outside any sane range, NUL,
overlong text and search operators. Values are sampled, not multiplied out: each field gets
a huge integer, the values of its kind (number, date) and one of the others in turn, so the
sweep stays a few seconds long while every field meets every class of value across the run.
Each request runs in a savepoint rolled back afterwards, so a write that went through changes
nothing the next one meets.
"""
import itertools
import re

from bs4 import BeautifulSoup
from flask import url_for
from werkzeug.routing import IntegerConverter

from forum.extensions import db
from tests.functional.security.routes import ROWS
from tests.functional.security.world import (
    MEMBER,
    STAFF,
    VISITOR,
    csrf_token_for,
    signed_in_client,
)

HUGE = str(2 ** 63)            # one past SQLite's INTEGER, far past PostgreSQL's integer
HUGE_NEGATIVE = str(-2 ** 63 - 1)
INT_VALUES = [HUGE, HUGE_NEGATIVE, str(2 ** 31), "-1"]
DATE_VALUES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59"]
OTHER_VALUES = ["a\x00b", "\x00", "x" * 20_000, "NOT OR smart", "NOT NOT NOT",
                "0001-01-01", "9999-12-31", HUGE, "-1", "%s%n{0}"]
PATH_INT_VALUES = [HUGE, str(2 ** 31)]
PATH_TEXT_VALUES = ["a\x00b", "x" * 3000]
ROLES = (VISITOR, MEMBER, STAFF)
# Routes that end the session the sweep goes on with (their own tests cover them).
SESSION_ENDING = {"accounts.logout", "accounts.sign_out_everywhere", "accounts.confirm_email"}


def _first_rows():
    seen = set()
    for row in ROWS:
        if (row.endpoint, row.method) not in seen and not row.bug and \
                row.endpoint not in SESSION_ENDING:
            seen.add((row.endpoint, row.method))
            yield row


class Sweep:
    def __init__(self, app, world, clients):
        self.app, self.world, self.clients = app, world, clients
        self.failures: list[str] = []
        self.sent = 0
        self._others = itertools.cycle(OTHER_VALUES)
        self._kinds = {"int": itertools.cycle(INT_VALUES[1:]),
                       "date": itertools.cycle(DATE_VALUES[:2]),
                       "datetime": itertools.cycle(DATE_VALUES[2:])}

    def send(self, role, method, url, data=None, hostile=None):
        client = self.clients[role]
        with self.app.app_context():
            savepoint = db.engines[None].begin_nested()
        try:
            self.sent += 1
            if method == "GET":
                response = client.get(url, query_string=data)
            else:
                data = {**(data or {}), "csrf_token": csrf_token_for(self.app, client)}
                response = client.open(url, method=method, data=data)
            status = response.status_code
        except Exception as error:  # noqa: BLE001 - an exception is what the sweep looks for
            status = f"{type(error).__name__}: {error}"[:200]
        finally:
            savepoint.rollback()
        if not isinstance(status, int) or status >= 500:
            shown = f"{hostile}={data[hostile][:40]!r}" if hostile else ""
            self.failures.append(f"{role} {method} {url[:120]} {shown}: {status}")
        return response if isinstance(status, int) else None

    # --- URL arguments ----------------------------------------------------------------------

    def url_arguments(self, row):
        rule = next(r for r in self.app.url_map.iter_rules() if r.endpoint == row.endpoint)
        with self.app.test_request_context():
            values = row.values(self.world)
        for index, name in enumerate(values):
            if name in rule.arguments:
                converter = rule._converters[name]
                hostile = PATH_INT_VALUES if isinstance(converter, IntegerConverter) \
                    else PATH_TEXT_VALUES
            else:
                hostile = [HUGE, next(self._others)]
            for offset, value in enumerate(hostile):
                with self.app.test_request_context():
                    try:
                        url = url_for(row.endpoint, **{**values, name: value})
                    except Exception:  # noqa: BLE001 - a value the rule cannot even build
                        continue
                self.send(ROLES[(index + offset) % len(ROLES)], row.method, url,
                          row.data if row.method != "GET" else None)

    # --- form fields ------------------------------------------------------------------------

    def endpoint(self, url, method) -> str | None:
        path, _sep, query = url.partition("?")
        try:
            return self.app.url_map.bind("localhost").match(path, method=method,
                                                             query_args=query)[0]
        except Exception:  # noqa: BLE001 - not a route of ours (or not for GET): no endpoint
            return None

    def forms_on(self, role, url) -> list[tuple[str, str, dict, dict]]:
        response = self.clients[role].get(url)
        if response.mimetype != "text/html":
            return []
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        forms = []
        for form in page.find_all("form"):
            action = form.get("action") or url
            method = (form.get("method") or "get").upper()
            if not action.startswith("/") or self.endpoint(action, method) in SESSION_ENDING:
                continue
            data, kinds = {}, {}
            for field in form.find_all(["input", "select", "textarea"]):
                name = field.get("name")
                if not name or name == "csrf_token" or field.get("type") in ("submit", "file"):
                    continue
                kinds[name] = _kind(field)
                if field.name == "select":
                    chosen = field.find("option", selected=True) or field.find("option")
                    value = chosen.get("value", chosen.get_text()) if chosen else ""
                elif field.name == "textarea":
                    value = field.get_text()
                elif field.get("type") in ("checkbox", "radio"):
                    if not field.has_attr("checked"):
                        continue
                    value = field.get("value", "y")
                else:
                    value = field.get("value", "")
                data.setdefault(name, value)
            forms.append((method, action, data, kinds))
        return forms

    def form_fields(self, role, method, action, data, kinds):
        for name, kind in kinds.items():
            hostile = [HUGE, next(self._others)]
            if kind in self._kinds:
                hostile.append(next(self._kinds[kind]))
            for value in hostile:
                self.send(role, method, action, {**data, name: value}, hostile=name)


def _kind(field) -> str:
    kind = field.get("type", "")
    if kind == "number":
        return "int"
    if kind == "date":
        return "date"
    if kind == "datetime-local":
        return "datetime"
    if field.name == "select":
        values = [o.get("value", "") for o in field.find_all("option")]
        if values and all(re.fullmatch(r"\d*", v) for v in values):
            return "int"
    return "text"


def test_no_hostile_value_in_any_url_argument_or_form_field_is_a_500(app, search_index, world,
                                                                   clients):
    sweep = Sweep(app, world, clients)
    rows = list(_first_rows())
    for row in rows:
        sweep.url_arguments(row)

    # Fresh sessions: a request above may have ended one (a token link, a role change).
    sweep.clients = {role: signed_in_client(app, world, role) for role in ROLES}
    seen = set()
    for role in ROLES:
        with app.test_request_context():
            urls = sorted({url_for(row.endpoint, **row.values(world))
                           for row in ROWS if row.method == "GET" and not row.bug})
        for url in urls:
            for method, action, data, kinds in sweep.forms_on(role, url):
                key = (method, action.split("?")[0], tuple(sorted(kinds)))
                if key in seen:
                    continue
                seen.add(key)
                sweep.form_fields(role, method, action, data, kinds)
                if method == "GET" and role != VISITOR:
                    sweep.form_fields(VISITOR, method, action, data, kinds)

    # The sweep must have reached the forms it is for, or it proves nothing.
    actions = {key[1] for key in seen}
    assert {"/calls/new", "/practices/new", "/mod/log", "/search"} <= actions, actions
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.sent} requests failed:\n  " + \
        "\n  ".join(sweep.failures[:80])
