"""Security headers on every response and the check on `next=` targets."""
from urllib.parse import urljoin, urlsplit

from flask import current_app

from forum.core.urls import base_url

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


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme-relative '//host', no other host, no backslashes."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return False
    base = base_url() + "/"
    joined = urlsplit(urljoin(base, target))
    return joined.scheme in ("http", "https") and joined.netloc == urlsplit(base).netloc


def safe_next(target: str | None, default: str) -> str:
    return target if is_safe_next(target) else default
