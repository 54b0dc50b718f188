"""Public profiles, avatars and the members directory."""
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from forum.accounts.models import User
from forum.extensions import db
from forum.places.models import City, Organisation
from tests.fixtures.web import page, profile_form, submit, text_of


def image(fmt="PNG", size=(800, 600), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200)).save(out, fmt)
    out.seek(0)
    return out


def upload(client, file, name):
    return submit(client, "/account/profile", profile_form(avatar=(file, name)),
                  content_type="multipart/form-data")


def avatar_file(app, member) -> Path | None:
    with app.app_context():
        name = db.session.get(User, member.id).avatar_filename
    return Path(app.config["FORUM_UPLOAD_DIR"], "avatars", name) if name else None


def test_unlisted_profile_shows_only_the_name_and_asks_not_to_be_indexed(client, make_user):
    member = make_user(full_name="Paola Gialli", profession="Sindaca", listed=False,
                       bio="Secret bio")
    response = client.get(f"/members/{member.username}")
    assert response.status_code == 200
    html = page(response)
    assert html.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    text = text_of(response)
    assert "Paola Gialli" in text
    assert "Sindaca" not in text and "Secret bio" not in text


def test_unlisted_member_still_sees_their_own_details(client, make_user, login):
    member = make_user(full_name="Paola Gialli", profession="Sindaca", listed=False)
    login(member)
    response = client.get(f"/members/{member.username}?lang=en")
    assert "Sindaca" in text_of(response)
    assert "not listed" in text_of(response)
    assert page(response).find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_unknown_member_is_404(client):
    assert client.get("/members/nobody-at-all").status_code == 404


def test_bio_markdown_is_rendered_and_sanitised(app, client, make_user, login):
    member = make_user()
    login(member)
    submit(client, "/account/profile", profile_form(
        bio="# Title\n\n<script>alert(1)</script> [link](javascript:alert(1)) *fine*"))
    html = client.get(f"/members/{member.username}").get_data(as_text=True)
    bio = page(client.get(f"/members/{member.username}")).select_one(".member-bio")
    assert bio.find("script") is None and "<script>alert(1)</script>" in bio.get_text()
    assert not [a for a in bio.find_all("a") if "javascript" in a.get("href", "")]
    assert "<em>fine</em>" in html and "<h3>Title</h3>" in html


def test_saving_the_profile_sets_the_language(app, client, make_user, login):
    member = make_user()
    login(member)
    submit(client, "/account/profile", profile_form(preferred_language="en"))
    assert client.get_cookie("lang").value == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).preferred_language == "en"


def test_profile_form_errors_keep_the_text(app, client, make_user, login):
    member = make_user()
    login(member)
    client.get("/?lang=en")
    response = submit(client, "/account/profile", profile_form(
        full_name="", profession="Urbanista", bio="Kept *bio*"))
    html = page(response)
    assert html.find(id="full_name-error").get_text(strip=True) == "This field is required."
    assert html.find("input", attrs={"name": "profession"})["value"] == "Urbanista"
    assert html.find("textarea", attrs={"name": "bio"}).get_text().strip() == "Kept *bio*"


def test_avatar_is_checked_resized_served_and_removed(app, client, make_user, login):
    member = make_user(full_name="Luca Bianchi")
    login(member)
    assert client.get(f"/members/{member.username}/avatar").status_code == 404
    # Initials in a circle until there is a picture.
    profile = page(client.get(f"/members/{member.username}"))
    assert profile.select_one(".avatar-initials").get_text(strip=True) == "LB"
    assert profile.select_one(".avatar img") is None

    response = upload(client, image("PNG", (800, 600)), "portrait.png")
    assert "Your profile has been saved" in text_of(response)
    stored = avatar_file(app, member)
    assert stored.is_file() and "portrait" not in stored.name
    served = client.get(f"/members/{member.username}/avatar")
    assert served.status_code == 200
    with Image.open(io.BytesIO(served.data)) as picture:
        assert picture.size == (256, 192)
    profile = page(client.get(f"/members/{member.username}"))
    assert profile.select_one(".avatar img")["src"].startswith(
        f"/members/{member.username}/avatar")

    response = upload(client, image("WEBP", (100, 100)), "small.webp")
    replaced = avatar_file(app, member)
    assert replaced != stored and not stored.exists() and replaced.is_file()

    submit(client, "/account/profile", profile_form(remove_avatar="y"))
    assert avatar_file(app, member) is None and not replaced.exists()
    assert client.get(f"/members/{member.username}/avatar").status_code == 404


@pytest.mark.parametrize("content, name, message", [
    (b"GIF89a" + b"\x00" * 64, "fake.png", "not of the type its name says"),
    (b"%PDF-1.4 not an image", "cv.pdf", "Choose a file of one of these types"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "could not be read"),
])
def test_bad_avatars_are_refused_with_a_message_by_the_field(app, client, make_user, login,
                                                             content, name, message):
    member = make_user()
    login(member)
    client.get("/?lang=en")
    response = upload(client, io.BytesIO(content), name)
    error = page(response).find(id="avatar-error")
    assert error is not None and message in error.get_text()
    assert avatar_file(app, member) is None


def test_avatar_larger_than_the_limit_is_refused(app, client, make_user, login):
    member = make_user()
    login(member)
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = upload(client, image("PNG", (400, 400)), "big.png")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = app.config["FORUM_MAX_UPLOAD_MB"] * 1024 * 1024
    assert response.status_code == 413
    assert avatar_file(app, member) is None


def test_avatar_of_an_unlisted_member_is_not_served_to_others(app, client, make_user, login):
    member = make_user()
    login(member)
    upload(client, image(), "me.png")
    submit(client, "/account/profile", profile_form(listed=None))
    with client.get(f"/members/{member.username}/avatar") as response:
        assert response.status_code == 200
    submit(client, "/auth/logout", {}, form_url="/account/profile")
    assert client.get(f"/members/{member.username}/avatar").status_code == 404


# --- directory -------------------------------------------------------------------------------


@pytest.fixture
def places(app):
    with app.app_context():
        lecce = City(name="Lecce", slug="lecce")
        bergamo = City(name="Bergamo", slug="bergamo")
        town_hall = Organisation(name="Comune di Lecce", kind="public-administration")
        university = Organisation(name="Università di Bergamo", kind="university-research")
        db.session.add_all([lecce, bergamo, town_hall, university])
        db.session.commit()
        return {"lecce": lecce.id, "bergamo": bergamo.id, "town_hall": town_hall.id,
                "university": university.id}


def names(response):
    return [h.get_text(strip=True) for h in page(response).select(".members-list h2")]


def test_directory_lists_listed_members_newest_first_with_filters(app, client, make_user,
                                                                  places):
    now = datetime.now(UTC)
    people = [
        ("Anna Rossi", "Urbanista", places["town_hall"], places["lecce"], True),
        ("Bruno Neri", "Ricercatore", places["university"], places["bergamo"], True),
        ("Carla Blu", "Project manager", None, places["lecce"], True),
        ("Dario Hidden", "Urbanista", places["town_hall"], places["lecce"], False),
    ]
    for age, (name, profession, organisation, city, listed) in enumerate(people):
        member = make_user(full_name=name, profession=profession, organisation_id=organisation,
                           city_id=city, listed=listed)
        with app.app_context():
            db.session.get(User, member.id).joined_at = now - timedelta(days=10 - age)
            db.session.commit()
    gone = make_user(full_name="Gone Away")
    with app.app_context():
        db.session.get(User, gone.id).deleted_at = now
        db.session.commit()

    assert names(client.get("/members/")) == ["Carla Blu", "Bruno Neri", "Anna Rossi"]
    assert names(client.get("/members/?q=urbanista")) == ["Anna Rossi"]
    assert names(client.get("/members/?q=COMUNE")) == ["Anna Rossi"]
    assert names(client.get("/members/?q=bruno")) == ["Bruno Neri"]
    assert names(client.get("/members/?q=100%25")) == []
    assert names(client.get("/members/?city=lecce")) == ["Carla Blu", "Anna Rossi"]
    assert names(client.get("/members/?kind=university-research")) == ["Bruno Neri"]
    assert names(client.get("/members/?city=lecce&kind=public-administration")) == [
        "Anna Rossi"]
    response = client.get("/members/?lang=en&city=bergamo")
    assert "1 member" in text_of(response)


@pytest.mark.parametrize("query", ["kind=spaceship", "city=atlantis", "page=abc", "page=0"])
def test_directory_refuses_bad_parameters_with_400(client, query):
    assert client.get(f"/members/?{query}").status_code == 400


def test_directory_is_paginated(app, client, make_user):
    app.config["FORUM_MEMBERS_PER_PAGE"] = 2
    try:
        for n in range(5):
            make_user(full_name=f"Person {n}")
        first = client.get("/members/")
        third = client.get("/members/?page=3")
        beyond = client.get("/members/?page=9")
    finally:
        app.config["FORUM_MEMBERS_PER_PAGE"] = 20
    assert len(names(first)) == 2 and names(third) == ["Person 0"]
    assert page(first).find("a", attrs={"rel": "next"})["href"].endswith("page=2")
    assert beyond.status_code == 404


def test_directory_query_count_does_not_grow_with_members(app, client, make_user, places,
                                                          count_queries):
    def queries_for_directory():
        with count_queries() as statements:
            assert client.get("/members/").status_code == 200
        return len(statements)

    make_user(organisation_id=places["town_hall"], city_id=places["lecce"])
    few = queries_for_directory()
    assert few > 0
    for _ in range(6):
        make_user(organisation_id=places["university"], city_id=places["bergamo"])
    assert queries_for_directory() == few
