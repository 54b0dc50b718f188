"""Rules about members. Services flush, never commit, and take the acting user explicitly."""
import functools
import re
from collections.abc import Callable

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from forum.accounts import tokens
from forum.accounts.models import ROLES, RoleChange, User
from forum.core import limits, uploads
from forum.core.db import utcnow
from forum.core.errors import ServiceError, ServiceErrors
from forum.core.markup import render_markdown
from forum.core.outbox import queue_mail
from forum.core.urls import site_url
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.places.models import ORGANISATION_KINDS, City, Organisation

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{3,30}")
# Deleted members are renamed "former-<id>"; nobody may take such a name.
RESERVED_PREFIX = "former-"
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
AVATAR_FOLDER = "avatars"
AVATAR_BOX = (256, 256)
LANGUAGES = ("it", "en")


class InvalidToken(Exception):
    """A link that is forged, expired, already used or no longer applies."""


# --- passwords -------------------------------------------------------------------------------


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 commonest passwords (zxcvbn's list), loaded once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None. Length and commonness only: no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)s characters.", n=MAX_PASSWORD_LENGTH)
    if password.lower() in common_passwords():
        return _("This password is among the most common ones and easy to guess: choose another.")
    return None


def check_password_policy(password: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise ServiceError(problem, field=field)


@functools.cache
def _dummy_hash() -> str:
    # Hashed the way real passwords are, so an unknown name costs as much as a wrong password.
    user = User()
    user.set_password("not-a-real-password")
    return user.password_hash


def authenticate(login: str, password: str) -> User | None:
    """The member these credentials belong to, or None (taking as long either way).

    Wrong passwords slow the account down (core/limits.py), whichever address they come
    from; a name no account has is slowed the same way, so the delay reveals nothing."""
    user = find_by_login(login)
    if user is None or not user.password_hash:
        account = f"name:{(login or '').strip().casefold()}"
        limits.account_gate(account)
        check_password_hash(_dummy_hash(), password or "")
        limits.account_result(account, False)
        return None
    return user if verify_password(user, password) else None


def verify_password(user: User, password: str) -> bool:
    """The one password check of every form (sign-in, re-authentication, e-mail and password
    change, deletion): refused with a wait (429) while the account's delay runs."""
    account = f"user:{user.id}"
    limits.account_gate(account, user.id)
    ok = user.check_password(password or "")
    limits.account_result(account, ok)
    return ok


def record_login(user: User) -> None:
    user.previous_login_at = user.last_login_at
    user.last_login_at = utcnow()


def end_sessions(user: User) -> None:
    """Every session and remember-me cookie carries the version: bumping it ends them all."""
    user.session_version = (user.session_version or 1) + 1


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user, current):
        raise ServiceError(_("The current password is not correct."), field="current_password")
    check_password_policy(new, "new_password")
    user.set_password(new)
    end_sessions(user)


# --- finding members -------------------------------------------------------------------------


def find_by_login(login: str) -> User | None:
    """A member by username or e-mail, regardless of case."""
    login = (login or "").strip().lower()
    if not login:
        return None
    column = User.email if "@" in login else User.username_key
    return db.session.scalar(select(User).where(column == login, User.deleted_at.is_(None)))


def find_by_email(email: str) -> User | None:
    """The account holding this address (the one `email_taken` finds), if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def find_by_username(username: str) -> User | None:
    """A current member by username, regardless of case; deleted members are not found."""
    return db.session.scalar(
        select(User).where(User.username_key == username.lower(), User.deleted_at.is_(None))
    )


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def email_taken(email: str, *, other_than: User | None = None) -> bool:
    query = select(User.id).where(User.email == normalise_email(email))
    if other_than is not None:
        query = query.where(User.id != other_than.id)
    return db.session.scalar(query) is not None


# --- creating members ------------------------------------------------------------------------


def _username_problem(username: str) -> str | None:
    if not USERNAME_PATTERN.fullmatch(username):
        return _("Use 3 to 30 letters, digits or the characters _ . -")
    if username.lower().startswith(RESERVED_PREFIX):
        return _("This username is reserved: choose another.")
    if db.session.scalar(select(User.id).where(User.username_key == username.lower())):
        return _("This username is taken: choose another.")
    return None


def _check_new_user(username: str, email: str, role: str, password: str) -> None:
    """Every rule on a new account but the address being free (registration answers a taken
    address as a free one, see register_member)."""
    problem = _username_problem(username)
    if problem:
        raise ServiceError(problem, field="username")
    if "@" not in email:
        raise ServiceError(_("Enter a valid e-mail address."), field="email")
    if role not in ROLES:
        raise ServiceError(_("Unknown role."), field="role")
    check_password_policy(password)


def create_user(username: str, email: str, password: str, *, role: str = "member",
                confirmed: bool = False, **profile) -> User:
    """A member with a hashed password; profile fields are passed through as given.

    Raises ServiceError when the username, address or password breaks the rules.
    """
    username = (username or "").strip()
    email = normalise_email(email)
    _check_new_user(username, email, role, password)
    if email_taken(email):
        raise ServiceError(_("An account with this e-mail address already exists."), field="email")
    user = User(username=username, username_key=username.lower(), email=email, role=role,
                joined_at=utcnow(), session_version=1)
    user.set_password(password)
    if confirmed:
        user.email_confirmed_at = utcnow()
    set_profile(user, **profile)
    db.session.add(user)
    db.session.flush()
    return user


def set_profile(user: User, **fields) -> None:
    """Profile fields; the bio is rendered to sanitised HTML once, here."""
    for name, value in fields.items():
        setattr(user, name, value)
    if "bio" in fields:
        user.bio_html = render_markdown(user.bio)


def resolve_organisation(organisation_id: int | None, new_name: str | None,
                         new_kind: str | None) -> Organisation | None:
    """The organisation picked from the list, or the one named (found or created), or None."""
    new_name = " ".join((new_name or "").split())
    if new_name:
        existing = db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == new_name.lower())
        )
        if existing is not None:
            return existing
        if new_kind not in ORGANISATION_KINDS:
            raise ServiceError(_("Choose the kind of organisation."), field="organisation_kind")
        organisation = Organisation(name=new_name, kind=new_kind)
        db.session.add(organisation)
        db.session.flush()
        return organisation
    if organisation_id:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise ServiceError(_("Choose an organisation from the list."), field="organisation_id")
        return organisation
    return None


def resolve_city(city_id: int | None) -> City | None:
    if not city_id:
        return None
    city = db.session.get(City, city_id)
    if city is None:
        raise ServiceError(_("Choose a city from the list."), field="city_id")
    return city


def registration_problems(username: str | None, password: str | None, *,
                          organisation_id: int | None, new_organisation: str | None,
                          organisation_kind: str | None, city_id: int | None) -> list[ServiceError]:
    """Every rule a registration breaks, all at once, so the form lists them together after
    one submit; nothing is written. A taken address is never among them (register_member)."""
    problems = []
    username_problem = _username_problem((username or "").strip())
    if username_problem:
        problems.append(ServiceError(username_problem, field="username"))
    password_refused = password_problem(password or "")
    if password_refused:
        problems.append(ServiceError(password_refused, field="password"))
    new_name = " ".join((new_organisation or "").split())
    if new_name and organisation_kind not in ORGANISATION_KINDS and not db.session.scalar(
            select(Organisation.id).where(func.lower(Organisation.name) == new_name.lower())):
        problems.append(ServiceError(_("Choose the kind of organisation."),
                                     field="organisation_kind"))
    elif not new_name and organisation_id and db.session.get(Organisation, organisation_id) is None:
        problems.append(ServiceError(_("Choose an organisation from the list."),
                                     field="organisation_id"))
    if city_id and db.session.get(City, city_id) is None:
        problems.append(ServiceError(_("Choose a city from the list."), field="city_id"))
    return problems


def register_member(data: dict, language: str | None = None) -> User | None:
    """A new, unconfirmed member who accepted the privacy notice; the confirmation is mailed.
    `data` is the registration form's: username, email, password, full_name, profession,
    the organisation fields (see resolve_organisation), city_id and listed.
    For an address that already has an account: None, and a mail to its owner.
    Raises ServiceErrors with every rule broken (registration_problems)."""
    username, email, password = data["username"], data["email"], data["password"]
    problems = registration_problems(username, password, organisation_id=data["organisation_id"],
                                     new_organisation=data["new_organisation"],
                                     organisation_kind=data["organisation_kind"],
                                     city_id=data["city_id"])
    if problems:
        raise ServiceErrors(problems)
    organisation = resolve_organisation(data["organisation_id"], data["new_organisation"],
                                        data["organisation_kind"])
    city = resolve_city(data["city_id"])
    owner = find_by_email(email)
    if owner is not None:
        # The answer is the one a new address gets, so registering tells nobody which
        # addresses have accounts; the owner hears of it by mail instead (as Discourse does).
        # The same work is done: the other rules, a password hash, a mail.
        _check_new_user((username or "").strip(), owner.email, "member", password)
        User().set_password(password)  # the hash a new account costs, thrown away
        if owner.deleted_at is None:
            _send(owner.email, _mail_language(owner, language), _l("You already have an account"),
                  "register_existing.txt", user=owner, login_link=site_url("accounts.login"),
                  reset_link=site_url("accounts.reset_request"))
        return None
    user = create_user(username, email, password, full_name=data["full_name"].strip(),
                       profession=(data["profession"] or "").strip() or None,
                       organisation=organisation, city=city, listed=bool(data["listed"]),
                       privacy_accepted_at=utcnow())
    send_confirmation(user, language)
    return user


# --- mail ------------------------------------------------------------------------------------


def _mail_language(user: User | None, language: str | None = None) -> str:
    for choice in (getattr(user, "preferred_language", None), language):
        if choice in LANGUAGES:
            return choice
    if has_request_context():
        from forum.core.i18n import current_language

        return current_language()
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _send(recipient: str, language: str, subject, template: str, **context) -> None:
    """Render subject and body in the recipient's language and queue them in the outbox."""
    with force_locale(language):
        body = render_template(f"accounts/mail/{template}", **context)
        queue_mail(recipient, str(subject), body)


def _hours(seconds: int) -> int:
    return max(1, seconds // 3600)


def send_confirmation(user: User, language: str | None = None) -> None:
    token = tokens.make_token(tokens.CONFIRM, {"id": user.id, "email": user.email})
    link = site_url("accounts.confirm", token=token)
    _send(user.email, _mail_language(user, language), _l("Confirm your e-mail address"),
          "confirm.txt", user=user, link=link,
          hours=_hours(current_app.config["FORUM_TOKEN_MAX_AGE"]))


def confirm_email(token: str) -> User:
    data = tokens.read_token(tokens.CONFIRM, token, current_app.config["FORUM_TOKEN_MAX_AGE"])
    user = _token_user(data)
    # One-time: a confirmed address, or one that changed since, no longer matches the link.
    if user.is_confirmed or user.email != data.get("email"):
        raise InvalidToken()
    user.email_confirmed_at = utcnow()
    return user


def _token_user(data: dict | None) -> User:
    user_id = (data or {}).get("id")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.is_deleted:
        raise InvalidToken()
    return user


def request_password_reset(email: str, language: str | None = None) -> None:
    """Mail a reset link if the address belongs to a member; say nothing either way."""
    user = find_by_login(email) if "@" in (email or "") else None
    if user is None or not user.email:
        return
    data = {"id": user.id, "pw": tokens.password_fingerprint(user.password_hash)}
    link = site_url("accounts.reset_password", token=tokens.make_token(tokens.RESET, data))
    _send(user.email, _mail_language(user, language), _l("Choose a new password"), "reset.txt",
          user=user, link=link, hours=_hours(current_app.config["FORUM_RESET_MAX_AGE"]))


def user_for_reset(token: str) -> User:
    data = tokens.read_token(tokens.RESET, token, current_app.config["FORUM_RESET_MAX_AGE"])
    user = _token_user(data)
    # Works once: the fingerprint stops matching as soon as the password changes.
    if data.get("pw") != tokens.password_fingerprint(user.password_hash):
        raise InvalidToken()
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset(token)
    check_password_policy(password)
    user.set_password(password)
    # The link reached the member's mailbox, so the address is proven too.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    end_sessions(user)
    return user


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Remember the new address and mail a link to it; the old address gets a notice."""
    if not verify_password(user, password):
        raise ServiceError(_("The password is not correct."), field="password")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ServiceError(_("This is already your e-mail address."), field="email")
    user.pending_email = new_email
    language = _mail_language(user)
    owner = find_by_email(new_email)
    if owner is not None and owner.id != user.id:
        # Answered as for a free address (the page and the pending change look the same), so
        # the form tells nobody which addresses have accounts. The address's owner is told
        # instead, and gets no link: confirm_email_change would refuse it anyway.
        _send(owner.email, _mail_language(owner), _l("Someone tried to use your e-mail address"),
              "email_taken_notice.txt", user=owner,
              reset_link=site_url("accounts.reset_request"))
    else:
        token = tokens.make_token(tokens.CHANGE_EMAIL, {"id": user.id, "email": new_email})
        link = site_url("accounts.confirm_email", token=token)
        hours = _hours(current_app.config["FORUM_TOKEN_MAX_AGE"])
        _send(new_email, language, _l("Confirm your new e-mail address"), "email_change.txt",
              user=user, link=link, hours=hours)
    _send(user.email, language, _l("A change of e-mail address was requested"),
          "email_change_notice.txt", user=user, masked=mask_email(new_email))


def confirm_email_change(token: str) -> User:
    data = tokens.read_token(tokens.CHANGE_EMAIL, token, current_app.config["FORUM_TOKEN_MAX_AGE"])
    user = _token_user(data)
    if not user.pending_email or user.pending_email != data.get("email"):
        raise InvalidToken()
    if email_taken(user.pending_email, other_than=user):
        raise ServiceError(_("An account with this e-mail address already exists."), field="email")
    user.email = user.pending_email
    user.pending_email = None
    user.email_confirmed_at = utcnow()
    # Whoever held the old address's sessions does not keep them.
    end_sessions(user)
    return user


def mask_email(email: str) -> str:
    """'a***@example.org': enough for the owner to recognise, little for anyone else."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


# --- profile ---------------------------------------------------------------------------------


def update_profile(user: User, data: dict) -> None:
    """Save the profile form's `data`: full_name, profession, the organisation fields, city_id,
    bio, preferred_language, listed, and optionally avatar (an upload), remove_avatar,
    opendata_named and on_leaderboard. The avatar is handled last so a refused field leaves
    no file."""
    organisation = resolve_organisation(data["organisation_id"], data["new_organisation"],
                                        data["organisation_kind"])
    city = resolve_city(data["city_id"])
    preferred_language = data["preferred_language"]
    if preferred_language not in LANGUAGES:
        preferred_language = None
    avatar = data.get("avatar")
    new_avatar = _prepare_avatar(avatar) if avatar is not None and avatar.filename else None
    set_profile(user, full_name=data["full_name"].strip(),
                profession=(data["profession"] or "").strip() or None,
                organisation=organisation, city=city, bio=(data["bio"] or "").strip() or None,
                preferred_language=preferred_language, listed=bool(data["listed"]))
    user.opendata_named = bool(data.get("opendata_named", True))
    user.on_leaderboard = bool(data.get("on_leaderboard", False))
    if new_avatar or data.get("remove_avatar"):
        uploads.remove_after_commit(AVATAR_FOLDER, user.avatar_filename)
        user.avatar_filename = (
            uploads.save_upload(new_avatar[0], AVATAR_FOLDER, new_avatar[1]) if new_avatar else None
        )


def _prepare_avatar(storage) -> tuple[bytes, str]:
    try:
        data = uploads.read_upload(storage, uploads.IMAGE_TYPES)
        return uploads.resize_image(data, AVATAR_BOX)
    except uploads.UploadError as error:
        raise ServiceError(str(error), field="avatar") from None


def avatar_path(user: User):
    if not user.avatar_filename:
        return None
    path = uploads.upload_folder(AVATAR_FOLDER) / user.avatar_filename
    return path if path.is_file() else None


# --- directory -------------------------------------------------------------------------------


def latest_members(limit: int) -> list[User]:
    query = (
        select(User)
        .where(User.listed.is_(True), User.deleted_at.is_(None))
        .order_by(User.joined_at.desc(), User.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def find_city(slug: str) -> City | None:
    return db.session.scalar(select(City).where(City.slug == slug))


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def directory(*, q: str = "", city: City | None = None, kind: str | None = None, page: int = 1,
              per_page: int = PAGE_SIZE):
    """Listed, current members matching the filters, newest first, one page of them."""
    query = select(User).where(User.listed.is_(True), User.deleted_at.is_(None))
    if city is not None:
        query = query.where(User.city_id == city.id)
    if kind:
        query = query.where(
            User.organisation_id.in_(select(Organisation.id).where(Organisation.kind == kind))
        )
    q = " ".join((q or "").split())
    if q:
        pattern = _contains(q)
        by_organisation = select(Organisation.id).where(
            Organisation.name.ilike(pattern, escape="\\")
        )
        query = query.where(or_(
            User.full_name.ilike(pattern, escape="\\"),
            User.username.ilike(pattern, escape="\\"),
            User.profession.ilike(pattern, escape="\\"),
            User.organisation_id.in_(by_organisation),
        ))
    query = query.order_by(User.joined_at.desc(), User.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=True)


def organisation_choices() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name))))


def city_choices() -> list[City]:
    return list(db.session.scalars(select(City).order_by(City.name)))


# --- roles -----------------------------------------------------------------------------------


def members_by_name(page: int, per_page: int):
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.username_key)
    return db.paginate(query, page=page, per_page=per_page, error_out=True)


def recent_role_changes(limit: int = 20) -> list[RoleChange]:
    query = (
        select(RoleChange)
        .options(selectinload(RoleChange.user), selectinload(RoleChange.changed_by))
        .order_by(RoleChange.changed_at.desc(), RoleChange.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def change_role(actor: User, user: User, new_role: str) -> RoleChange | None:
    """Give `user` a new role and record who did it; None when nothing changed."""
    if new_role not in ROLES:
        raise ServiceError(_("Unknown role."), field="role")
    if new_role == user.role:
        return None
    if user.role == "admin" and _admin_count() <= 1:
        raise ServiceError(_("The site needs at least one administrator."), field="role")
    change = RoleChange(user=user, changed_by=actor, old_role=user.role, new_role=new_role,
                        changed_at=utcnow())
    user.role = new_role
    db.session.add(change)
    db.session.flush()
    return change


def _admin_count() -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == "admin", User.deleted_at.is_(None))
    )


# --- export and erasure ----------------------------------------------------------------------

# Each package adds its own content: an exporter returns (key, JSON-able data) for a member,
# an eraser removes or anonymises what the package holds about a member being deleted.
Exporter = Callable[[User], tuple[str, object]]
Eraser = Callable[[User], None]
EXPORTERS: list[Exporter] = []
ERASERS: list[Eraser] = []
# What a member did, for their public profile: the packages above (discussions, practices,
# twinnings) register name -> loader(member, viewer), so accounts never imports them.
PROFILE_CONTENT: dict = {}


def register_profile_content(name: str, loader) -> None:
    PROFILE_CONTENT[name] = loader


def profile_content(member: User, viewer) -> dict:
    return {name: load(member, viewer) for name, load in PROFILE_CONTENT.items()}


def exporter(fn: Exporter) -> Exporter:
    EXPORTERS.append(fn)
    return fn


def eraser(fn: Eraser) -> Eraser:
    ERASERS.append(fn)
    return fn


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@exporter
def _export_account(user: User) -> tuple[str, dict]:
    organisation = user.organisation
    city = user.city
    return "account", {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "pending_email": user.pending_email,
        "full_name": user.full_name,
        "profession": user.profession,
        "bio": user.bio,
        "preferred_language": user.preferred_language,
        "role": user.role,
        "listed": user.listed,
        "opendata_named": user.opendata_named,
        "has_avatar": bool(user.avatar_filename),
        "joined_at": _iso(user.joined_at),
        "last_login_at": _iso(user.last_login_at),
        "previous_login_at": _iso(user.previous_login_at),
        "email_confirmed_at": _iso(user.email_confirmed_at),
        "privacy_accepted_at": _iso(user.privacy_accepted_at),
        "suspended_until": _iso(user.suspended_until),
        "organisation": None if organisation is None else {
            "name": organisation.name,
            "kind": organisation.kind,
            "website": organisation.website,
        },
        "city": None if city is None else {
            "name": city.name,
            "slug": city.slug,
            "region": city.region,
            "province": city.province,
        },
    }


@exporter
def _export_role_changes(user: User) -> tuple[str, list]:
    query = (
        select(RoleChange)
        .where(or_(RoleChange.user_id == user.id, RoleChange.changed_by_id == user.id))
        .order_by(RoleChange.changed_at, RoleChange.id)
    )
    return "role_changes", [
        {
            "member_id": change.user_id,
            "changed_by_id": change.changed_by_id,
            "old_role": change.old_role,
            "new_role": change.new_role,
            "changed_at": _iso(change.changed_at),
        }
        for change in db.session.scalars(query)
    ]


def export_data(user: User) -> dict:
    data = {"site": "Gemellaggi", "exported_at": _iso(utcnow())}
    for fn in EXPORTERS:
        key, value = fn(user)
        data[key] = value
    return data


def delete_account(user: User, password: str) -> None:
    if not verify_password(user, password):
        raise ServiceError(_("The password is not correct."), field="password")
    if user.role == "admin" and _admin_count() <= 1:
        raise ServiceError(_(
            "You are the only administrator: give another member that role first."),
            field="password")
    erase_member(user)


def erase_member(user: User) -> None:
    """Remove personal data; contributions stay, shown under "Former member"."""
    for fn in ERASERS:
        fn(user)
    uploads.remove_after_commit(AVATAR_FOLDER, user.avatar_filename)
    for column in ("email", "pending_email", "password_hash", "full_name", "profession", "bio",
                   "bio_html", "organisation", "city", "preferred_language", "avatar_filename",
                   "last_login_at", "previous_login_at", "email_confirmed_at",
                   "privacy_accepted_at", "suspended_until"):
        setattr(user, column, None)
    user.listed = False
    user.role = "member"
    user.username = user.username_key = f"{RESERVED_PREFIX}{user.id}"
    user.deleted_at = utcnow()
    end_sessions(user)
    db.session.flush()
