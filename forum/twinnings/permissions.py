"""Who may do what with twinnings and events: small pure predicates."""
from forum.accounts.permissions import can_post
from forum.core.visibility import can_see
from forum.places.permissions import can_curate

__all__ = ["can_curate", "can_join"]


def can_join(user, twinning) -> bool:
    """Confirmed members join (and leave) the twinnings they can see."""
    return can_post(user) and can_see(user, twinning)
