"""Translated error pages in the site's layout."""
from flask import render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check the address or the form and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has been removed.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("File too large"), _l("The file you sent is larger than the site accepts.")),
    429: (_l("Too many requests"), _l("You have made too many attempts. Please wait a little and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
}


def render_error(error: HTTPException):
    code = error.code or 500
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=text), code


def render_internal(error):
    from forum.extensions import db

    db.session.rollback()
    title, text = MESSAGES[500]
    return render_template("errors/error.html", code=500, title=title, text=text), 500


def register(app) -> None:
    for code in MESSAGES:
        if code != 500:
            app.register_error_handler(code, render_error)
    app.register_error_handler(500, render_internal)
