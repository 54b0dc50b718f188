"""Static files: fingerprinted addresses cached for a year, compression, no session.

`url_for('static', filename=...)` adds `?v=<hash of the file>`: the address changes when
the file does, so a browser (or proxy) may keep it for a year without asking again. Files
reached without the fingerprint (fonts and images named inside the CSS) are kept a day.
"""
import hashlib
import os

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface

YEAR = 365 * 24 * 3600
DAY = 24 * 3600
_fingerprints: dict[tuple[str, int], str] = {}


def fingerprint(filename: str) -> str | None:
    """A short hash of the file's content, computed once per version of the file."""
    path = os.path.join(current_app.static_folder, filename)
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        return None
    key = (path, mtime)
    found = _fingerprints.get(key)
    if found is None:
        with open(path, "rb") as handle:
            found = _fingerprints[key] = hashlib.sha256(handle.read()).hexdigest()[:12]
    return found


def add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = fingerprint(values["filename"])
        if version:
            values["v"] = version


def static_cache_headers(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    asked = request.args.get("v")
    if asked and asked == fingerprint(filename):
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = DAY
    response.cache_control.public = True
    response.cache_control.no_cache = None
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, left untouched by static files.

    A static file never depends on who asks, so it must not carry `Vary: Cookie` (which
    Flask adds whenever anything looked at the session, as Flask-Login does after every
    request): with it, shared caches keep one copy per visitor, or none.
    """

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def register(app) -> None:
    app.session_interface = SessionInterface()
    app.url_defaults(add_fingerprint)
    app.after_request(static_cache_headers)


def register_compression(app) -> None:
    """gzip/brotli for text. Flask runs after_request hooks last-registered first: this is
    registered before every other so that it compresses the body they have finished."""
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/calendar", "text/csv",
        "application/javascript", "text/javascript", "application/json",
        "application/ld+json", "application/atom+xml", "application/xml", "image/svg+xml"])
    Compress(app)
