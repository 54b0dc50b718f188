"""Content and staff helpers for the moderation tests."""
from sqlalchemy import select

from forum.accounts.models import User
from forum.discussions import services as discussions
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.helpers import csrf_from


def make_twinning(app, slug="bg-le", title="Governance BG-LE"):
    with app.app_context():
        twinning = Twinning(slug=slug, title=title)
        db.session.add(twinning)
        db.session.commit()
        return twinning.id


def start_discussion(app, author, twinning_id, title="Come partire", body="Primo passo"):
    with app.app_context():
        user = db.session.get(User, author.id)
        discussion = discussions.start_discussion(user, db.session.get(Twinning, twinning_id),
                                                  title, body)
        db.session.commit()
        return discussion.id


def reply(app, author, discussion_id, body):
    with app.app_context():
        user = db.session.get(User, author.id)
        post = discussions.reply(user, db.session.get(Discussion, discussion_id), body)
        db.session.commit()
        return post.id


def post_state(app, post_id):
    with app.app_context():
        post = db.session.get(Post, post_id)
        return post.visibility, post.visibility_reason


def staff_action(client, url, form_page, prefix, **fields):
    """POST one of the item page's forms (their fields carry the action's name as prefix)."""
    token = csrf_from(client.get(form_page))
    data = {f"{prefix}-csrf_token": token}
    data.update({f"{prefix}-{key}": value for key, value in fields.items()})
    return client.post(url, data=data, follow_redirects=True)


def log_actions(app):
    from forum.moderation.models import ModerationAction

    with app.app_context():
        return [(a.action, a.kind, a.item_id) for a in db.session.scalars(
            select(ModerationAction).order_by(ModerationAction.id))]
