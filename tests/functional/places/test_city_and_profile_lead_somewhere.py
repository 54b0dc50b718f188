"""A city page leads to its practices, twinnings, members and organisations; a profile to the
member's posts, practices, twinnings, city and organisation; the header shows the photo."""
import io

from PIL import Image
from sqlalchemy import select

from forum.accounts.models import User
from forum.extensions import db
from forum.places.models import City, Organisation
from forum.practices import services as practices
from forum.twinnings import services as twinnings
from forum.twinnings.models import Twinning
from tests.fixtures.discussions import reply, start_discussion
from tests.fixtures.twinnings import bergamo_lecce
from tests.fixtures.web import page, profile_form, submit, text_of


def lecce(app):
    with app.app_context():
        return db.session.scalar(select(City).where(City.slug == "lecce")).id


def add_practice(app, author, city_id, title):
    with app.app_context():
        practices.create_practice(db.session.get(User, author.id), {
            "kind": "offer", "title": title, "summary": "Sintesi", "body": "Testo",
            "language": "it", "city": city_id, "themes": ["governance"]})
        db.session.commit()


def test_city_page_lists_practices_members_organisations(app, client, make_user,
                                                         count_queries):
    slug = bergamo_lecce(app)
    city_id = lecce(app)
    with app.app_context():
        db.session.add(Organisation(name="Comune di Lecce", kind="public-administration",
                                    city_id=city_id))
        db.session.get(City, city_id).population = None
        db.session.commit()
    anna = make_user("anna", full_name="Anna Rossi", city_id=city_id)
    make_user("hidden", full_name="Nascosta Bianchi", city_id=city_id, listed=False)
    add_practice(app, anna, city_id, "Sportello digitale")
    with count_queries() as few:
        response = client.get("/cities/lecce?lang=it")
    soup = page(response)
    text = text_of(response)
    crumbs = [c.get_text(" ", strip=True) for c in soup.select(".breadcrumb-item")]
    assert crumbs == ["Home /", "Città /", "Lecce"]
    assert soup.select_one("#city-practices").find_parent("section").find(
        "a", string="Sportello digitale") is not None
    members = soup.select_one(".city-members").get_text()
    assert "Anna Rossi" in members and "Nascosta" not in members
    assert "Comune di Lecce" in soup.select_one("#city-organisations").find_parent(
        "section").get_text()
    assert soup.find("a", href=f"/twinnings/{slug}") is not None
    assert soup.select_one("[data-figure=population]").get_text(strip=True) == "non indicata"
    assert "0 €" not in text
    # More practices and members cost no more queries.
    for n in range(4):
        add_practice(app, make_user(f"mem{n}", city_id=city_id), city_id, f"Pratica {n}")
    with count_queries() as many:
        client.get("/cities/lecce?lang=it")
    assert len(many) <= len(few)


def test_profile_shows_activity_links_and_staff(app, client, make_user, count_queries):
    slug = bergamo_lecce(app)
    city_id = lecce(app)
    anna = make_user("anna", full_name="Anna Rossi", city_id=city_id)
    with app.app_context():
        twinning = db.session.scalar(select(Twinning).where(Twinning.slug == slug))
        twinnings.join(db.session.get(User, anna.id), twinning)
        db.session.commit()
        twinning_id = twinning.id
    discussion = start_discussion(app, make_user("bob"), twinning_id, title="Da dove partire")
    reply(app, anna, discussion, "Ecco la mia esperienza")
    add_practice(app, anna, city_id, "Sportello digitale")
    with count_queries() as queries:
        soup = page(client.get("/members/anna?lang=it"))
    assert soup.select_one("#member-posts").find_parent("section").find(
        "a", string="Da dove partire")["href"].startswith(f"/discussions/{discussion}")
    assert soup.select_one("#member-twinnings").find_parent("section").find(
        "a", href=f"/twinnings/{slug}") is not None
    assert soup.select_one("#member-practices") is not None
    assert soup.select_one(".member-facts a[href='/cities/lecce']") is not None
    assert soup.select_one(".staff-badge") is None
    assert len(queries) <= 20
    make_user("sara", role="staff")
    assert page(client.get("/members/sara?lang=it")).select_one(
        ".staff-badge").get_text(strip=True) == "Staff del sito"


def test_header_shows_the_uploaded_photo(app, client, make_user, login):
    member = make_user("anna")
    login(member)
    assert page(client.get("/")).select_one(".header-avatar") is None
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(picture, "PNG")
    picture.seek(0)
    submit(client, "/account/profile", profile_form(avatar=(picture, "me.png")),
           content_type="multipart/form-data")
    img = page(client.get("/")).select_one(".header-avatar img")
    assert img is not None and img["src"] == "/members/anna/avatar"
    with client.get(img["src"]) as response:
        assert response.status_code == 200


def test_members_join_and_leave_networks(app, client, make_user, login):
    from forum.places.models import Network, NetworkParticipant
    from tests.fixtures.web import csrf_from

    with app.app_context():
        db.session.add(Network(slug="digiplace", name="DigiPlace", description="Rete"))
        db.session.commit()
    anna = make_user("anna")
    assert "Accedi" in page(client.get("/networks/digiplace?lang=it")).select_one(
        "#take-part").get_text()
    login(anna)
    token = csrf_from(client.get("/networks/digiplace"))
    response = client.post("/networks/digiplace/join", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/networks/digiplace#take-part")
    client.post("/networks/digiplace/join", data={"csrf_token": token})
    with app.app_context():
        assert db.session.query(NetworkParticipant).count() == 1
    panel = page(client.get("/networks/digiplace?lang=it")).select_one("#take-part")
    assert "Lascia la rete" in panel.get_text() and "1 membro" in panel.get_text()
    assert page(client.get("/members/anna")).find("a", href="/networks/digiplace") is not None
    client.post("/networks/digiplace/leave", data={"csrf_token": token})
    with app.app_context():
        assert db.session.query(NetworkParticipant).count() == 0
    assert client.post("/networks/nowhere/join", data={"csrf_token": token}).status_code == 404
