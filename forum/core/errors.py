"""The errors services raise (ServiceError and its kinds) and the translated error pages."""
import logging

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from werkzeug.exceptions import HTTPException, SecurityError

log = logging.getLogger(__name__)


class ServiceError(ValueError):
    """A rule refused the action and nothing was changed.

    `message` is translated and meant for the user; `field` names the form field it belongs
    beside, or is None for a rule about no field in particular (the view flashes it)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ServiceErrors(ServiceError):
    """Several rules refused the action at once: each error goes beside its own field, so a
    form shows everything to correct after one submit."""

    def __init__(self, errors: list[ServiceError]):
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors


class BadFilter(ServiceError):
    """A filter value in the query string that names nothing: the view answers 400.

    The message names the query-string parameter; nobody reads it on a form."""


MESSAGES = {
    400: (_l("Bad request"),
          _l("The request could not be understood. Check the address or the form and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"),
          _l("The page you asked for does not exist or has been removed.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Request too large"),
          _l("What you sent is larger than the site accepts. Try a smaller file.")),
    429: (_l("Too many requests"),
          _l("You have made too many attempts. Please wait a little and try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error occurred. It has been logged; please try again later.")),
}
GENERIC = (_l("The request could not be completed"),
           _l("Please go back and try again, or start again from the home page."))

# Headers the protocol expects on these answers (405 must say which methods are allowed).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def render_error(error: HTTPException):
    code = error.code or 500
    if code >= 500:
        return render_internal(error)
    title, text = MESSAGES.get(code, GENERIC)
    if isinstance(error, SecurityError):
        # An untrusted Host: no URL can be built for it, so the layout cannot render.
        return _bare_page(title, text), code, {"Content-Type": "text/html; charset=utf-8"}
    body = render_template("errors/error.html", code=code, title=title, text=text)
    headers = {k: v for k, v in error.get_headers() if k in KEPT_HEADERS}
    return body, code, headers


def render_internal(error):
    """The 500 page; if the layout itself is what failed, a bare page that cannot fail."""
    from forum.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the database may be the thing that is down
        log.exception("rollback failed while handling an error")
    title, text = MESSAGES[500]
    try:
        return render_template("errors/error.html", code=500, title=title, text=text), 500
    except Exception:  # must always answer with a page
        log.exception("the error page itself failed to render")
        return _bare_page(title, text), 500, {"Content-Type": "text/html; charset=utf-8"}


def _bare_page(title, text) -> str:
    try:
        title, text = escape(str(title)), escape(str(text))
    except Exception:  # noqa: BLE001 - translations unavailable: fall back to the source text
        title, text = "Something went wrong", "An unexpected error occurred."
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        f"<title>{title} · Gemellaggi</title></head>"
        f"<body><main id=\"main\"><h1>{title}</h1><p>{text}</p>"
        "<p><a href=\"/\">Gemellaggi</a></p></main></body></html>"
    )


def register(app) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(500, render_internal)
