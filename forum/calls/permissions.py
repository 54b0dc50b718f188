"""Who may do what with calls for funding: small pure predicates."""
from forum.accounts.permissions import can_post
from forum.core.visibility import PENDING, PUBLISHED, can_see


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def can_publish(user) -> bool:
    """Staff publish calls directly; what they create is public at once."""
    return _is_staff(user) and can_post(user)


def can_propose(user) -> bool:
    """Confirmed members propose calls; a proposal waits for staff."""
    return can_post(user)


def can_edit(user, call) -> bool:
    return can_publish(user) and can_see(user, call)


def can_approve(user, call) -> bool:
    return can_publish(user) and call.visibility == PENDING


def can_follow(user, call) -> bool:
    """Members follow the public calls they can see, to be reminded of the deadline."""
    return can_post(user) and call.visibility == PUBLISHED


def can_save_search(user) -> bool:
    return can_post(user)


TEMPLATE_PREDICATES = {
    "publish_call": can_publish,
    "propose_call": can_propose,
    "edit_call": can_edit,
    "approve_call": can_approve,
    "follow_call": can_follow,
    "save_call_search": can_save_search,
}
