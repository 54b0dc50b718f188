"""The home page lists the latest discussions anyone may see."""
from sqlalchemy import select

from forum.accounts.models import User
from forum.discussions import services
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.fixtures.web import page


def test_home_lists_latest_visible_discussions(app, client, make_user):
    anna = make_user("anna")
    with app.app_context():
        twinning = Twinning(slug="bg-le", title="Governance BG-LE")
        db.session.add(twinning)
        user = db.session.scalar(select(User).where(User.id == anna.id))
        older = services.start_discussion(user, twinning, "Prima discussione", "x")
        services.start_discussion(user, twinning, "Seconda discussione", "x")
        services.reply(user, older, "risposta")
        hidden = services.start_discussion(user, twinning, "Nascosta", "x")
        hidden.visibility = "hidden"
        db.session.commit()
    section = page(client.get("/?lang=en")).find("section",
                                                  attrs={"aria-labelledby": "latest-discussions"})
    titles = [a.get_text() for a in section.select("li > a")]
    assert titles == ["Prima discussione", "Seconda discussione"]
    assert "1 reply" in section.get_text() and "Governance BG-LE" in section.get_text()
