"""Who may do what with twinnings and events: small pure predicates."""
from forum.accounts.permissions import can_post
from forum.core.visibility import can_see
from forum.places.permissions import can_curate

__all__ = ["can_curate", "can_join"]


def can_join(user, twinning) -> bool:
    """Confirmed members join (and leave) the twinnings they can see."""
    return can_post(user) and can_see(user, twinning)


def can_attend(user, space) -> bool:
    """Confirmed members say they attend the events of a twinning or network they can see."""
    return can_post(user) and can_see(user, space)


def can_confirm_attendance(user, event, attendance=None) -> bool:
    """The event's organiser (while allowed to post) and staff confirm who attended; never
    their own attendance, which would be points for acting on one's own word."""
    if not getattr(user, "is_authenticated", False):
        return False
    organiser = event.organiser_id is not None and event.organiser_id == user.id \
        and can_post(user)
    if not (organiser or can_curate(user)):
        return False
    return attendance is None or attendance.user_id != user.id


TEMPLATE_PREDICATES = {"join": can_join, "attend": can_attend,
                       "confirm_attendance": can_confirm_attendance}
