"""The issue's journey: follow, be mentioned, read on the site, get one e-mail, switch to a
digest, unsubscribe signed out, and see a hidden reply vanish."""
import json
import re

from forum.extensions import db
from tests.fixtures.web import csrf_from, page, submit, text_of, unread


def _header_count(response) -> str | None:
    badge = page(response).select_one(".notification-count")
    return badge.get_text(strip=True) if badge else None


def _unsubscribe_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+)", message.body).group(1)


def test_mention_is_shown_counted_opened_and_mailed_once(app, client, login, scene, mails):
    login(scene.carla)
    url = f"/discussions/{scene.discussion_id}"
    submit(client, f"/follow/discussion/{scene.discussion_id}", {"next": url}, form_url=url)
    post_id = scene.reply(scene.bruno, "Ciao @carla, guarda qui")

    assert _header_count(client.get("/")) == "1"
    listing = client.get("/notifications/")
    assert "Bruno Bianchi mentioned you in “Come partire”" in text_of(listing)
    button = page(listing).select_one("form[action$='/open']")
    response = client.post(button["action"], data={"csrf_token": csrf_from(listing)})
    assert response.status_code == 302 and "#post-2" in response.headers["Location"]
    assert unread(app, scene.carla) == 0 and _header_count(client.get("/")) is None

    sent = mails(scene.carla.email)
    assert len(sent) == 1
    # Carla chose no language: Italian, the site's first.
    assert sent[0].subject == "Bruno Bianchi ti ha menzionato in “Come partire”"
    assert sent[0].html_body and "Come partire" in sent[0].html_body
    headers = json.loads(sent[0].headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in headers["List-Unsubscribe"]
    assert post_id


def test_mail_is_in_the_recipients_language(app, scene, mails):
    scene.reply(scene.bruno, "Ciao @anna")
    (message,) = mails(scene.anna.email)
    assert message.subject == "Bruno Bianchi mentioned you in “Come partire”"
    assert "Stop e-mails of this kind" in message.body


def test_daily_digest_gathers_replies_once(app, client, login, scene, mails):
    login(scene.carla)
    url = f"/discussions/{scene.discussion_id}"
    submit(client, f"/follow/discussion/{scene.discussion_id}", {"next": url}, form_url=url)
    submit(client, "/account/notifications", {"kind_reply": "daily", "kind_mention": "instant",
                                              "kind_reply_own": "instant"})
    scene.reply(scene.bruno, "Prima risposta")
    scene.reply(scene.bruno, "Seconda risposta")
    assert mails(scene.carla.email) == []
    runner = app.test_cli_runner()
    assert "1 e-mail(s) queued" in runner.invoke(args=["notifications", "digest",
                                                       "--daily"]).output
    assert "0 e-mail(s) queued" in runner.invoke(args=["notifications", "digest",
                                                       "--daily"]).output
    (digest,) = mails(scene.carla.email)
    assert digest.body.count("Bruno Bianchi ha risposto in “Come partire”") == 2
    assert "List-Unsubscribe" in digest.headers


def test_unsubscribe_signed_out_and_one_click(app, client, scene, mails):
    scene.reply(scene.bruno, "Ciao @anna")
    (message,) = mails(scene.anna.email)
    path = _unsubscribe_path(message)
    shown = client.get(path)
    assert shown.status_code == 200 and "Stop e-mails about" in text_of(shown)
    # A mail client's RFC 8058 one-click POST: no session, no CSRF token.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no longer e-mail you" in text_of(done)
    from forum.accounts.models import User
    from forum.notifications import mail

    with app.app_context():
        choices = mail.preferences_of(db.session.get(User, scene.anna.id))
    assert choices["mention"] == "never"
    assert choices["reply_own"] == "instant" and choices["reply"] == "daily"
    assert client.get(path[:-3] + "xyz").status_code == 410


def test_hidden_reply_vanishes_and_its_author_is_told(app, client, login, make_user, scene,
                                                     mails):
    from forum.accounts.models import User
    from forum.discussions.models import Post
    from forum.moderation import services as moderation

    post_id = scene.reply(scene.bruno, "Ciao @carla")
    assert unread(app, scene.carla) == 1
    staff = make_user("staffer", role="staff")
    with app.test_request_context():
        moderation.hide(db.session.get(User, staff.id), "post", db.session.get(Post, post_id),
                        "Off topic")
        db.session.commit()
    assert unread(app, scene.carla) == 0
    login(scene.carla)
    assert "mentioned you" not in text_of(client.get("/notifications/"))
    notice = mails(scene.bruno.email)[-1]
    assert "è stato nascosto" in notice.subject and "Off topic" in notice.body
    assert unread(app, scene.bruno) == 1


def test_nobody_hears_of_their_own_action_or_of_held_posts(app, scene, make_user):
    scene.reply(scene.anna, "Rispondo a me stessa @anna")
    assert unread(app, scene.anna) == 0
    app.config["FORUM_HOLD_FIRST_POST"] = True
    try:
        newcomer = make_user("newcomer")
        scene.reply(newcomer, "Ciao @carla")
    finally:
        app.config["FORUM_HOLD_FIRST_POST"] = False
    assert unread(app, scene.carla) == 0


def test_suspended_members_get_nothing(app, scene):
    from datetime import timedelta

    from forum.accounts.models import User
    from forum.core.db import utcnow

    with app.app_context():
        db.session.get(User, scene.carla.id).suspended_until = utcnow() + timedelta(days=3)
        db.session.commit()
    scene.reply(scene.bruno, "Ciao @carla")
    assert unread(app, scene.carla) == 0


def test_muted_discussion_tells_nothing_even_on_mention(app, client, login, scene):
    login(scene.carla)
    url = f"/discussions/{scene.discussion_id}"
    submit(client, f"/mute/discussion/{scene.discussion_id}", {"next": url}, form_url=url)
    scene.reply(scene.bruno, "Ciao @carla")
    assert unread(app, scene.carla) == 0
