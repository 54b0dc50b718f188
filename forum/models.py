"""Every package's models, imported in one place so the metadata is complete."""
from forum.accounts.models import RoleChange, User
from forum.notifications.models import OutboxMessage
from forum.places.models import City, Organisation

__all__ = ["City", "Organisation", "OutboxMessage", "RoleChange", "User"]
