"""A fixture that counts the SQL statements a block of code sends (query budgets, N+1 guards).

Registered once in tests/conftest.py (pytest_plugins); a test asks for `count_queries`:

    with count_queries() as queries:
        client.get("/discussions/1")
    assert len(queries) <= 15

Transaction bookkeeping (BEGIN, SAVEPOINT, RELEASE, ROLLBACK) is not counted: the per-test
transaction of the fixtures adds it, and it is not work the page asks for.
"""
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

_BOOKKEEPING = ("begin", "savepoint", "release", "rollback", "commit")


@pytest.fixture
def count_queries():
    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().lower().startswith(_BOOKKEEPING):
                statements.append(statement)

        event.listen(Engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(Engine, "before_cursor_execute", record)

    return counting
