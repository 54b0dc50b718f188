"""One colour and label per kind of practice, on the cards and the practice page."""
from forum.accounts.models import User
from forum.extensions import db
from forum.practices import services as practices
from tests.helpers import page


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
