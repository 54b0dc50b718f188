"""Query budgets: the header's count costs nothing; the page does not grow with its rows."""
from forum.accounts.models import User
from forum.discussions import services as discussions
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.fixtures.web import page, text_of


def _mention_in_new_discussions(app, scene, n):
    with app.test_request_context():
        bruno = db.session.get(User, scene.bruno.id)
        twinning = db.session.get(Twinning, scene.twinning_id)
        for i in range(n):
            discussions.start_discussion(bruno, twinning, f"Tema {i}", "Ciao @carla")
        db.session.commit()


def test_header_count_costs_no_query(app, client, login, scene, count_queries):
    login(scene.carla)
    client.get("/")
    with count_queries() as before:
        client.get("/")
    _mention_in_new_discussions(app, scene, 3)
    with count_queries() as after:
        response = client.get("/")
    assert page(response).select_one(".notification-count").get_text(strip=True) == "3"
    assert len(after) == len(before)


def test_notifications_page_does_not_grow(app, client, login, scene,
                                          count_queries):
    login(scene.carla)
    _mention_in_new_discussions(app, scene, 2)
    with count_queries() as few:
        client.get("/notifications/")
    _mention_in_new_discussions(app, scene, 8)
    with count_queries() as many:
        response = client.get("/notifications/")
    assert text_of(response).count("mentioned you") == 10 or \
        text_of(response).count("ti ha menzionato") == 10
    assert len(many) == len(few)


def test_replies_in_one_discussion_are_one_group(app, client, login, scene):
    login(scene.carla)
    url = f"/discussions/{scene.discussion_id}"
    from tests.fixtures.web import submit

    submit(client, f"/follow/discussion/{scene.discussion_id}", {"next": url}, form_url=url)
    for i in range(3):
        scene.reply(scene.bruno if i % 2 == 0 else scene.anna, f"Risposta {i}")
    text = text_of(client.get("/notifications/"))
    assert "3 new replies in “Come partire”" in text or "3 nuove risposte" in text
    listing = client.get("/notifications/")
    action = page(listing).select_one("form[action$='/open']")["action"]
    from tests.fixtures.web import csrf_from

    response = client.post(action, data={"csrf_token": csrf_from(listing)})
    # The first unread reply: post 2.
    assert "#post-2" in response.headers["Location"]


def test_past_the_last_page_is_404(client, login, scene):
    login(scene.carla)
    assert client.get("/notifications/?page=2").status_code == 404
