"""The twinning page puts what a member comes to do first, and brings them back to it."""
from tests.fixtures.twinnings import bergamo_lecce
from tests.fixtures.web import csrf_from, page


def test_member_panel_comes_right_after_the_title_with_what_joining_gives(app, client,
                                                                         make_user, login):
    slug = bergamo_lecce(app, participants=0)
    login(make_user())
    soup = page(client.get(f"/twinnings/{slug}?lang=it"))
    h1 = soup.select_one("main h1")
    panel = h1.find_next(["aside", "section"])
    assert panel.name == "aside" and panel.select_one("#take-part") is not None
    assert "Partecipa al gemellaggio" in panel.get_text()
    assert "Partecipando" in panel.get_text()
    assert panel.find("a", string="Avvia una discussione") is not None
    assert panel.select_one(".follow-buttons") is not None
    # Follow buttons bring the member back to the panel.
    assert all(field["value"].endswith("#take-part")
               for field in panel.select(".follow-buttons input[name=next]"))
    # Discussions come before events and attachments.
    order = [s["aria-labelledby"] for s in soup.select("main section[aria-labelledby]")]
    assert order.index("twinning-discussions") < order.index("twinning-events")
    assert order.index("twinning-discussions") < order.index("twinning-attachments")
    # Breadcrumb with separators.
    crumbs = soup.select(".breadcrumb .breadcrumb-item")
    assert [c.get_text(" ", strip=True) for c in crumbs][:2] == ["Home /", "Gemellaggi /"]


def test_joining_and_leaving_come_back_to_the_panel(app, client, make_user, login):
    slug = bergamo_lecce(app, participants=0)
    login(make_user())
    token = csrf_from(client.get(f"/twinnings/{slug}"))
    response = client.post(f"/twinnings/{slug}/join", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/twinnings/{slug}#take-part")
    soup = page(client.get(f"/twinnings/{slug}?lang=it"))
    assert "Lascia il gemellaggio" in soup.select_one("#take-part").get_text()
    response = client.post(f"/twinnings/{slug}/leave", data={"csrf_token": token})
    assert response.headers["Location"].endswith("#take-part")


def test_visitor_panel_invites_to_sign_in(app, client):
    slug = bergamo_lecce(app)
    panel = page(client.get(f"/twinnings/{slug}?lang=it")).select_one("#take-part")
    assert panel.find("a", string="Accedi") is not None
    assert panel.select_one("form") is None
