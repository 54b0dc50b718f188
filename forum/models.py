"""Every package's models, imported in one place so the metadata is complete."""
from forum.accounts.models import RoleChange, User
from forum.accounts.twofactor.models import RecoveryCode, TwoFactor
from forum.attachments.models import Attachment
from forum.calls.models import Call, CallAlert, CallFollow, CallReminder, CallSavedSearch
from forum.discussions.models import Discussion, Post
from forum.engagement.models import BadgeAward, MemberPoints, PointEntry
from forum.moderation.models import ModerationAction, Report
from forum.notifications.models import (
    Follow,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from forum.opendata.models import DatasetVersion
from forum.places.models import City, Network, NetworkMember, Organisation, Project, ProjectNews
from forum.practices.models import Practice, PracticeInterest, PracticeLink
from forum.search.models import SearchPending
from forum.twinnings.models import Event, Twinning, TwinningCity, TwinningParticipant

__all__ = [
    "BadgeAward", "MemberPoints", "PointEntry",
    "Call", "CallAlert", "CallFollow", "CallReminder", "CallSavedSearch",
    "Attachment", "City", "DatasetVersion", "Discussion", "Event", "Network", "NetworkMember",
    "Organisation",
    "Follow", "ModerationAction", "Notification", "NotificationPreference",
    "OutboxMessage", "Post", "Practice", "PracticeInterest",
    "PracticeLink",
    "Project",
    "ProjectNews", "RecoveryCode", "Report", "RoleChange", "SearchPending", "Twinning",
    "TwinningCity",
    "TwinningParticipant", "TwoFactor", "User",
]
