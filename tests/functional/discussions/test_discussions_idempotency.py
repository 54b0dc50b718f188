"""A form sent again (the answer was lost, the member pressed the button twice) posts once:
each post form carries an idempotency key in a hidden field."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.core.db import utcnow
from forum.discussions import services
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.fixtures.web import page


@pytest.fixture
def member(app, make_user, login):
    anna = make_user("anna")
    with app.app_context():
        # Past the first-day limits, which would refuse the later posts of this test.
        db.session.get(services.User, anna.id).joined_at = utcnow() - timedelta(days=30)
        db.session.commit()
    login(anna)
    return anna


@pytest.fixture
def discussion_id(app, member):
    with app.app_context():
        twinning = Twinning(slug="bg-le", title="Governance BG-LE")
        db.session.add(twinning)
        db.session.flush()
        user = db.session.get(services.User, member.id)
        discussion = services.start_discussion(user, twinning, "Come partire", "Primo passo")
        db.session.commit()
        return discussion.id


def _form(client, url):
    """The hidden fields of the page's post form (CSRF token, idempotency key)."""
    form = page(client.get(url)).find("input", attrs={"name": "submission"}).find_parent("form")
    fields = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    assert fields.get("submission"), "the form carries no idempotency key"
    return fields


def _count(app, model, **where):
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        return db.session.scalar(query)


def test_a_reply_sent_twice_is_posted_once(app, client, member, discussion_id):
    url = f"/discussions/{discussion_id}"
    fields = _form(client, url)
    data = {"csrf_token": fields["csrf_token"], "submission": fields["submission"],
            "body": "Una risposta sola"}

    first = client.post(f"{url}/reply", data=data)
    again = client.post(f"{url}/reply", data=data)

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(app, Post, discussion_id=discussion_id, body="Una risposta sola") == 1
    # The page after the reply carries a new key: the next reply is a new post.
    fields = _form(client, url)
    assert fields["submission"] != data["submission"]
    client.post(f"{url}/reply", data={**data, "submission": fields["submission"]})
    assert _count(app, Post, discussion_id=discussion_id, body="Una risposta sola") == 2


def test_a_preview_keeps_the_key_so_the_send_after_it_posts_once(app, client, member,
                                                                 discussion_id):
    url = f"/discussions/{discussion_id}"
    fields = _form(client, url)
    data = {"csrf_token": fields["csrf_token"], "submission": fields["submission"],
            "body": "Vista prima"}
    preview = client.post(f"{url}/reply", data={**data, "preview": "1"})
    kept = page(preview).find("input", attrs={"name": "submission"})["value"]
    assert kept == data["submission"]
    for _ in range(2):
        client.post(f"{url}/reply", data=data)
    assert _count(app, Post, discussion_id=discussion_id, body="Vista prima") == 1


def test_a_new_discussion_sent_twice_starts_one(app, client, member, discussion_id):
    url = "/discussions/new?space=twinning:bg-le"
    fields = _form(client, url)
    data = {"csrf_token": fields["csrf_token"], "submission": fields["submission"],
            "title": "Una volta sola", "body": "Apertura"}
    first = client.post(url, data=data)
    again = client.post(url, data=data)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert _count(app, Discussion, title="Una volta sola") == 1


def test_another_members_key_is_not_theirs(app, client, member, discussion_id, make_user):
    # Keys are per author: the same value from someone else is a different form.
    with app.app_context():
        bruno = db.session.get(services.User, make_user("bruno").id)
        discussion = db.session.get(Discussion, discussion_id)
        services.reply(bruno, discussion, "Di Bruno", submission_key="k" * 22)
        db.session.commit()
    fields = _form(client, f"/discussions/{discussion_id}")
    client.post(f"/discussions/{discussion_id}/reply",
                data={"csrf_token": fields["csrf_token"], "submission": "k" * 22,
                      "body": "Di Anna"})
    assert _count(app, Post, discussion_id=discussion_id, body="Di Anna") == 1
