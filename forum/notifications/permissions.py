"""Who may follow, mute and read notifications: small pure predicates."""
from forum.accounts.permissions import can_post, is_member


def can_follow(user) -> bool:
    # Following starts mail: only members with a confirmed address who may take part.
    return can_post(user)


def can_stop_following(user) -> bool:
    # Stopping is always allowed to a signed-in member, even an unconfirmed one.
    return is_member(user)


def can_manage_mail(user) -> bool:
    return bool(is_member(user) and user.is_admin)


TEMPLATE_PREDICATES = {"follow": can_follow, "manage_mail": can_manage_mail}
