"""Who may download or remove an attachment: whoever may see its owner, and staff or the
member who uploaded it."""
from forum.attachments.models import Attachment
from forum.attachments.services import OWNER_TYPES


def can_download(viewer, attachment: Attachment) -> bool:
    kind = OWNER_TYPES.get(attachment.owner_type)
    if kind is None:
        return False
    owner = kind.load(attachment.owner_id)
    return owner is not None and kind.can_view(viewer, owner)


def can_delete(user, attachment: Attachment) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or (attachment.uploaded_by_id is not None
                             and attachment.uploaded_by_id == user.id)


TEMPLATE_PREDICATES = {"delete": can_delete}
