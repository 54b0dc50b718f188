"""/discussions/: the latest discussions of every space the viewer may see; the home page of a
member who comes back."""
from datetime import timedelta

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Discussion
from forum.extensions import db
from forum.twinnings import services as twinnings
from forum.twinnings.models import Twinning
from tests.fixtures.discussions import make_twinning, reply, start_discussion
from tests.fixtures.web import page, text_of


def general_discussion(app, twinning_id):
    with app.app_context():
        discussion = discussions.create_general_discussion(
            None, db.session.get(Twinning, twinning_id))
        db.session.commit()
        return discussion.id


def titles(response):
    return [a.get_text(strip=True) for a in page(response).select(".discussion-index h2 a")]


def test_latest_across_spaces_filters_and_general_discussion(app, client, make_user):
    anna, bob = make_user("anna"), make_user("bob")
    bg = make_twinning(app, slug="bg-le", title="Governance BG-LE")
    nu = make_twinning(app, slug="nu112", title="NU112")
    general = general_discussion(app, bg)
    start_discussion(app, anna, bg, title="Come partire")
    answered = start_discussion(app, anna, nu, title="Numero unico")
    reply(app, bob, answered, "Risposta")
    response = client.get("/discussions/?lang=en")
    assert response.status_code == 200
    assert titles(response) == ["Numero unico", "Come partire"]
    assert titles(client.get("/discussions/?space=twinning:bg-le")) == ["Come partire"]
    assert titles(client.get("/discussions/?unanswered=1")) == ["Come partire"]
    assert client.get("/discussions/?space=twinning:nowhere").status_code == 404
    assert client.get("/discussions/?space=bad").status_code == 400
    assert client.get("/discussions/?page=2").status_code == 404
    # Once answered, the general discussion joins the latest, titled in the page's language.
    reply(app, bob, general, "Eccomi")
    assert "General discussion of the twinning" in titles(client.get("/discussions/?lang=en"))
    assert "Discussione generale del gemellaggio" in titles(client.get("/discussions/?lang=it"))
    home = text_of(client.get("/?lang=en"))
    assert "General discussion of the twinning" in home


def test_hidden_discussions_stay_out(app, client, make_user):
    anna = make_user("anna")
    bg = make_twinning(app)
    hidden = start_discussion(app, anna, bg, title="Nascosta")
    with app.app_context():
        db.session.get(Discussion, hidden).visibility = "hidden"
        db.session.commit()
    assert "Nascosta" not in titles(client.get("/discussions/"))


def test_index_queries_do_not_grow(app, client, make_user, count_queries):
    anna = make_user("anna")
    bg = make_twinning(app)

    def measure():
        with count_queries() as queries:
            assert client.get("/discussions/").status_code == 200
        return len(queries)

    start_discussion(app, anna, bg, title="Uno")
    few = measure()
    for n in range(6):
        start_discussion(app, anna, make_twinning(app, slug=f"t{n}", title=f"T{n}"),
                         title=f"Altra {n}")
    assert measure() <= few


def test_home_starts_with_your_twinnings_and_news_since_last_visit(app, client, make_user,
                                                                  login):
    anna, bob = make_user("anna"), make_user("bob")
    bg = make_twinning(app, slug="bg-le", title="Governance BG-LE")
    make_twinning(app, slug="nu112", title="NU112")
    old = start_discussion(app, anna, bg, title="Vecchia")
    with app.app_context():
        member = db.session.get(User, bob.id)
        twinnings.join(member, db.session.get(Twinning, bg))
        db.session.commit()
    login(bob)
    with app.app_context():
        member = db.session.get(User, bob.id)
        # Signing in moves the last sign-in to the previous one; this visit follows one
        # made yesterday.
        member.last_login_at = utcnow() - timedelta(days=1)
        db.session.get(Discussion, old).last_activity_at = utcnow() - timedelta(days=2)
        accounts.record_login(member)
        assert member.previous_login_at < member.last_login_at
        db.session.commit()
    start_discussion(app, anna, bg, title="Nuova")
    soup = page(client.get("/?lang=it"))
    first = soup.select_one("main section")
    assert "home-you" in first["class"]
    assert soup.select_one("main h1").get_text(strip=True) == "I tuoi gemellaggi"
    assert "Governance BG-LE" in first.get_text() and "NU112" not in first.get_text()
    badge = first.select_one(".your-twinnings .badge").get_text(" ", strip=True)
    assert badge == "1 discussione con novità"
