"""Keeping this browser signed in when the member's session version moves on (a new
password, two-factor changes): shared by the account views and two-factor sign-in."""
from flask import current_app, request
from flask_login import login_user

from forum.accounts.models import User


def has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def relogin(user: User) -> None:
    """Keep this browser signed in after its member's session version moved on."""
    # The real object: given the current_user proxy, Flask-Login would store the proxy itself.
    login_user(getattr(user, "_get_current_object", lambda: user)(),
               remember=has_remember_cookie())
