"""Who may do what with discussions and posts: small pure predicates."""
from forum.accounts.permissions import can_post, is_member
from forum.core.visibility import DELETED, PUBLISHED, can_see


def _is_staff(user) -> bool:
    return is_member(user) and user.is_staff


def can_see_discussion(user, discussion) -> bool:
    """The discussion and the space it lives in must both be visible."""
    space = discussion.space
    return can_see(user, discussion) and space is not None and can_see(user, space)


def can_start_discussion(user, space) -> bool:
    return can_post(user) and can_see(user, space)


def can_reply(user, discussion) -> bool:
    return can_post(user) and not discussion.locked


def can_read_post(user, post) -> bool:
    """Whether the body is shown; otherwise the thread shows a placeholder in its place."""
    return can_see(user, post)


def can_quote(user, post) -> bool:
    return post.visibility == PUBLISHED and can_reply(user, post.discussion)


def _is_author(user, post) -> bool:
    return is_member(user) and post.author_id is not None and post.author_id == user.id


def can_edit_post(user, post) -> bool:
    """Authors edit their posts while the discussion is open; staff always may."""
    if post.visibility == DELETED or not is_member(user):
        return False
    if _is_staff(user):
        return True
    return _is_author(user, post) and can_post(user) and not post.discussion.locked


def can_delete_post(user, post) -> bool:
    """Authors delete their replies; only staff delete an opening post, which frames the whole
    thread and every reply to it."""
    if post.visibility == DELETED or not is_member(user):
        return False
    if _is_staff(user):
        return True
    return _is_author(user, post) and post.number > 1 and not post.discussion.locked


def can_restore_post(user, post) -> bool:
    return _is_staff(user) and post.visibility == DELETED


def can_moderate_discussion(user, discussion=None) -> bool:
    """Pin, unpin, lock and unlock."""
    return _is_staff(user)


TEMPLATE_PREDICATES = {
    "start_discussion": can_start_discussion,
    "reply": can_reply,
    "read_post": can_read_post,
    "quote": can_quote,
    "edit_post": can_edit_post,
    "delete_post": can_delete_post,
    "restore_post": can_restore_post,
    "moderate_discussion": can_moderate_discussion,
}
