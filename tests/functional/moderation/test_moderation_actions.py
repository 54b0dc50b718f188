"""Staff actions on discussions, the other kinds of content, the hold for new members, the log."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.calls.models import Call
from forum.core.db import utcnow
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.places.models import Network
from forum.practices.models import Practice
from tests.fixtures.discussions import (
    log_actions,
    make_twinning,
    reply,
    staff_action,
    start_discussion,
)
from tests.fixtures.web import page, submit, text_of

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def thread(app, make_user):
    twinning_id = make_twinning(app)
    with app.app_context():
        network = Network(slug="digiplace", name="DigiPlace")
        db.session.add(network)
        db.session.commit()
    return start_discussion(app, make_user("anna"), twinning_id)


def discussion_row(app, discussion_id):
    with app.app_context():
        d = db.session.get(Discussion, discussion_id)
        return d.locked, d.pinned, d.network_id is not None


def test_lock_pin_move_and_edit_with_reasons_are_logged(app, client, login, make_user, thread):
    login(make_user("sara", role="staff"))
    item = f"/mod/discussion/{thread}"
    staff_action(client, f"/mod/discussions/{thread}/lock", item, "lock", state="on",
                 reason="Heated")
    staff_action(client, f"/mod/discussions/{thread}/pin", item, "pin", state="on")
    response = staff_action(client, f"/mod/discussions/{thread}/move", item, "move",
                            space="network:digiplace", reason="Belongs to the network")
    assert "The discussion has been moved." in text_of(response)
    assert discussion_row(app, thread) == (True, True, True)
    response = submit(client, f"{item}/edit", {"title": "Come partire", "body": "Tidied text",
                                               "reason": "Removed an address"})
    assert "The changes have been saved." in text_of(response)
    staff_action(client, f"/mod/discussions/{thread}/lock", item, "lock", state="off")
    assert discussion_row(app, thread)[0] is False
    actions = [a[0] for a in log_actions(app)]
    assert actions == ["lock", "pin", "move", "edit", "unlock"]
    log = text_of(client.get("/mod/log?action=move"))
    assert "Belongs to the network" in log and "from=twinning:bg-le to=network:digiplace" in log
    assert "Heated" not in log


def test_edit_needs_a_reason_and_keeps_the_text(client, login, make_user, thread):
    login(make_user("sara", role="staff"))
    response = submit(client, f"/mod/discussion/{thread}/edit",
                      {"title": "Come partire", "body": "My careful new text", "reason": ""})
    assert "This field is required." in text_of(response)
    assert "My careful new text" in response.get_data(as_text=True)


def test_move_to_an_unknown_space_is_refused(client, login, make_user, thread):
    login(make_user("sara", role="staff"))
    item = f"/mod/discussion/{thread}"
    response = staff_action(client, f"/mod/discussions/{thread}/move", item, "move",
                            space="network:nowhere")
    assert response.status_code == 400


def test_log_filters_and_bad_parameters(app, client, login, make_user, thread):
    sara = make_user("sara", role="staff")
    login(sara)
    item = f"/mod/discussion/{thread}"
    staff_action(client, f"/mod/discussions/{thread}/pin", item, "pin", state="on")
    assert "Pinned" in text_of(client.get("/mod/log?actor=sara"))
    assert "No actions match." in text_of(client.get("/mod/log?actor=nobody"))
    assert "No actions match." in text_of(client.get("/mod/log?action=hide"))
    today = utcnow().date()
    assert "Pinned" in text_of(client.get(f"/mod/log?from={today}&to={today}"))
    tomorrow = today + timedelta(days=1)
    assert "No actions match." in text_of(client.get(f"/mod/log?from={tomorrow}"))
    for bad in ("action=explode", "from=yesterday", "to=2026-13-40", "page=0", "page=x"):
        assert client.get(f"/mod/log?{bad}").status_code == 400, bad
    assert client.get("/mod/?page=-1").status_code == 400


def test_practices_calls_discussions_and_profiles_are_reportable(app, client, login, make_user,
                                                                 thread):
    author = make_user("anna2", full_name="Anna Verdi")
    with app.app_context():
        practice = Practice(kind="offer", title="Open data portal", body="x",
                            body_html="<p>Our portal</p>", author_id=author.id)
        call = Call(title="Smart city fund", issuer="Region", level="regional",
                    deadline=utcnow() + timedelta(days=30), author_id=author.id,
                    body_html="<p>Fund text</p>")
        db.session.add_all([practice, call])
        db.session.commit()
        ids = {"practice": practice.id, "call": call.id, "discussion": thread,
               "user": author.id}
    login(make_user("bob"))
    for kind, item_id in ids.items():
        response = submit(client, f"/report/{kind}/{item_id}", {"reason": "off-topic"})
        assert "Thank you" in text_of(response), kind
    with client.session_transaction() as session:
        session.clear()
    login(make_user("sara", role="staff"))
    queue = text_of(client.get("/mod/"))
    for title in ("Open data portal", "Smart city fund", "Come partire", "Anna Verdi"):
        assert title in queue
    assert queue.count("Off topic × 1") == 4


def test_profile_page_has_a_report_link_for_other_members(client, login, make_user):
    anna = make_user("anna")
    login(make_user("bob"))
    links = [a["href"] for a in page(client.get("/members/anna")).select("a")]
    assert f"/report/user/{anna.id}" in links


def test_new_members_are_held_for_approval_when_the_setting_is_on(app, client, login,
                                                                  make_user, thread,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_HOLD_FIRST_POST", True)
    newcomer = make_user("nico")
    login(newcomer)
    response = submit(client, f"/discussions/{thread}/reply", {"body": "Hello, first post"},
                      form_url=f"/discussions/{thread}")
    assert "your reply will appear once staff have approved it" in text_of(response)
    with app.app_context():
        post = db.session.scalar(select(Post).where(Post.author_id == newcomer.id))
        post_id, state = post.id, post.visibility
    assert state == "pending"
    with client.session_transaction() as session:
        session.clear()
    assert "Hello, first post" not in text_of(client.get(f"/discussions/{thread}"))
    login(make_user("sara", role="staff"))
    assert "Hello, first post" in text_of(client.get("/mod/"))
    staff_action(client, f"/mod/post/{post_id}/restore", f"/mod/post/{post_id}", "restore")
    with client.session_transaction() as session:
        session.clear()
    assert "Hello, first post" in text_of(client.get(f"/discussions/{thread}"))
    # Approved once, the member posts freely.
    second = reply(app, newcomer, thread, "Second post")
    with app.app_context():
        assert db.session.get(Post, second).visibility == "published"
    assert ("hold", "post", post_id) in log_actions(app)


def test_new_members_have_tighter_limits(app, client, login, make_user, thread, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    login(make_user("nico"))
    url = f"/discussions/{thread}/reply"
    links = "See https://a.example, https://b.example and www.c.example"
    response = submit(client, url, {"body": links}, form_url=f"/discussions/{thread}")
    assert "New members can include at most 2 links in a post." in text_of(response)
    monkeypatch.setitem(app.config, "FORUM_NEW_MEMBER_POSTS_PER_HOUR", 3)
    for n in range(3):
        submit(client, url, {"body": f"Post {n}"}, form_url=f"/discussions/{thread}")
    response = submit(client, url, {"body": "One too many"}, form_url=f"/discussions/{thread}")
    assert "New members can write 3 posts an hour." in text_of(response)
    assert "You can try again in" in text_of(response)
    assert "One too many" in response.get_data(as_text=True)
