"""A member reports a post; staff find it in the queue, hide it, restore it; all in the log."""
import pytest

from tests.fixtures import search as search_fixtures
from tests.fixtures.discussions import (
    log_actions,
    make_twinning,
    post_state,
    reply,
    staff_action,
    start_discussion,
)
from tests.fixtures.web import page, submit, text_of

search_index = search_fixtures.default_search_index


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def reported(app, make_user, search_index):
    anna = make_user("anna", full_name="Anna Rossi", preferred_language="en")
    bob = make_user("bob")
    staff = make_user("sara", role="staff")
    twinning_id = make_twinning(app)
    discussion_id = start_discussion(app, anna, twinning_id)
    post_id = reply(app, anna, discussion_id, "My colleague's phone is 333 1234567 ornitorinco")
    return anna, bob, staff, discussion_id, post_id


def found(client, word):
    return word in " ".join(a.get_text() for a in page(client.get(f"/search?q={word}"))
                            .select(".search-results h3 a, .search-results p"))


def test_report_hide_restore_with_mail_search_and_log(app, client, login, outbox, reported,
                                                      search_index):
    anna, bob, staff, discussion_id, post_id = reported
    thread = f"/discussions/{discussion_id}"
    assert search_fixtures.find(app, "ornitorinco") == [("post", post_id)]

    login(bob)
    report_page = client.get(f"/report/post/{post_id}")
    assert report_page.status_code == 200
    assert "Personal data posted by mistake" in text_of(report_page)
    response = submit(client, f"/report/post/{post_id}",
                      {"reason": "personal-data", "note": "A phone number"})
    assert "Thank you: staff will look at your report." in text_of(response)
    client.post("/auth/logout", data={"csrf_token": "x"})
    client.delete_cookie("session")

    login(staff)
    queue = client.get("/mod/")
    assert queue.status_code == 200
    text = text_of(queue)
    assert "Personal data posted by mistake × 1" in text
    assert "A phone number" in text and "333 1234567" in text
    assert "Anna Rossi" in text and "2 posts" in text

    item = f"/mod/post/{post_id}"
    response = staff_action(client, f"{item}/hide", item, "hide",
                            reason="A phone number of a third person")
    assert "The content is hidden" in text_of(response)
    assert post_state(app, post_id) == ("hidden", "A phone number of a third person")
    mails = [m for m in outbox() if m[0] == anna.email]
    assert mails and "has been hidden" in mails[-1][1]
    assert "A phone number of a third person" in mails[-1][2]
    assert "No open reports." in text_of(client.get("/mod/"))

    # Staff still see it, marked; visitors and search do not.
    assert "Not public" in text_of(client.get(thread)) or "Hidden" in text_of(client.get(thread))
    with client.session_transaction() as session:
        session.clear()
    visitor = text_of(client.get(thread))
    assert "333 1234567" not in visitor and "This post is not visible." in visitor
    assert search_fixtures.find(app, "ornitorinco") == []

    # The author sees it, and why.
    login(anna)
    own = text_of(client.get(thread))
    assert "333 1234567" in own and "A phone number of a third person" in own
    with client.session_transaction() as session:
        session.clear()

    login(staff)
    response = staff_action(client, f"{item}/restore", item, "restore", reason="Number removed")
    assert "The content is public again." in text_of(response)
    assert post_state(app, post_id) == ("published", None)
    assert search_fixtures.find(app, "ornitorinco") == [("post", post_id)]

    assert [a for a in log_actions(app) if a[1] == "post"] == [
        ("hide", "post", post_id), ("restore", "post", post_id)]
    log = text_of(client.get("/mod/log"))
    assert "Hidden" in log and "Restored" in log and "sara" in log
    assert "A phone number of a third person" in log and "Number removed" in log
