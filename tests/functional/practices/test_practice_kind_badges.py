"""One colour and label per kind of practice, on the cards and the practice page."""
from forum.accounts.models import User
from forum.extensions import db
from forum.practices import services as practices
from tests.fixtures.web import page


def test_each_kind_has_its_own_badge(app, client, make_user):
    author = make_user("anna")
    with app.app_context():
        user = db.session.get(User, author.id)
        for kind in ("offer", "seek", "story"):
            practices.create_practice(user, {
                "kind": kind, "title": f"Pratica {kind}", "summary": "Sintesi", "body": "Testo",
                "language": "it", "themes": ["governance"]})
        db.session.commit()
    soup = page(client.get("/practices/?lang=it"))
    badges = {b.get_text(strip=True): [c for c in b["class"] if c.startswith("practice-kind-")]
              for b in soup.select(".practice-card .badge.practice-kind")}
    assert badges == {"Offro": ["practice-kind-offer"], "Cerco": ["practice-kind-seek"],
                      "Storia": ["practice-kind-story"]}
    story = next(c for c in soup.select(".practice-card") if "Pratica story" in c.get_text())
    offer = next(c for c in soup.select(".practice-card") if "Pratica offer" in c.get_text())
    assert "Aperto" not in story.get_text() and "Aperto" in offer.get_text()


def test_a_story_page_shows_no_status(app, client, make_user):
    author = make_user("bruno")
    with app.app_context():
        user = db.session.get(User, author.id)
        ids = {kind: practices.create_practice(user, {
            "kind": kind, "title": f"Pratica {kind}", "summary": "Sintesi", "body": "Testo",
            "language": "it", "themes": ["governance"]}).id for kind in ("offer", "story")}
        db.session.commit()
    story = page(client.get(f"/practices/{ids['story']}?lang=it"))
    offer = page(client.get(f"/practices/{ids['offer']}?lang=it"))
    assert story.select_one("[data-figure=status]") is None
    assert "Stato" not in [dt.get_text(strip=True) for dt in story.select(".practice-facts dt")]
    assert offer.select_one("[data-figure=status]").get_text(strip=True) == "Aperto"
