"""What two-factor sign-in keeps in the browser session (a pending challenge, when the member
last proved who they are, whether this session gave a code), and the decorator for views that
need a recent proof."""
import functools
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _

from forum.accounts import services as accounts_services
from forum.accounts.models import User
from forum.accounts.sessions import relogin
from forum.accounts.twofactor.services import is_enabled
from forum.extensions import db

CHALLENGE_SECONDS = 300
REAUTH_SECONDS = 600
PENDING_KEY = "2fa_pending"
SETUP_KEY = "2fa_setup_secret"
AUTH_AT_KEY = "auth_at"
# Set once this session has passed the second factor (a code at sign-in or re-authentication).
SECOND_FACTOR_KEY = "2fa_passed"


def mark_authenticated() -> None:
    """The member just proved who they are (sign-in, re-authentication)."""
    session[AUTH_AT_KEY] = int(time.time())


def mark_second_factor() -> None:
    session[SECOND_FACTOR_KEY] = True


def lacks_second_factor(user) -> bool:
    """A session of an account with two-factor sign-in that never gave a code: opened with a
    remember-me cookie, or by password before the owner enrolled. It keeps no staff powers."""
    return is_enabled(user) and not session.get(SECOND_FACTOR_KEY)


def renew_session(user) -> None:
    """End every other session and remember-me cookie of the member; keep this browser in."""
    accounts_services.end_sessions(user)
    db.session.commit()
    relogin(user)


def recently_authenticated() -> bool:
    at = session.get(AUTH_AT_KEY)
    limit = current_app.config.get("FORUM_REAUTH_SECONDS", REAUTH_SECONDS)
    return isinstance(at, int) and 0 <= time.time() - at < limit


def recent_auth_required(view):
    """Ask for the password (and the code) again unless given in the last few minutes."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not recently_authenticated():
            flash(_("Please confirm it is you before changing this."), "info")
            target = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("twofactor.reauth", next=target.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def start_challenge(user: User, remember: bool, target: str):
    """The password was right: remember who is signing in and ask for the code."""
    session[PENDING_KEY] = {"id": user.id, "v": user.session_version, "remember": bool(remember),
                            "next": target, "at": int(time.time()), "tries": 0}
    return redirect(url_for("twofactor.challenge"))


def pending_user() -> tuple[User | None, dict | None]:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > CHALLENGE_SECONDS:
        session.pop(PENDING_KEY, None)
        return None, None
    user = db.session.get(User, pending.get("id"))
    if user is None or user.session_version != pending.get("v") or user.is_deleted or \
            user.is_suspended:
        session.pop(PENDING_KEY, None)
        return None, None
    return user, pending


