"""Rules about members. Services flush, never commit, and take the acting user explicitly."""
from sqlalchemy import select

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.core.markup import render_markdown
from forum.extensions import db


def find_by_login(login: str) -> User | None:
    """A member by username or e-mail, regardless of case."""
    login = (login or "").strip().lower()
    if not login:
        return None
    column = User.email if "@" in login else User.username_key
    return db.session.scalar(select(User).where(column == login, User.deleted_at.is_(None)))


def create_user(username: str, email: str, password: str, *, role: str = "member",
                confirmed: bool = False, **profile) -> User:
    """A member with a hashed password; profile fields are passed through as given."""
    user = User(username=username, username_key=username.lower(), email=email.strip().lower(),
                role=role, joined_at=utcnow())
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


def latest_members(limit: int) -> list[User]:
    query = (
        select(User)
        .where(User.listed.is_(True), User.deleted_at.is_(None))
        .order_by(User.joined_at.desc(), User.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
