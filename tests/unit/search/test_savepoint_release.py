"""A SAVEPOINT released inside a transaction is not a commit: nothing is indexed yet."""
from forum.core.db import is_savepoint_release
from forum.extensions import db


def test_savepoint_release_is_told_apart_from_the_commit(ctx):
    seen = []
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def record(session):
        seen.append(is_savepoint_release(session))

    event.listen(Session, "after_commit", record)
    try:
        with db.session.begin_nested():
            pass
        db.session.commit()
    finally:
        event.remove(Session, "after_commit", record)
    assert seen == [True, False]
