"""Security headers on every response and the check on `next=` targets."""
from urllib.parse import urlsplit, urlunsplit

from flask import current_app

CSP = (
    "default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["FORUM_ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


# --- next= targets -----------------------------------------------------------------------------

# What the WHATWG URL parser ignores before it reads a URL: C0 controls and spaces around it,
# and tabs and newlines anywhere in it ("/\t/evil.example" is "//evil.example" to a browser).
_EDGES = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def browser_form(target: str) -> str:
    """`target` as a browser's URL parser sees it under an http(s) page: outer controls and
    spaces stripped, tabs and newlines removed, backslashes read as slashes."""
    return target.strip(_EDGES).translate(_TAB_OR_NEWLINE).replace("\\", "/")


def clean_next(target) -> str | None:
    """The target as a path on this site ('/x?y#z'), or None when it could lead elsewhere."""
    if not isinstance(target, str) or len(target) > 2000:
        return None
    path = browser_form(target)
    # One slash, then not a second one: '//host' and '/\\host' are other sites.
    if not path.startswith("/") or path.startswith("//"):
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))


def safe_next(target, default: str) -> str:
    """Where to send the member after a form: the given path when it stays on this site,
    else `default`. Every redirect to a user-given target goes through here."""
    return clean_next(target) or default
