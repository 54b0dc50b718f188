"""Who may report and who may moderate: small pure predicates."""
from forum.accounts.permissions import is_member


def can_moderate(user) -> bool:
    """The queue, the log and every staff action on content."""
    return is_member(user) and user.is_staff and not user.is_suspended


def can_report(user, author=None) -> bool:
    """Any signed-in member reports what others wrote (their own content they edit instead)."""
    if not is_member(user) or user.is_suspended:
        return False
    return author is None or getattr(author, "id", None) != user.id


def can_purge(user) -> bool:
    """Permanent deletion cannot be undone: administrators only."""
    return can_moderate(user) and user.is_admin


def can_suspend(actor, member) -> bool:
    """Staff suspend members; administrators suspend staff too. Nobody suspends an
    administrator or themselves."""
    if not can_moderate(actor) or member is None or member.is_deleted or member.id == actor.id:
        return False
    if member.role == "member":
        return True
    return member.role == "staff" and actor.is_admin


TEMPLATE_PREDICATES = {
    "moderate": can_moderate,
    "report": can_report,
    "purge": can_purge,
    "suspend": can_suspend,
}
