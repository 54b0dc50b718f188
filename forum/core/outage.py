"""A part of the site that is down (database, Redis, search) answers 503 with Retry-After.

Not the 500 page: nothing is wrong with the request, and trying again in a moment works,
because the pool checks a connection before using it (pool_pre_ping) and so recovers by
itself when the database is back.
"""
import logging

from flask import g, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as sa_exc

from forum.core.errors import _bare_page

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
TITLE = _l("Temporarily unavailable")
TEXT = _l("Part of the site is not answering right now. Please try again in a minute; if you "
          "were sending a form, go back and send it again.")


def _uses_redis(config) -> bool:
    return any(str(config.get(name) or "").startswith(("redis", "rediss"))
               for name in ("FORUM_REDIS_URL", "RATELIMIT_STORAGE_URI", "CACHE_REDIS_URL"))


def _outage_errors(config) -> tuple[type[Exception], ...]:
    """Exceptions that mean a part is unreachable, not that the request was wrong."""
    errors: list[type[Exception]] = [sa_exc.OperationalError, sa_exc.InterfaceError,
                                     sa_exc.TimeoutError]
    if not _uses_redis(config):
        # Nothing of Redis can fail (and the client library, 4 MB a worker, stays unloaded).
        return (*errors, *_limits_errors())
    try:
        import redis.exceptions

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # Redis is optional: without it there is nothing of it to fail
        pass
    return (*errors, *_limits_errors())


def _limits_errors() -> list[type[Exception]]:
    try:
        from limits.errors import StorageError
    except ImportError:
        return []
    return [StorageError]


# SQLite reports a missing table the same way as a locked file: only these are outages.
SQLITE_OUTAGES = ("locked", "busy", "unable to open", "disk i/o", "readonly", "disk is full")


def is_outage(error: Exception) -> bool:
    if isinstance(error, sa_exc.OperationalError) and error.connection_invalidated is False \
            and type(error.orig).__module__.startswith("sqlite3"):
        message = str(error.orig).lower()
        return any(word in message for word in SQLITE_OUTAGES)
    return True


def render_unavailable(error):
    if not is_outage(error):
        raise error  # a bug (a missing table, bad SQL): the 500 page, and the traceback logged
    log.error("a part of the site is unavailable: %s: %s", type(error).__name__, error)
    _release_database()
    # The header must not ask the database who is signed in: shown as to a visitor.
    from forum.extensions import login_manager

    g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        body = render_template("errors/error.html", code=503, title=TITLE, text=TEXT)
    except Exception:
        log.exception("the 503 page itself failed to render")
        body = _bare_page(TITLE, TEXT)
        headers["Content-Type"] = "text/html; charset=utf-8"
    return body, 503, headers


def _release_database() -> None:
    from forum.extensions import db

    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback failed while answering 503", exc_info=True)


def register(app) -> None:
    for error in _outage_errors(app.config):
        app.register_error_handler(error, render_unavailable)
