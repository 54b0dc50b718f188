"""Flask-Login glue: a session is valid only while its version matches the member's."""
from forum.accounts.models import User
from forum.accounts.twofactor.web import lacks_second_factor
from forum.extensions import db


def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    if user.is_deleted or user.is_suspended:
        return None
    if user.role != "member":
        # Staff pages need a session that passed the second factor when the account has one.
        user.staff_powers_withheld = lacks_second_factor(user)
    return user
