"""Pages for visitors: conditional GET and a short-lived page cache keyed by the content.

A visitor who is not signed in (no user in the session, no remember cookie, nothing
flashed) gets the same page as every other visitor in the same language, so the rendered
page is kept (Flask-Caching: in the process by default, Redis when FORUM_REDIS_URL is set)
for FORUM_PAGE_CACHE_SECONDS under a key holding the **content version**: a value every
commit that changed rows moves forward (a file's time in the instance folder, or a Redis
key). No write is ever served stale by the cache, only the page's own age is bounded.

Never cached: signed-in members (they never even read the cache), responses other than
200, responses that set a cookie, that say `no-store`/`private`, or that made a CSRF token
(a form for this visitor), `?lang=` (it sets the language cookie), and views marked
`@no_page_cache`. Every visitor's page carries an ETag and Last-Modified, and a matching
If-None-Match / If-Modified-Since gets a 304 without the page being rendered again.
"""
import gzip
import hashlib
import os
import time
from functools import wraps
from pathlib import Path

from flask import current_app, g, request, session
from flask_caching import Cache
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.form import _FlaskFormCSRF
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.orm import Session

cache = Cache()
# Session keys that still leave a visitor anonymous; any other (Flask-Login's user,
# flashed messages, a sign-in half done) makes the page this person's own.
ANONYMOUS_KEYS = {"csrf_token", "_permanent", "_fresh", "_id"}


class FileVersion:
    """The content version as a file's modification time: shared by every process on one
    machine for the price of a stat() per request."""

    def __init__(self, path: Path):
        self.path = path

    def get(self) -> int:
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            self.bump()
            return os.stat(self.path).st_mtime_ns

    def bump(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        os.utime(self.path, ns=(time.time_ns(), time.time_ns()))


class RedisVersion:
    """The content version in Redis, shared by every worker on every machine."""

    def __init__(self, url: str, key: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.key = key

    def get(self) -> int:
        value = self.client.get(self.key)
        if value is None:
            self.bump()
            value = self.client.get(self.key)
        return int(value)

    def bump(self) -> None:
        self.client.set(self.key, time.time_ns())


def no_page_cache(view):
    """Mark a view whose page must be rendered for each request (live state, health)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        g.no_page_cache = True
        return view(*args, **kwargs)

    wrapper.no_page_cache = True
    return wrapper


def _version_store():
    return current_app.extensions["forum_content_version"]


def content_version() -> int:
    """The current content version: a cache key part that moves on every commit that changed
    rows (figures kept under it are never stale). Read afresh: a view may have committed
    since the request began."""
    return _version_store().get()


def _is_visitor() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")):
        return False
    return not (set(session.keys()) - ANONYMOUS_KEYS)


def _cacheable_request() -> bool:
    if not current_app.config["FORUM_PAGE_CACHE_SECONDS"] or "lang" in request.args:
        return False
    if request.endpoint in (None, "static"):
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "no_page_cache", False)


def _key(version: int) -> str:
    from forum.core.i18n import current_language

    query = request.query_string.decode("latin-1")
    return f"page:{version}:{current_language()}:{request.path}?{query}"


def serve_cached():
    """before_request: answer a visitor from the cache, or a 304, without rendering."""
    g.page_visitor = _is_visitor()
    if not g.page_visitor:
        return None
    g.content_version = _version_store().get()
    if not _cacheable_request():
        return None
    g.page_cache_key = _key(g.content_version)
    entry = cache.get(g.page_cache_key)
    if entry is None:
        return None
    body, mimetype, etag = entry
    response = current_app.response_class(mimetype=mimetype)
    if "gzip" in request.headers.get("Accept-Encoding", "").lower():
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        etag = f"{etag}:gzip"
    else:
        response.set_data(gzip.decompress(body))
    g.page_from_cache = True
    _validators(response, etag)
    return response.make_conditional(request)


def _validators(response, etag: str) -> None:
    response.set_etag(etag)
    response.last_modified = g.content_version / 1e9
    # Shared caches and browsers may keep it, but must ask (cheaply, with the validators).
    response.cache_control.no_cache = True
    response.vary.add("Accept-Language")


def store_page(response):
    """after_request: validators for a visitor's page, and the page into the cache."""
    if (not getattr(g, "page_visitor", False) or getattr(g, "page_from_cache", False)
            or getattr(g, "no_page_cache", False)):
        return response
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return response
    if (response.cache_control.no_store or response.cache_control.private
            or "Set-Cookie" in response.headers or "Content-Encoding" in response.headers):
        return response
    if "ETag" in response.headers:
        # The view keeps its own validators (open data's per-dataset versions).
        return response
    body = response.get_data()
    etag = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20]
    _validators(response, etag)
    key = getattr(g, "page_cache_key", None)
    # A CSRF token made for this page belongs to this visitor's session alone.
    if (key and not getattr(g, "no_page_cache", False) and "csrf_token" not in g
            and not session.modified):
        cache.set(key, (gzip.compress(body, 6), response.mimetype, etag),
                  timeout=current_app.config["FORUM_PAGE_CACHE_SECONDS"])
    return response.make_conditional(request)


def personal_and_language(response):
    """after_request: a member's pages are theirs alone (no copy kept anywhere), and every
    page may be in the language Accept-Language chose."""
    if request.endpoint == "static":
        return response
    response.vary.add("Accept-Language")
    if current_user.is_authenticated:
        response.cache_control.no_store = True
        response.cache_control.private = True
    return response


# --- the content version moves forward on every commit that changed rows -------------


def _mark_changed(session_, *args) -> None:
    session_.info["forum_changed"] = True


def _mark_statement(state) -> None:
    if not state.is_select:
        state.session.info["forum_changed"] = True


def _after_commit(session_) -> None:
    if session_.info.pop("forum_changed", False):
        from flask import has_app_context

        if has_app_context() and "forum_content_version" in current_app.extensions:
            _version_store().bump()


def _after_rollback(session_) -> None:
    session_.info.pop("forum_changed", None)


def _listen() -> None:
    if not event.contains(Session, "after_flush", _mark_changed):
        event.listen(Session, "after_flush", _mark_changed)
        event.listen(Session, "do_orm_execute", _mark_statement)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


class LazyToken:
    """A form's CSRF token made when the page prints it, not when the view builds the form.

    Views build their forms for everyone and templates print them only for members; a
    token made on construction put a session cookie on every visitor of those pages (and
    kept the page out of the cache).
    """

    def __init__(self, make):
        self._make = make
        self._value = None

    def __str__(self) -> str:
        if self._value is None:
            self._value = self._make()
        return self._value

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    __hash__ = None


class LazyCSRF(_FlaskFormCSRF):
    def generate_csrf_token(self, csrf_token_field):
        return LazyToken(lambda: super(LazyCSRF, self).generate_csrf_token(csrf_token_field))


def register(app) -> None:
    FlaskForm.Meta.csrf_class = LazyCSRF
    redis_url = app.config.get("FORUM_REDIS_URL")
    if redis_url:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
        app.config.setdefault("CACHE_KEY_PREFIX", "forum:")
        app.extensions["forum_content_version"] = RedisVersion(
            redis_url, f"{app.config['CACHE_KEY_PREFIX']}content-version")
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
        # Each page is kept gzipped (~5 KB): 300 of them are a bounded few MB per worker.
        app.config.setdefault("CACHE_THRESHOLD", 300)
        app.extensions["forum_content_version"] = FileVersion(
            Path(app.config.get("FORUM_CONTENT_VERSION_FILE")
                 or Path(app.instance_path) / "content-version"))
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", app.config["FORUM_PAGE_CACHE_SECONDS"] or 1)
    cache.init_app(app)
    _listen()
    app.before_request(serve_cached)
    app.after_request(personal_and_language)
    app.after_request(store_page)
