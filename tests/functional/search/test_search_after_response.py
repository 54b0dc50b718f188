"""A request's index work runs after its response is sent (Whoosh), and the member still finds
what they have just written: a search first applies recent pending work."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.search.backend import get_backend
from forum.search.models import SearchPending
from forum.twinnings.models import Twinning
from tests.fixtures.web import csrf_from


@pytest.fixture
def thread(app, make_user, login):
    anna = make_user("anna")
    with app.app_context():
        user = db.session.get(User, anna.id)
        user.joined_at = utcnow() - timedelta(days=30)  # past the first-day limits
        twinning = Twinning(slug="bg-le", title="Governance BG-LE")
        db.session.add(twinning)
        db.session.flush()
        discussion = discussions.start_discussion(user, twinning, "Come partire", "Primo passo")
        db.session.commit()
        discussion_id = discussion.id
    login(anna)
    return discussion_id


def reply(client, discussion_id, text):
    """The reply's response, not closed yet: what the WSGI server holds while sending it."""
    url = f"/discussions/{discussion_id}"
    response = client.post(f"{url}/reply", data={
        "csrf_token": csrf_from(client.get(url)), "body": text})
    assert response.status_code == 302
    return response


def indexed(app) -> set[str]:
    with app.app_context():
        return set(get_backend().indexed_documents())


def post_key(app, text) -> str:
    with app.app_context():
        return f"post:{db.session.scalar(select(Post.id).where(Post.body == text))}"


def pending(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SearchPending))


def test_a_reply_is_indexed_once_its_response_has_been_sent(app, client, thread,
                                                            whoosh_index):
    response = reply(client, thread, "Una risposta sul tema dell'ornitorinco")
    key = post_key(app, "Una risposta sul tema dell'ornitorinco")
    assert key not in indexed(app)  # the member did not wait for the index
    assert pending(app) >= 1        # written with the content, in its transaction
    response.close()                # the server has sent the answer
    assert key in indexed(app)
    assert pending(app) == 0


def test_the_member_finds_their_reply_by_search_straight_after(app, client, thread,
                                                              whoosh_index):
    response = reply(client, thread, "Una risposta sul tema dell'ornitorinco")
    page = client.get("/search?q=ornitorinco")  # before the reply's own index write
    assert "<mark>ornitorinco</mark>" in page.get_data(as_text=True)
    assert pending(app) == 0
    response.close()  # nothing left to do, and nothing fails
    assert post_key(app, "Una risposta sul tema dell'ornitorinco") in indexed(app)


def test_work_without_a_response_is_indexed_at_its_commit(app, thread, whoosh_index):
    # A service called from the CLI or a test request context: no response to wait for.
    with app.test_request_context():
        discussion = db.session.get(Discussion, thread)
        author = db.session.scalar(select(User).where(User.username == "anna"))
        discussions.reply(author, discussion, "Un'altra risposta sull'ornitorinco")
        db.session.commit()
    assert post_key(app, "Un'altra risposta sull'ornitorinco") in indexed(app)


def test_a_search_applies_recent_work_only_not_an_old_backlog(app, client, thread,
                                                              whoosh_index):
    # Work left pending long ago (a document that failed, a worker killed) is for writes and
    # `search sync`: a visitor's search applies the last minute's only.
    old = reply(client, thread, "Una risposta sul tema dell'ornitorinco")
    with app.app_context():
        row = db.session.scalar(select(SearchPending).order_by(SearchPending.id.desc()))
        row.created_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    new = reply(client, thread, "Una seconda risposta sull'ornitorinco")
    client.get("/search?q=ornitorinco")
    assert post_key(app, "Una seconda risposta sull'ornitorinco") in indexed(app)
    assert post_key(app, "Una risposta sul tema dell'ornitorinco") not in indexed(app)
    assert pending(app) == 1
    old.close()  # its own write still happens
    new.close()
    assert post_key(app, "Una risposta sul tema dell'ornitorinco") in indexed(app)
    assert pending(app) == 0
