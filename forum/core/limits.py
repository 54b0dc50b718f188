"""Every rate limit of the site, in one table, each overridable by its FORUM_RATELIMIT_* setting.

The limits are applied here, to the views named in `ENDPOINTS`, and `write` to every other
POST a client can send: no view carries a limit of its own, so a new form cannot be left
without one. Limits on writes count what was done (a commit that changed rows), never a form
field, so a preview that publishes nothing costs nothing and a request that publishes always
counts. Limits on password checks count every attempt; the sign-in limit is per address, and
per account there is a growing delay after a few wrong passwords (see `account_gate`).
Every refusal is a translated 429 page saying when to try again, with Retry-After.

The README's "Limits" table copies `LIMITS`; tests/unit/core/test_limits.py keeps them equal.
"""
import math
import time
from dataclasses import dataclass

from flask import current_app, g, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests

from forum.core.errors import ServiceError


@dataclass(frozen=True)
class Limit:
    name: str
    default: str
    per: str       # "address" or "member" (a visitor is counted by address)
    counts: str    # "writes" (a commit that changed rows) or "attempts" (every POST)
    what: str      # for the README

    @property
    def setting(self) -> str:
        return f"FORUM_RATELIMIT_{self.name.upper()}"


LIMITS = [
    Limit("login", "10 per minute; 50 per hour", "address", "attempts", "sign-in attempts"),
    Limit("register", "5 per hour", "address", "attempts", "registrations"),
    Limit("reset", "5 per hour", "address", "attempts",
          "password-reset and confirmation mails asked for"),
    Limit("password", "10 per minute; 50 per hour", "member", "attempts",
          "forms that check the password or a code: re-authentication, two-factor step, "
          "e-mail and password change, account deletion"),
    Limit("post", "10 per minute; 100 per hour", "member", "writes",
          "replies and new discussions published"),
    Limit("practice", "5 per hour; 20 per day", "member", "writes",
          "practices offered, sought or told"),
    Limit("call", "5 per hour; 20 per day", "member", "writes", "calls for funding proposed"),
    Limit("report", "20 per hour", "member", "writes", "reports to staff"),
    Limit("write", "60 per minute; 600 per hour", "member", "writes",
          "every other change a member makes (edits, follows, joins, interest, settings)"),
]
BY_NAME = {limit.name: limit for limit in LIMITS}

# Endpoints with a limit of their own; every other POST gets `write`.
ENDPOINTS = {
    "accounts.login": "login",
    "accounts.register": "register",
    "accounts.reset_request": "reset",
    "accounts.resend_confirmation": "reset",
    "accounts.delete_account": "password",
    "accounts.change_email": "password",
    "accounts.change_password": "password",
    "twofactor.reauth": "password",
    "twofactor.challenge": "password",
    "discussions.reply": "post",
    "discussions.create": "post",
    "practices.create": "practice",
    "calls.create": "call",
    "moderation.report": "report",
}

# Per account: this many wrong passwords are free, then each further attempt waits twice as
# long as the one before, up to the cap. The cap is short on purpose: an attacker who keeps
# failing for an account only slows its owner down by that much, never locks them out, and a
# browser the owner signed in with before is not slowed at all (`KNOWN_DEVICE_COOKIE`).
ACCOUNT_FREE_ATTEMPTS = 5
ACCOUNT_MAX_DELAY = 60
ACCOUNT_MEMORY = 24 * 3600
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "known-device"
KNOWN_DEVICE_DAYS = 365


def defaults() -> dict:
    """The settings' defaults, for config.py."""
    return {limit.setting: limit.default for limit in LIMITS}


# --- applying the table --------------------------------------------------------------------

def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _address() -> str:
    return request.remote_addr or "unknown"


def _member_key() -> str:
    # Per member, so colleagues behind one office address don't share a budget.
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return f"address:{_address()}"


def _did_write(_response) -> bool:
    return bool(g.get("limits_wrote"))


_decorators: dict[str, object] = {}


def _decorator(limit: Limit):
    """One limiter decorator per limit for the whole process: each app built (tests build
    several) adds the same Limit objects again, which flask-limiter keeps once."""
    if limit.name not in _decorators:
        from forum.extensions import limiter

        # Shared: replies and new discussions draw on one budget, not one each.
        _decorators[limit.name] = limiter.shared_limit(
            lambda: current_app.config.get(limit.setting, limit.default), limit.name,
            key_func=_address if limit.per == "address" else _member_key,
            methods=["POST"],
            deduct_when=_did_write if limit.counts == "writes" else None,
        )
    return _decorators[limit.name]


def register(app) -> None:
    """After the blueprints: every POST view gets its limit from the table."""
    from sqlalchemy import event

    from forum.extensions import db

    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    for endpoint in sorted(posting):
        limit = BY_NAME[ENDPOINTS.get(endpoint, "write")]
        app.view_functions[endpoint] = _decorator(limit)(app.view_functions[endpoint])
    app.register_error_handler(TooManyRequests, render_refusal)
    app.after_request(_retry_after_header)
    if not getattr(register, "_listening", False):
        event.listen(db.session, "after_flush", _flushed)
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_soft_rollback", _rolled_back)
        register._listening = True


def _flushed(session, _context) -> None:
    session.info["limits_pending"] = True


def _committed(session) -> None:
    if session.info.pop("limits_pending", False) and _in_request():
        g.limits_wrote = True


def _rolled_back(session, _previous) -> None:
    session.info.pop("limits_pending", None)


def _in_request() -> bool:
    from flask import has_request_context

    return has_request_context()


# --- refusals ------------------------------------------------------------------------------

class LimitRefusal(ServiceError):
    """A limit of a service shown on its form (a new member's hour): the page says when, and
    the answer carries Retry-After (core/web.form_error notes it)."""

    def __init__(self, message: str, retry_after: float, field: str | None = None):
        super().__init__(message, field)
        self.retry_after = max(1, math.ceil(retry_after))


class LimitReached(TooManyRequests):
    """A limit of our own (a new member's hour, an account's delay) with its wait."""

    def __init__(self, seconds: float, text: str | None = None):
        super().__init__()
        self.retry_after = max(1, math.ceil(seconds))
        self.text = text


def wait_text(seconds: int) -> str:
    return _("You can try again in %(time)s.",
             time=format_timedelta(max(1, seconds), threshold=1.1, add_direction=False))


def _seconds_left(error) -> int:
    retry = getattr(error, "retry_after", None)
    if retry:
        return retry
    from forum.extensions import limiter

    try:
        current = limiter.current_limit
    except Exception:  # noqa: BLE001 - no limit evaluated: a short wait is the safe answer
        current = None
    if current is not None:
        return max(1, math.ceil(current.reset_at - time.time()))
    return 60


def render_refusal(error):
    seconds = _seconds_left(error)
    text = getattr(error, "text", None) or _l(
        "You have done this too often for now. Please wait a little.")
    body = render_template("errors/error.html", code=429, title=_("Too many requests"),
                           text=f"{text} {wait_text(seconds)}")
    return body, 429, {"Retry-After": str(seconds)}


def note_retry_after(seconds: int) -> None:
    """A refusal shown on its form (a new member's hour): the answer still says when."""
    g.limits_retry_after = max(1, math.ceil(seconds))


def _retry_after_header(response):
    seconds = g.get("limits_retry_after")
    if seconds and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(seconds)
    return response


# --- wrong passwords per account -----------------------------------------------------------

def _account_keys(account: str) -> tuple[str, str]:
    account = (account or "").strip().casefold()[:254]
    return f"forum-account-failures:{account}", f"forum-account-next:{account}"


def _storage():
    """The limiter's store, or None when limits are off (it is then never set up)."""
    from forum.extensions import limiter

    if not _enabled() or not limiter.enabled or not getattr(limiter, "initialized", False):
        return None
    return limiter.storage


def _known_device(account_id: int | None) -> bool:
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    raw = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not raw or account_id is None:
        return False
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KNOWN_DEVICE_SALT)
    try:
        ids = serializer.loads(raw, max_age=KNOWN_DEVICE_DAYS * 86400)
    except BadSignature:
        return False
    return isinstance(ids, list) and account_id in ids


def remember_device(response, account_id: int):
    """After a successful sign-in: this browser is the owner's, and skips the account delay."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KNOWN_DEVICE_SALT)
    try:
        ids = serializer.loads(request.cookies.get(KNOWN_DEVICE_COOKIE, ""),
                               max_age=KNOWN_DEVICE_DAYS * 86400)
    except BadSignature:
        ids = []
    ids = [i for i in ids if isinstance(i, int) and i != account_id][-4:] + [account_id]
    response.set_cookie(KNOWN_DEVICE_COOKIE, serializer.dumps(ids),
                        max_age=KNOWN_DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def account_gate(account: str, account_id: int | None = None) -> None:
    """Before checking a password for `account` (a login name, or "user:<id>"): refuse with
    the wait if the account's delay has not passed. Unknown names are delayed the same way,
    so the delay tells nothing about which accounts exist."""
    storage = _storage()
    if storage is None or _known_device(account_id):
        return
    _failures, next_key = _account_keys(account)
    not_before = storage.get(next_key)
    wait = not_before - time.time()
    if wait > 0:
        raise LimitReached(wait, _("There have been several wrong attempts for this account."))


def account_result(account: str, ok: bool) -> None:
    """After checking: a success clears the account's count, a failure grows its delay."""
    storage = _storage()
    if storage is None:
        return
    failures_key, next_key = _account_keys(account)
    if ok:
        storage.clear(failures_key)
        storage.clear(next_key)
        return
    failures = storage.incr(failures_key, ACCOUNT_MEMORY)
    free = current_app.config.get("FORUM_RATELIMIT_ACCOUNT_FREE_ATTEMPTS", ACCOUNT_FREE_ATTEMPTS)
    cap = current_app.config.get("FORUM_RATELIMIT_ACCOUNT_MAX_DELAY", ACCOUNT_MAX_DELAY)
    if failures >= free:
        delay = min(cap, 2 ** (failures - free + 1))  # 2, 4, 8 … seconds
        storage.clear(next_key)
        storage.incr(next_key, ACCOUNT_MEMORY, amount=int(time.time() + delay))
