"""Who may do what with practices: small pure predicates for views and templates."""
from forum.accounts.permissions import can_post
from forum.core.visibility import PUBLISHED, can_see
from forum.practices.models import CLOSED, OFFER


def can_create_practice(user) -> bool:
    """Confirmed, not suspended members offer, seek and tell stories."""
    return can_post(user)


def _is_author(user, practice) -> bool:
    return bool(getattr(user, "is_authenticated", False) and practice.author_id
                and practice.author_id == user.id)


def can_edit_practice(user, practice) -> bool:
    """The author (while allowed to post) and staff."""
    if not can_see(user, practice):
        return False
    return bool(getattr(user, "is_authenticated", False) and user.is_staff) or (
        _is_author(user, practice) and can_post(user))


def can_mark_matched(user, practice) -> bool:
    return can_edit_practice(user, practice)


def can_express_interest(user, practice) -> bool:
    """Other members, on a published practice that is not closed."""
    return (can_post(user) and practice.visibility == PUBLISHED and practice.status != CLOSED
            and not _is_author(user, practice))


def sees_contacts_of_interested(user, practice) -> bool:
    """The author sees the e-mail and organisation of the members who came forward."""
    return _is_author(user, practice) and not user.is_deleted


def sees_author_contact(user, interest) -> bool:
    """A member who came forward sees the author's e-mail and organisation."""
    return interest is not None and getattr(user, "is_authenticated", False) \
        and interest.user_id == user.id


def can_mark_adopted(user, practice, adoptions) -> bool:
    """A member of another organisation says theirs adopted a published offer: not the
    author, not a colleague of the author's or of the practice's organisation, and once per
    member (`adoptions`: the offer's, from `services.adoptions_of`). Members choose their
    organisation themselves: one who changed it does not mark the same offer again."""
    if not can_post(user) or practice.kind != OFFER or practice.visibility != PUBLISHED:
        return False
    organisation = user.organisation_id
    offering = (practice.organisation_id, getattr(practice.author, "organisation_id", None))
    return organisation is not None and not _is_author(user, practice) \
        and organisation not in offering \
        and not any(adoption.user_id == user.id for adoption in adoptions)


def can_offer_adoption(user, practice, adoptions) -> bool:
    """The button: as can_mark_adopted, and the member's organisation not listed yet (a
    colleague who presses it anyway is told it was said already)."""
    return can_mark_adopted(user, practice, adoptions) \
        and user.organisation_id not in {adoption.organisation_id for adoption in adoptions}


def can_withdraw_adoption(user, adoption) -> bool:
    """The member who marked it (while allowed to post), and staff. Not any member naming the
    same organisation: members choose their organisation themselves."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff) or (can_post(user) and adoption.user_id is not None
                                   and adoption.user_id == user.id)


TEMPLATE_PREDICATES = {
    "create_practice": can_create_practice,
    "edit_practice": can_edit_practice,
    "mark_matched": can_mark_matched,
    "express_interest": can_express_interest,
    "mark_adopted": can_mark_adopted,
    "offer_adoption": can_offer_adoption,
    "withdraw_adoption": can_withdraw_adoption,
}
