"""Joining: register, confirm from the mail, sign in, present yourself, in both languages."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from forum.accounts import permissions
from forum.accounts.models import User
from forum.extensions import db
from forum.places.models import City, Organisation
from tests.fixtures.web import Member, link_in, page, submit, text_of

PASSWORD = "a long enough pass phrase"


def registration(**changes):
    data = {
        "username": "Giulia.R",
        "email": "Giulia.Rossi@Example.org",
        "password": PASSWORD,
        "full_name": "Giulia Rossetti",
        "profession": "Project manager",
        "organisation_id": "0",
        "new_organisation": "",
        "organisation_kind": "",
        "city_id": "0",
        "listed": "y",
        "accept_privacy": "y",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def make_city(app, name="Lecce", slug="lecce"):
    with app.app_context():
        city = City(name=name, slug=slug, region="Puglia", province="LE", population=83303)
        db.session.add(city)
        db.session.commit()
        return city.id


def user_row(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username_key == username.lower()))
        if user is not None:
            db.session.expunge(user)
        return user


def test_register_confirm_sign_in_edit_and_see_the_profile_in_both_languages(
        app, client, outbox, login):
    city_id = make_city(app)
    response = submit(client, "/auth/register", registration(), form_url="/auth/register?lang=en")
    assert response.status_code == 200
    assert "We have sent a link to giulia.rossi@example.org" in text_of(response)

    user = user_row(app, "giulia.r")
    assert user.email == "giulia.rossi@example.org"  # stored lower-cased
    assert user.username == "Giulia.R" and user.listed is True
    assert user.privacy_accepted_at is not None and user.email_confirmed_at is None
    assert not permissions.can_post(user)

    [(recipient, subject, body)] = outbox()
    assert recipient == "giulia.rossi@example.org"
    assert subject == "Confirm your e-mail address"  # the registrant's language: English
    confirm = link_in(body, "auth/confirm/")
    assert "your e-mail address is confirmed" in text_of(client.get(confirm,
                                                                    follow_redirects=True))
    assert permissions.can_post(user_row(app, "giulia.r"))

    login(Member(user.id, "giulia.r", user.email, PASSWORD))
    response = submit(client, "/account/profile", {
        "full_name": "Giulia Rossetti", "profession": "Dottore Commercialista",
        "organisation_id": "0", "new_organisation": "Comune di Lecce",
        "organisation_kind": "public-administration", "city_id": str(city_id),
        "bio": "I work on **open data**.", "preferred_language": "", "listed": "y",
    })
    assert "Your profile has been saved" in text_of(response)

    with app.app_context():
        db.session.execute(db.update(User).where(User.id == user.id).values(
            joined_at=datetime.now(UTC) - timedelta(days=400),
            last_login_at=datetime(2015, 11, 9, 12, 0, tzinfo=UTC)))
        db.session.commit()

    english = client.get("/members/giulia.r?lang=en")
    text = text_of(english)
    for expected in ("Giulia Rossetti", "Dottore Commercialista", "Comune di Lecce",
                     "Public administration", "Lecce", "Member for 1 year",
                     "last login 9 November 2015"):
        assert expected in text
    assert page(english).find("strong").get_text() == "open data"
    assert page(english).find("meta", attrs={"name": "robots"}) is None

    italian = text_of(client.get("/members/Giulia.R?lang=it"))
    assert "1 anno" in italian and "9 novembre 2015" in italian
    assert "Dottore Commercialista" in italian


def test_confirmation_link_works_once(app, client, outbox):
    submit(client, "/auth/register", registration())
    link = link_in(outbox()[0][2], "auth/confirm/")
    client.get(link)
    again = client.get(link, follow_redirects=True)
    assert "This link is not valid" in text_of(again)


def test_confirmation_link_expires(app, client, outbox):
    submit(client, "/auth/register", registration())
    link = link_in(outbox()[0][2], "auth/confirm/")
    app.config["FORUM_TOKEN_MAX_AGE"] = -1
    try:
        response = client.get(link, follow_redirects=True)
    finally:
        app.config["FORUM_TOKEN_MAX_AGE"] = 2 * 24 * 3600
    assert "This link is not valid" in text_of(response)
    assert user_row(app, "giulia.r").email_confirmed_at is None


def test_tampered_confirmation_link_is_refused(app, client, outbox):
    submit(client, "/auth/register", registration())
    link = link_in(outbox()[0][2], "auth/confirm/")
    response = client.get(link[:-3] + "xyz", follow_redirects=True)
    assert "This link is not valid" in text_of(response)


def test_mistyped_form_keeps_the_text_and_says_what_is_wrong_by_the_field(app, client):
    client.get("/?lang=en")
    response = submit(client, "/auth/register", registration(
        username="no spaces allowed", email="not-an-address", password="short",
        accept_privacy=None))
    assert response.status_code == 200
    html = page(response)
    assert html.find("input", attrs={"name": "username"})["value"] == "no spaces allowed"
    assert html.find("input", attrs={"name": "email"})["value"] == "not-an-address"
    assert html.find("input", attrs={"name": "full_name"})["value"] == "Giulia Rossetti"
    assert html.find("input", attrs={"name": "password"}).get("value") in (None, "")

    def error_for(name):
        control = html.find(attrs={"name": name})
        assert control.get("aria-invalid") == "true"
        return html.find(id=f"{control['id']}-error").get_text(" ", strip=True)

    assert error_for("username") == "Use 3 to 30 letters, digits or the characters _ . -"
    assert error_for("email") == "Enter a valid e-mail address."
    assert error_for("password") == "Use between 10 and 256 characters."
    assert error_for("accept_privacy") == "You must accept the privacy notice."
    assert user_row(app, "no spaces allowed") is None


def test_username_and_email_are_unique_regardless_of_case(app, client, make_user):
    make_user("giulia.r", email="someone@example.org")
    response = submit(client, "/auth/register", registration(username="GIULIA.r"))
    assert "This username is taken" in text_of(response)
    make_user("other", email="giulia.rossi@example.org")
    # A taken address gets the answer a free one gets (its owner is mailed instead:
    # tests/functional/security/test_no_enumeration.py), and no account.
    response = submit(client, "/auth/register", registration(username="fresh_name",
                                                             email="Giulia.Rossi@example.org"))
    assert "Thank you for registering" in text_of(response)
    assert user_row(app, "fresh_name") is None


def test_common_passwords_are_refused_whatever_their_case(app, client):
    response = submit(client, "/auth/register", registration(password="QwertyUIOP"))
    assert "among the most common" in text_of(response)
    assert user_row(app, "giulia.r") is None


def test_long_passwords_are_accepted(app, client):
    submit(client, "/auth/register", registration(password="x" * 128 + " y"))
    assert user_row(app, "giulia.r") is not None


def test_filled_honeypot_answers_the_same_and_creates_nothing(app, client, outbox):
    response = submit(client, "/auth/register", registration(website="http://spam.example"))
    assert "We have sent a link to" in text_of(response)
    assert user_row(app, "giulia.r") is None
    assert outbox() == []


def test_honeypot_is_hidden_from_people_without_inline_style(client):
    html = page(client.get("/auth/register"))
    honeypot = html.find("input", attrs={"name": "website"})
    assert honeypot["tabindex"] == "-1"
    wrapper = honeypot.find_parent("div")
    assert wrapper["aria-hidden"] == "true" and "visually-hidden" in wrapper["class"]
    assert not html.select("[style]")


def test_listed_is_off_unless_ticked_and_privacy_consent_is_required(app, client):
    checkbox = page(client.get("/auth/register")).find("input", attrs={"name": "listed"})
    assert not checkbox.has_attr("checked")
    submit(client, "/auth/register", registration(listed=None))
    assert user_row(app, "giulia.r").listed is False


def test_register_picks_an_existing_organisation_and_a_city(app, client):
    city_id = make_city(app)
    with app.app_context():
        organisation = Organisation(name="Università del Salento", kind="university-research")
        db.session.add(organisation)
        db.session.commit()
        organisation_id = organisation.id
    submit(client, "/auth/register", registration(organisation_id=str(organisation_id),
                                                  city_id=str(city_id)))
    user = user_row(app, "giulia.r")
    assert (user.organisation_id, user.city_id) == (organisation_id, city_id)


def test_a_new_organisation_needs_its_kind_and_is_not_duplicated(app, client):
    response = submit(client, "/auth/register", registration(new_organisation="Lab Civico"))
    assert "Choose the kind of organisation" in text_of(response)
    assert page(response).find("input", attrs={"name": "new_organisation"})["value"] == (
        "Lab Civico")
    submit(client, "/auth/register", registration(new_organisation="Lab Civico",
                                                  organisation_kind="civil-society"))
    submit(client, "/auth/register", registration(
        username="second", email="second@example.org", new_organisation="lab civico",
        organisation_kind="business"))
    with app.app_context():
        rows = db.session.scalars(select(Organisation)).all()
        assert [(o.name, o.kind) for o in rows] == [("Lab Civico", "civil-society")]
        assert db.session.scalar(select(func.count(User.id)).where(
            User.organisation_id == rows[0].id)) == 2


def test_unconfirmed_member_can_read_and_ask_for_a_new_link(app, client, make_user, login,
                                                            outbox):
    member = make_user("waiting", confirmed=False)
    login(member)
    profile = client.get("/account/profile?lang=en")
    assert "is not confirmed yet" in text_of(profile)
    response = submit(client, "/account/confirm", {}, form_url="/account/profile")
    assert "We have sent a new confirmation link" in text_of(response)
    [(recipient, _subject, body)] = outbox()
    assert recipient == member.email
    client.get(link_in(body, "auth/confirm/"))
    assert user_row(app, "waiting").email_confirmed_at is not None


def test_confirmation_link_is_absolute(app, client, outbox):
    submit(client, "/auth/register", registration(), form_url="/auth/register?lang=it")
    body = outbox()[0][2]
    assert "http://localhost/auth/confirm/" in body
