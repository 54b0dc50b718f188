"""Two-factor sign-in (TOTP, RFC 6238) with one-time recovery codes, and re-authentication.

Any member may turn it on; staff and administrators must, before any page, when
FORUM_ENV=production (development leaves it optional so the demo roles stay one click away).
Changing the e-mail address, the password or two-factor sign-in asks for the password (and
the code) again unless the member proved who they are in the last few minutes.

Models, services and the small blueprint live together here: the whole feature is one
module the rest of accounts calls through `is_enabled`, `start_challenge`,
`mark_authenticated` and `recent_auth_required`.
"""
import functools
import hashlib
import hmac
import secrets
import time
from datetime import datetime

import pyotp
import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from sqlalchemy import ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from forum.accounts import services as accounts_services
from forum.accounts.models import User
from forum.accounts.sessions import relogin
from forum.core.db import UTCDateTime, utcnow
from forum.core.errors import ServiceError
from forum.core.i18n import set_language_cookie
from forum.core.security import safe_next
from forum.extensions import db, limiter

ISSUER = "Gemellaggi"
RECOVERY_CODES = 10
CHALLENGE_SECONDS = 300
CHALLENGE_TRIES = 5
REAUTH_SECONDS = 600
PENDING_KEY = "2fa_pending"
SETUP_KEY = "2fa_setup_secret"
AUTH_AT_KEY = "auth_at"
# Set once this session has passed the second factor (a code at sign-in or re-authentication).
SECOND_FACTOR_KEY = "2fa_passed"
# Base32 without look-alikes (0/O, 1/I/L): codes are read off paper and typed by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# --- models ----------------------------------------------------------------------------------

class TwoFactor(db.Model):
    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last 30-second step a code was accepted for: a code works once, even within its step.
    last_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of a random 50-bit code: enough against guessing, and cheap to check ten of.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- services --------------------------------------------------------------------------------

def settings_of(user) -> TwoFactor | None:
    if not getattr(user, "is_authenticated", True) or getattr(user, "id", None) is None:
        return None
    return db.session.get(TwoFactor, user.id)


def is_enabled(user) -> bool:
    return settings_of(user) is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI, for an <img> (the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (this one or a neighbour, for clock drift) the 6-digit code belongs to."""
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        moment = now + drift * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            return int(moment // totp.interval)
    return None


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def enable(user: User, secret: str, code: str, now: float | None = None) -> list[str]:
    """Turn it on once the member proves the app shows the right codes; returns the
    recovery codes, which are shown once and stored only hashed."""
    code = _normalise(code)
    step = _matching_step(secret, code, now or time.time()) if len(code) == 6 else None
    if step is None:
        raise ServiceError(_("That code is not right. Check the time on your phone and try "
                             "the newest code."), field="code")
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.add(TwoFactor(user_id=user.id, secret=secret, enabled_at=utcnow(),
                             last_step=step))
    db.session.flush()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes; the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    db.session.flush()
    return codes


def remaining_codes(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def disable(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.flush()


def verify(user: User, code: str, now: float | None = None) -> bool:
    """A current TOTP code (each accepted once) or an unused recovery code (used up)."""
    settings = settings_of(user)
    if settings is None:
        return False
    code = _normalise(code)
    if len(code) == 6 and code.isdigit():
        step = _matching_step(settings.secret, code, now or time.time())
        if step is None or step <= settings.last_step:
            return False
        settings.last_step = step
        db.session.flush()
        return True
    row = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_code(code),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = utcnow()
    db.session.flush()
    return True


@accounts_services.exporter
def export_two_factor(user: User) -> tuple[str, dict]:
    """Whether it is on and since when; the secret and codes are credentials, not data."""
    settings = settings_of(user)
    return "two_factor", {
        "enabled": settings is not None,
        "enabled_at": settings.enabled_at.isoformat() if settings else None,
        "unused_recovery_codes": remaining_codes(user) if settings else 0,
    }


@accounts_services.eraser
def erase_two_factor(user: User) -> None:
    disable(user)


def staff_must_enrol(user) -> bool:
    """Staff and administrators in production need two-factor sign-in before anything else."""
    return (current_app.config.get("FORUM_ENV") == "production"
            and getattr(user, "is_authenticated", False) and user.is_staff
            and not is_enabled(user))


# --- the session: pending challenge and recent authentication ---------------------------------

def mark_authenticated() -> None:
    """The member just proved who they are (sign-in, re-authentication)."""
    session[AUTH_AT_KEY] = int(time.time())


def mark_second_factor() -> None:
    session[SECOND_FACTOR_KEY] = True


def lacks_second_factor(user) -> bool:
    """A session of an account with two-factor sign-in that never gave a code: opened with a
    remember-me cookie, or by password before the owner enrolled. It keeps no staff powers."""
    return is_enabled(user) and not session.get(SECOND_FACTOR_KEY)


def _renew_session(user) -> None:
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


def _pending_user() -> tuple[User | None, dict | None]:
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


# --- forms -----------------------------------------------------------------------------------

class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Enter the code.")),
                                               Length(max=20)])


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("This field is required.")), Length(max=200)])
    code = StringField(_l("Code from your app, or a recovery code"),
                       validators=[Optional(), Length(max=20)])


class ButtonForm(FlaskForm):
    pass


# --- views -----------------------------------------------------------------------------------

bp = Blueprint("twofactor", __name__)


def _limit():
    return limiter.limit(lambda: current_app.config["FORUM_RATELIMIT_LOGIN"], methods=["POST"])


@bp.route("/auth/login/code", methods=["GET", "POST"])
@_limit()
def challenge():
    user, pending = _pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if verify(user, form.code.data):
            return _finish_login(user, pending)
        pending["tries"] = pending.get("tries", 0) + 1
        session[PENDING_KEY] = pending
        if pending["tries"] >= CHALLENGE_TRIES:
            session.pop(PENDING_KEY, None)
            flash(_("Too many wrong codes. Please sign in again."), "danger")
            return redirect(url_for("accounts.login"))
        form.code.errors = [*form.code.errors, _("That code is not right.")]
    return render_template("accounts/twofactor_challenge.html", form=form)


def _finish_login(user: User, pending: dict):
    from forum.accounts import services

    services.record_login(user)
    db.session.commit()
    session.pop(PENDING_KEY, None)
    login_user(user, remember=pending.get("remember", False))
    mark_authenticated()
    mark_second_factor()
    target = safe_next(pending.get("next"), url_for("home.index"))
    return set_language_cookie(redirect(target), user.preferred_language)


@bp.route("/account/confirm-identity", methods=["GET", "POST"])
@login_required
@_limit()
def reauth():
    target = safe_next(request.args.get("next"), url_for("twofactor.settings"))
    form = ReauthForm()
    enabled = is_enabled(current_user)
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors = [*form.password.errors, _("The password is not correct.")]
        elif enabled and not verify(current_user, form.code.data or ""):
            form.code.errors = [*form.code.errors, _("That code is not right.")]
        else:
            db.session.commit()
            mark_authenticated()
            if enabled:
                mark_second_factor()
            return redirect(target)
    return render_template("accounts/twofactor_reauth.html", form=form, enabled=enabled)


@bp.get("/account/two-factor")
@login_required
def settings():
    enabled = is_enabled(current_user)
    return render_template("accounts/twofactor.html", enabled=enabled, button=ButtonForm(),
                           remaining=remaining_codes(current_user) if enabled else 0,
                           required=current_user.is_staff)


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@login_required
@recent_auth_required
def setup():
    if is_enabled(current_user):
        return redirect(url_for(".settings"))
    # The secret waits in the (signed) session until a code proves the app has it.
    secret = session.get(SETUP_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SETUP_KEY] = new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = enable(current_user, secret, form.code.data)
        except ServiceError as error:
            form.code.errors = [*form.code.errors, error.message]
        else:
            # Sessions opened by password alone must not carry on as if they had given a code.
            _renew_session(current_user)
            mark_second_factor()
            session.pop(SETUP_KEY, None)
            flash(_("Two-factor sign-in is on."), "success")
            return render_template("accounts/twofactor_codes.html", codes=codes)
    uri = provisioning_uri(current_user, secret)
    return render_template("accounts/twofactor_setup.html", form=form, qr=qr_data_uri(uri),
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


@bp.post("/account/two-factor/recovery-codes")
@login_required
@recent_auth_required
def regenerate():
    if not ButtonForm().validate_on_submit() or not is_enabled(current_user):
        return redirect(url_for(".settings"))
    codes = new_recovery_codes(current_user)
    _renew_session(current_user)
    flash(_("New recovery codes: the old ones no longer work."), "success")
    return render_template("accounts/twofactor_codes.html", codes=codes)


@bp.post("/account/two-factor/disable")
@login_required
@recent_auth_required
def turn_off():
    if ButtonForm().validate_on_submit() and is_enabled(current_user):
        disable(current_user)
        _renew_session(current_user)
        session.pop(SECOND_FACTOR_KEY, None)
        flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for(".settings"))


# Pages a staff member without two-factor sign-in may still reach in production.
ENROLMENT_ENDPOINTS = {"static", "accounts.logout", "twofactor.settings", "twofactor.setup",
                       "twofactor.reauth", "twofactor.challenge", "home.privacy",
                       "home.accessibility"}


@bp.app_errorhandler(403)
def _forbidden(error):
    """Staff refused only for want of the second factor in this session are asked for it."""
    if getattr(current_user, "staff_powers_withheld", False):
        flash(_("Enter a code from your app to use staff pages in this session."), "info")
        target = request.full_path if request.method == "GET" else request.path
        return redirect(url_for("twofactor.reauth", next=target.rstrip("?")))
    from forum.core.errors import render_error

    return render_error(error)


@bp.before_app_request
def _staff_enrolment_gate():
    if request.endpoint in ENROLMENT_ENDPOINTS or not staff_must_enrol(current_user):
        return None
    flash(_("Staff accounts must turn on two-factor sign-in before using the site."), "warning")
    return redirect(url_for("twofactor.settings"))
