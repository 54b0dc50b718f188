"""Signed, expiring tokens for the links sent by e-mail (confirm, reset, change of address).

A token only proves that the site issued it and when; whether it still applies (one-time use,
password unchanged) is checked by the services against the member's current state.
"""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "confirm-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    # One salt per purpose: a confirmation token can never be replayed as a reset token.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"forum.accounts.{purpose}")


def make_token(purpose: str, data: dict) -> str:
    return _serializer(purpose).dumps(data)


def read_token(purpose: str, token: str, max_age: int) -> dict | None:
    """The token's data, or None when it is forged, for another purpose or too old."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None


def password_fingerprint(password_hash: str | None) -> str:
    """Changes whenever the password does, so a reset link dies with the password it replaced."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]
