"""Who may do what with members and accounts: small pure predicates."""
from forum.accounts.models import User


def is_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_post(user) -> bool:
    """Confirmed, not suspended members write; the unconfirmed only read."""
    return is_member(user) and user.is_confirmed and not user.is_suspended


def can_view_profile_details(viewer, member: User) -> bool:
    """An unlisted profile shows only the name, except to its owner and staff."""
    if member.is_deleted:
        return False
    return member.listed or (is_member(viewer) and (viewer.id == member.id or viewer.is_staff))


def can_view_avatar(viewer, member: User) -> bool:
    """The picture follows the profile: an unlisted member shows initials to others."""
    return bool(member.avatar_filename) and can_view_profile_details(viewer, member)


def needs_confirmation(user) -> bool:
    return is_member(user) and not user.is_confirmed


def can_manage_roles(user) -> bool:
    return is_member(user) and user.is_admin


def can_change_role(actor, member: User) -> bool:
    return can_manage_roles(actor) and not member.is_deleted


def can_see_staff_tools(user) -> bool:
    return is_member(user) and user.is_staff


TEMPLATE_PREDICATES = {
    "post": can_post,
    "view_profile_details": can_view_profile_details,
    "view_avatar": can_view_avatar,
    "needs_confirmation": needs_confirmation,
    "manage_roles": can_manage_roles,
    "change_role": can_change_role,
    "see_staff_tools": can_see_staff_tools,
}
