"""What staff see: the queue in their menu with its count, plain verbs, a log that names
items and places, the item's actions side by side, and a notice on each new report."""
import pytest
from sqlalchemy import select

from forum.core.caching import FileVersion, cache
from forum.extensions import db
from forum.moderation import services
from forum.notifications.models import Notification
from tests.fixtures.discussions import (
    make_twinning,
    reply,
    staff_action,
    start_discussion,
)
from tests.fixtures.web import page, submit, text_of


@pytest.fixture(autouse=True)
def own_content_version(app, monkeypatch, tmp_path):
    # A version of these tests' own: other test processes commit (and move theirs) meanwhile.
    monkeypatch.setitem(app.extensions, "forum_content_version",
                        FileVersion(tmp_path / "content-version"))


@pytest.fixture
def reported(app, client, login, make_user):
    anna = make_user("anna")
    bob = make_user("bob")
    sara = make_user("sara", role="staff")
    twinning_id = make_twinning(app, title="Governance BG-LE")
    discussion_id = start_discussion(app, anna, twinning_id, title="Come partire")
    post_id = reply(app, anna, discussion_id, "Testo da segnalare")
    login(bob)
    submit(client, f"/report/post/{post_id}", {"reason": "spam"})
    client.post("/auth/logout", data={"csrf_token": "x"})
    client.delete_cookie("session")
    return anna, bob, sara, discussion_id, post_id


def test_staff_menu_counts_open_reports_in_one_cached_query(app, client, login, reported,
                                                            count_queries):
    _anna, bob, sara, _discussion_id, _post_id = reported
    login(sara)
    soup = page(client.get("/?lang=it"))
    link = soup.select_one("a.moderation-link")
    assert link is not None and link["href"] == "/mod/"
    assert "Moderazione" in link.get_text()
    assert link.select_one(".moderation-count").get_text() == "1"
    with app.test_request_context():
        with count_queries() as warm_from_the_page:
            assert services.open_report_count() == 1
        cache.clear()
        with count_queries() as cold:
            assert services.open_report_count() == 1
        with count_queries() as warm:
            assert services.open_report_count() == 1
    assert warm_from_the_page == [] and len(cold) == 1 and warm == []
    # Members see no such link.
    client.post("/auth/logout", data={"csrf_token": "x"})
    client.delete_cookie("session")
    login(bob)
    assert page(client.get("/")).select_one("a.moderation-link") is None


def test_count_follows_the_queue_after_a_dismissal(app, client, login, reported):
    _anna, _bob, sara, _discussion_id, post_id = reported
    login(sara)
    item = f"/mod/post/{post_id}"
    staff_action(client, f"{item}/dismiss", item, "dismiss")
    soup = page(client.get("/?lang=it"))
    link = soup.select_one("a.moderation-link")
    assert link is not None and link.select_one(".moderation-count") is None


def test_clear_verbs_and_actions_side_by_side(app, client, login, reported):
    _anna, _bob, sara, discussion_id, post_id = reported
    login(sara)
    queue = text_of(client.get("/mod/?lang=it"))
    assert "Esamina" in queue and "Verifica" not in queue
    assert "Dove: Governance BG-LE" in queue
    soup = page(client.get(f"/mod/discussion/{discussion_id}"))
    assert "Chiudi la discussione" in soup.get_text() and "Blocca" not in soup.get_text()
    cards = soup.select(".moderation-actions > .col")
    assert len(cards) >= 4
    staff_action(client, f"/mod/discussions/{discussion_id}/lock",
                 f"/mod/discussion/{discussion_id}", "lock", state="on")
    assert "Riapri" in text_of(client.get(f"/mod/discussion/{discussion_id}"))


def test_log_names_the_item_and_its_place_with_links(app, client, login, reported):
    _anna, _bob, sara, _discussion_id, post_id = reported
    login(sara)
    item = f"/mod/post/{post_id}"
    staff_action(client, f"{item}/hide", item, "hide", reason="Pubblicità")
    soup = page(client.get("/mod/log?lang=it"))
    row = soup.select_one("table.moderation-log tbody tr")
    links = {a.get_text(strip=True): a["href"] for a in row.select("a")}
    assert links["Come partire"].startswith("/discussions/")
    assert links["Governance BG-LE"] == "/twinnings/bg-le"
    assert "#" + str(post_id) not in row.get_text()
    assert soup.select_one("#log-actor")["type"] == "text"


def test_staff_are_notified_of_a_new_report(app, reported):
    _anna, _bob, sara, _discussion_id, _post_id = reported
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind).where(
            Notification.user_id == sara.id)).all()
    assert "report" in kinds
