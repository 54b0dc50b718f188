"""A twinning with a discussion, and members to follow and write in it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Discussion
from forum.engagement.models import BadgeAward
from forum.extensions import db
from forum.twinnings.models import Twinning


class Scene:
    """Anna opened a discussion in the twinning; Bruno and Carla are other members."""

    def __init__(self, app, make_user):
        self.app = app
        self.anna = make_user("anna", full_name="Anna Rossi", preferred_language="en")
        self.bruno = make_user("bruno", full_name="Bruno Bianchi", preferred_language="it")
        self.carla = make_user("carla", full_name="Carla Verdi")
        with app.test_request_context():
            twinning = Twinning(slug="bg-le", title="Governance BG-LE")
            db.session.add(twinning)
            db.session.flush()
            # Established members: the first-day limits are not what these tests are about,
            # and they earned their first-contribution badge long ago (the notice of a badge
            # earned is test_notifications_events.py's business, with members of its own).
            for member in (self.anna, self.bruno, self.carla):
                db.session.get(User, member.id).joined_at = utcnow() - timedelta(days=60)
                db.session.add(BadgeAward(user_id=member.id, badge="first-contribution",
                                          awarded_at=utcnow() - timedelta(days=59)))
            anna = db.session.get(User, self.anna.id)
            discussion = discussions.start_discussion(anna, twinning, "Come partire",
                                                      "Primo passo")
            db.session.commit()
            self.twinning_id, self.discussion_id = twinning.id, discussion.id

    def user(self, member) -> User:
        return db.session.get(User, member.id)

    def reply(self, member, body: str):
        """A reply through the service, committed; returns the post id."""
        with self.app.test_request_context():
            discussion = db.session.get(Discussion, self.discussion_id)
            post = discussions.reply(self.user(member), discussion, body)
            db.session.commit()
            return post.id

    def follows(self, member) -> set[tuple[str, int, str]]:
        from forum.notifications.models import Follow

        with self.app.app_context():
            return {(f.kind, f.item_id, f.state) for f in db.session.scalars(
                select(Follow).where(Follow.user_id == member.id))}


@pytest.fixture
def scene(app, make_user):
    return Scene(app, make_user)


@pytest.fixture
def mails(app):
    """The outbox rows, oldest first (all columns)."""
    from forum.notifications.models import OutboxMessage

    def read(recipient=None):
        with app.app_context():
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if recipient is not None:
                query = query.where(OutboxMessage.recipient == recipient)
            rows = list(db.session.scalars(query))
            db.session.expunge_all()
            return rows

    return read
