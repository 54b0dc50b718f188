"""Every event of the issue's list reaches the member it concerns, in their language: a badge
earned, staff acting on one's post from any page (with the reason), one's suspension and until
when, interest in and a match on one's practice, a new discussion or event in a followed
network."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.notifications import events, follows
from forum.notifications.models import Notification
from forum.places.models import Network
from tests.fixtures.web import csrf_from, page, text_of, unread


def notices(app, member, kind=None) -> list[Notification]:
    with app.app_context():
        query = select(Notification).where(Notification.user_id == member.id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = list(db.session.scalars(query.order_by(Notification.id)))
        db.session.expunge_all()
        return rows


def message(app, notification, language="en") -> str:
    with app.test_request_context(), force_locale(language):
        return events.message_of(notification)


def _u(member) -> User:
    return db.session.get(User, member.id)


# --- badges ----------------------------------------------------------------------------------

def test_a_badge_earned_is_a_notification_in_the_members_language(app, client, login, scene,
                                                                  make_user):
    newcomer = make_user("nuova", preferred_language="en")
    scene.reply(newcomer, "La mia prima risposta")  # first points: "first contribution"
    (badge,) = notices(app, newcomer, "badge")
    assert badge.link == "/badges#first-contribution"
    assert message(app, badge) == "You earned the badge “First contribution”"
    assert message(app, badge, "it") == "Hai ottenuto il badge “Primo contributo”"
    login(newcomer)
    assert "You earned the badge “First contribution”" in text_of(client.get("/notifications/"))
    # Kept for the digest by default, like the other news about oneself.
    assert badge.delivery == "daily" and badge.mailed_at is None


def test_a_badge_rolled_back_notifies_nobody(app, scene, make_user):
    newcomer = make_user("nuova")
    with app.test_request_context():
        discussion = db.session.get(Discussion, scene.discussion_id)
        discussions.reply(_u(newcomer), discussion, "Una prima risposta")
        db.session.rollback()
    assert notices(app, newcomer, "badge") == []
    scene.reply(newcomer, "Una prima risposta")
    assert [n.title for n in notices(app, newcomer, "badge")] == ["first-contribution"]


@pytest.mark.parametrize("where", ["no request", "a request for another host"])
def test_a_badge_earned_where_url_for_cannot_build_links_to_the_badges_page(
        app, scene, make_user, monkeypatch, where):
    # The CLI commits outside any request; bench/site_probe.py commits inside a request made
    # for localhost while production trusts only the site's own host (no URL adapter then).
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["gemellaggi.example"])
    newcomer = make_user("nuova")
    context = app.app_context() if where == "no request" else app.test_request_context()
    with context:
        discussion = db.session.get(Discussion, scene.discussion_id)
        discussions.reply(_u(newcomer), discussion, "Una prima risposta")
        db.session.commit()
    (badge,) = notices(app, newcomer, "badge")
    assert badge.link == "/badges#first-contribution"


def test_badge_notices_can_be_turned_off_by_email(app, client, login, scene):
    login(scene.carla)
    settings = page(client.get("/account/notifications"))
    assert settings.find(attrs={"name": "kind_badge"}) is not None


# --- staff acting on one's post, from the discussion page -----------------------------------

def _staff(make_user):
    return make_user("moderatrice", role="staff", preferred_language="en")


def test_staff_editing_deleting_and_restoring_a_post_tell_its_author(
        app, client, login, scene, make_user):
    staff = _staff(make_user)
    post_id = scene.reply(scene.bruno, "Testo originale")
    login(staff)
    edit = client.get(f"/posts/{post_id}/edit")
    response = client.post(f"/posts/{post_id}/edit", data={
        "csrf_token": csrf_from(edit), "body": "Testo corretto dallo staff"})
    assert response.status_code == 302
    thread = client.get(f"/discussions/{scene.discussion_id}")
    token = csrf_from(thread)
    assert client.post(f"/posts/{post_id}/delete", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/posts/{post_id}/restore", data={"csrf_token": token}).status_code == 302

    told = notices(app, scene.bruno, "moderation")
    # Bruno prefers Italian.
    assert [message(app, n, "it").split(" ", 2)[:2] for n in told] == [
        ["Lo", "staff"], ["Lo", "staff"], ["Lo", "staff"]]
    assert [message(app, n) for n in told] == [
        "Staff edited your content “Come partire”: —",
        "Staff deleted your content “Come partire”: —",
        "Staff restored your content “Come partire”: —"]
    assert all(n.link.endswith("#post-2") for n in told)  # Bruno's reply, the second post


def test_an_edit_from_the_moderation_queue_tells_the_author_once_with_the_reason(
        app, scene, make_user):
    from forum.moderation import services as moderation

    staff = _staff(make_user)
    post_id = scene.reply(scene.bruno, "Numero di telefono 333")
    with app.test_request_context():
        moderation.edit_item(_u(staff), "post", db.session.get(Post, post_id),
                             "Numero tolto", "Dati personali")
        db.session.commit()
    (notice,) = notices(app, scene.bruno, "moderation")
    assert message(app, notice) == "Staff edited your content “Come partire”: Dati personali"


def test_a_deleted_post_restored_from_the_queue_is_one_notice(app, scene, make_user):
    from forum.moderation import services as moderation

    staff = _staff(make_user)
    post_id = scene.reply(scene.bruno, "Una risposta")
    with app.test_request_context():
        post = db.session.get(Post, post_id)
        discussions.delete_post(_u(staff), post, reason="Fuori tema")
        moderation.restore(_u(staff), "post", post, "Era in tema")
        db.session.commit()
    assert [message(app, n) for n in notices(app, scene.bruno, "moderation")] == [
        "Staff deleted your content “Come partire”: Fuori tema",
        "Staff restored your content “Come partire”: Era in tema"]


def test_authors_deleting_their_own_post_get_no_notice(app, scene):
    post_id = scene.reply(scene.bruno, "Ci ho ripensato")
    with app.test_request_context():
        discussions.delete_post(_u(scene.bruno), db.session.get(Post, post_id))
        db.session.commit()
    assert notices(app, scene.bruno, "moderation") == []


# --- suspension ------------------------------------------------------------------------------

def test_a_suspension_says_until_when_and_why(app, scene, make_user):
    from forum.moderation import services as moderation

    staff = _staff(make_user)
    with app.test_request_context():
        until = moderation.suspend(_u(staff), _u(scene.bruno), 3, "Messaggi ripetuti")
        db.session.commit()
    (notice,) = notices(app, scene.bruno, "suspension")
    text = message(app, notice)
    assert text.startswith("Your account is suspended until ")
    assert str(until.year) in text and text.endswith(": Messaggi ripetuti")
    assert "sospeso" in message(app, notice, "it")


# --- practices -------------------------------------------------------------------------------

def _practice(app, author, kind="seek", title="Cerchiamo un modello di governance"):
    from forum.practices import services as practices

    with app.test_request_context():
        practice = practices.create_practice(_u(author), {
            "kind": kind, "title": title, "summary": "Sintesi.", "body": "Testo.",
            "language": "it", "themes": ["governance"]})
        db.session.commit()
        return practice.id


def test_interest_and_a_match_reach_the_members_they_concern(app, scene):
    from forum.practices import services as practices
    from forum.practices.models import Practice

    seek_id = _practice(app, scene.anna)
    offer_id = _practice(app, scene.carla, "offer", "Offriamo il nostro modello")
    with app.test_request_context():
        practices.express_interest(_u(scene.bruno), db.session.get(Practice, seek_id),
                                   "Possiamo aiutarvi")
        db.session.commit()
    (interest,) = notices(app, scene.anna, "practice_interest")
    assert message(app, interest) == ("Bruno Bianchi is interested in your practice "
                                      "“Cerchiamo un modello di governance”")

    with app.test_request_context():
        practices.mark_matched(_u(scene.anna), db.session.get(Practice, seek_id), offer_id,
                               scene.bruno.id)
        db.session.commit()
    for member in (scene.carla, scene.bruno):
        (match,) = notices(app, member, "practice_match")
        assert "Cerchiamo un modello di governance" in message(app, match)
    assert notices(app, scene.anna, "practice_match") == []  # her own action


# --- a followed network ----------------------------------------------------------------------

def test_a_followed_network_tells_of_its_new_discussions_and_events(app, scene):
    from forum.twinnings import services as twinnings

    with app.test_request_context():
        network = Network(slug="digiplace", name="DigiPlace")
        db.session.add(network)
        db.session.flush()
        follows.follow(_u(scene.carla), network)
        db.session.commit()
        network_id = network.id
    before = unread(app, scene.carla)
    with app.test_request_context():
        network = db.session.get(Network, network_id)
        discussions.start_discussion(_u(scene.bruno), network, "Incontro annuale", "Ci siamo?")
        starts = (utcnow() + timedelta(days=5)).replace(tzinfo=None, microsecond=0)
        twinnings.create_event(_u(scene.bruno), network, {
            "title": "Assemblea della rete", "place": "Lecce", "starts_at": starts,
            "ends_at": starts + timedelta(hours=2)})
        db.session.commit()
    (started,) = notices(app, scene.carla, "new_discussion")
    (event,) = notices(app, scene.carla, "new_event")
    assert message(app, started) == "Bruno Bianchi started the discussion “Incontro annuale”"
    assert message(app, event) == "New event: “Assemblea della rete”"
    assert event.link == "/networks/digiplace"
    assert unread(app, scene.carla) == before + 2
