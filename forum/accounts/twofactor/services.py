"""Turning two-factor sign-in on and off, checking codes, recovery codes, and the data export."""
import hashlib
import hmac
import secrets
import time

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from forum.accounts import services as accounts_services
from forum.accounts.models import User
from forum.accounts.twofactor.models import RecoveryCode, TwoFactor
from forum.core.db import utcnow
from forum.core.errors import ServiceError
from forum.extensions import db

ISSUER = "Gemellaggi"
RECOVERY_CODES = 10
# Base32 without look-alikes (0/O, 1/I/L): codes are read off paper and typed by hand.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


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
    import segno  # the QR code of an enrolment: not worth 1 MB in every worker

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


