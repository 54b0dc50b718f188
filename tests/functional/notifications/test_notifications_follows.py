"""Following and muting, by hand and automatically, and the "Following" page."""
from forum.extensions import db
from tests.fixtures.web import page, submit, text_of


def test_posting_and_being_mentioned_follow_the_discussion(scene):
    assert ("discussion", scene.discussion_id, "follow") in scene.follows(scene.anna)
    scene.reply(scene.bruno, "Ciao @carla, che ne pensi?")
    assert ("discussion", scene.discussion_id, "follow") in scene.follows(scene.bruno)
    assert ("discussion", scene.discussion_id, "follow") in scene.follows(scene.carla)


def test_a_mention_inside_code_follows_nobody(scene):
    scene.reply(scene.bruno, "Scrivi `@carla` così")
    assert scene.follows(scene.carla) == set()


def test_follow_button_then_following_page_then_stop(client, login, scene):
    login(scene.carla)
    url = f"/discussions/{scene.discussion_id}"
    assert "Follow" in [b.get_text(strip=True) for b in page(client.get(url)).find_all("button")]
    response = submit(client, f"/follow/discussion/{scene.discussion_id}",
                      {"next": url}, form_url=url)
    assert "You follow this now" in text_of(response)
    following = client.get("/account/following")
    assert "Come partire" in text_of(following)
    response = submit(client, f"/unfollow/discussion/{scene.discussion_id}",
                      {"next": "/account/following"}, form_url="/account/following")
    assert "no longer follow" in text_of(response)
    assert "Come partire" not in text_of(client.get("/account/following"))
    assert scene.follows(scene.carla) == set()


def test_mute_is_kept_when_mentioned(client, login, scene):
    login(scene.carla)
    url = f"/discussions/{scene.discussion_id}"
    submit(client, f"/mute/discussion/{scene.discussion_id}", {"next": url}, form_url=url)
    scene.reply(scene.bruno, "Ciao @carla")
    assert scene.follows(scene.carla) == {("discussion", scene.discussion_id, "mute")}
    assert "Muted" in text_of(client.get("/account/following"))


def test_joining_a_twinning_follows_it_and_leaving_stops(client, login, scene):
    login(scene.carla)
    submit(client, "/twinnings/bg-le/join", {}, form_url="/twinnings/bg-le")
    assert ("twinning", scene.twinning_id, "follow") in scene.follows(scene.carla)
    submit(client, "/twinnings/bg-le/leave", {}, form_url="/twinnings/bg-le")
    assert scene.follows(scene.carla) == set()


def test_practice_author_and_interested_member_follow_it(app, scene):
    from forum.practices import services as practices

    with app.test_request_context():
        anna = scene.user(scene.anna)
        practice = practices.create_practice(anna, {"title": "Open data", "kind": "offer",
                                                    "language": "it", "body": "Dati"})
        practices.express_interest(scene.user(scene.carla), practice, "Ciao")
        db.session.commit()
        practice_id = practice.id
    assert ("practice", practice_id, "follow") in scene.follows(scene.anna)
    assert ("practice", practice_id, "follow") in scene.follows(scene.carla)


def test_hidden_items_cannot_be_followed(client, login, scene, app):
    from forum.discussions.models import Discussion

    with app.app_context():
        db.session.get(Discussion, scene.discussion_id).visibility = "hidden"
        db.session.commit()
    login(scene.carla)
    token_page = client.get("/account/following")
    from tests.fixtures.web import csrf_from

    response = client.post(f"/follow/discussion/{scene.discussion_id}",
                           data={"csrf_token": csrf_from(token_page)})
    assert response.status_code == 404
    response = client.post("/follow/city/1", data={"csrf_token": csrf_from(token_page)})
    assert response.status_code == 404
