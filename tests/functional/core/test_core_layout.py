"""The site shell as a visitor meets it: landmarks, skip link, navigation, language, account."""
from urllib.parse import parse_qs, urlsplit

from forum.accounts.models import User
from forum.core import templating
from forum.extensions import db
from tests.fixtures.web import page, submit, text_of

FOCUSABLE = ["a", "button", "input", "select", "textarea"]


def _focusables(soup):
    return [el for el in soup.body.find_all(FOCUSABLE)
            if el.get("type") != "hidden" and el.get("tabindex") != "-1"]


def test_skip_link_is_the_first_thing_to_focus_and_leads_to_main(client):
    soup = page(client.get("/?lang=en"))
    first = _focusables(soup)[0]
    assert first.name == "a" and first["href"] == "#main"
    assert first.get_text(strip=True) == "Skip to main content"
    mains = soup.find_all("main")
    assert len(mains) == 1 and mains[0]["id"] == "main"


def test_layout_has_landmarks_and_labelled_navigation(client):
    for url in ("/", "/privacy", "/accessibility", "/nowhere"):
        soup = page(client.get(url + "?lang=en"))
        assert soup.find("header") is not None, url
        assert soup.find("footer") is not None, url
        labels = {nav.get("aria-label") for nav in soup.find_all("nav")}
        assert {"Main navigation", "Language"} <= labels, url
        assert None not in labels, f"unlabelled <nav> on {url}"


def test_main_navigation_marks_the_current_page(client):
    soup = page(client.get("/?lang=en"))
    nav = soup.find("nav", attrs={"aria-label": "Main navigation"})
    links = {a.get_text(strip=True): a for a in nav.find_all("a")}
    assert links["Home"]["href"] == "/" and links["Home"]["aria-current"] == "page"
    assert links["Members"]["href"] == "/members/"
    assert not links["Members"].get("aria-current")


def test_every_navigation_entry_has_its_page(app):
    # Every package is registered: the navigation links each entry without checking first.
    assert {item.endpoint for item in templating.MAIN_NAV} <= set(app.view_functions)


def _language_links(soup):
    nav = soup.find("nav", class_="language-switcher")
    return {a["lang"]: a for a in nav.find_all("a")}


def test_language_switcher_keeps_the_path_and_query(client):
    soup = page(client.get("/privacy?lang=en&section=cookies"))
    links = _language_links(soup)
    italian = urlsplit(links["it"]["href"])
    assert italian.path == "/privacy"
    assert parse_qs(italian.query) == {"section": ["cookies"], "lang": ["it"]}
    assert links["en"]["aria-current"] == "true" and not links["it"].get("aria-current")
    switched = client.get(links["it"]["href"])
    assert '<html lang="it">' in switched.get_data(as_text=True)
    assert _language_links(page(switched))["it"]["aria-current"] == "true"


def test_language_switcher_keeps_the_path_on_an_error_page(client):
    links = _language_links(page(client.get("/no/such/page?lang=en")))
    assert urlsplit(links["it"]["href"]).path == "/no/such/page"


def test_signed_out_visitors_see_sign_in_and_register(client):
    soup = page(client.get("/?lang=en"))
    header = soup.find("header")
    hrefs = {a.get_text(strip=True): a["href"] for a in header.find_all("a")}
    assert hrefs["Sign in"] == "/auth/login"
    assert hrefs["Register"] == "/auth/register"
    assert header.find("form", action="/auth/logout") is None


def test_signed_in_member_gets_profile_links_and_a_post_sign_out(client, make_user, login):
    member = make_user("rosalba", full_name="Rosalba Ventimiglia")
    login(member)
    soup = page(client.get("/?lang=en"))
    header = soup.find("header")
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in header.find_all("a")}
    assert hrefs["Rosalba Ventimiglia Your public profile"] == "/members/rosalba"
    assert hrefs["Profile"] == "/account/profile"
    assert "Members and roles" not in hrefs
    assert "Sign in" not in hrefs
    form = header.find("form", action="/auth/logout")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    signed_out = submit(client, "/auth/logout", {}, form_url="/?lang=en")
    assert signed_out.status_code == 200
    assert "Sign in" in text_of(client.get("/?lang=en"))


def test_admins_also_get_members_and_roles(client, make_user, login):
    login(make_user("amministra", role="admin"))
    header = page(client.get("/?lang=en")).find("header")
    hrefs = {a.get_text(strip=True): a["href"] for a in header.find_all("a")}
    assert hrefs["Members and roles"] == "/admin/members"


def test_flashed_messages_are_in_a_status_region(client, make_user, login):
    login(make_user("annuncio"))
    # Signing out flashes a message on the page that follows.
    response = submit(client, "/auth/logout", {}, form_url="/?lang=en")
    status = page(response).find(attrs={"role": "status"})
    assert status is not None and status.get_text(strip=True)


def test_home_shows_the_latest_listed_members_as_cards(client, app, make_user):
    make_user("visibile", full_name="Ottavia Lanzarotti", profession="Project manager")
    make_user("nascosto", full_name="Teodoro Invisibili", listed=False)
    soup = page(client.get("/?lang=en"))
    section = soup.find("section", attrs={"aria-labelledby": "latest-members"})
    text = " ".join(section.get_text(" ").split())
    assert "Ottavia Lanzarotti" in text and "Project manager" in text
    assert "Teodoro Invisibili" not in text
    link = section.find("a", string="Ottavia Lanzarotti")
    assert link["href"] == "/members/visibile"
    assert "OL" in text  # initials stand in for a missing picture


def test_home_card_shows_the_uploaded_avatar(client, app, make_user):
    member = make_user("fotografata", full_name="Ilaria Fotografata")
    with app.app_context():
        db.session.get(User, member.id).avatar_filename = "abc123.png"
        db.session.commit()
    section = page(client.get("/?lang=en")).find(
        "section", attrs={"aria-labelledby": "latest-members"})
    sources = [img["src"] for img in section.find_all("img")]
    assert "/members/fotografata/avatar" in sources


def test_no_inline_script_style_or_event_handlers(client, make_user, login):
    login(make_user("pulita", role="admin"))
    for url in ("/", "/privacy", "/accessibility", "/nowhere"):
        soup = page(client.get(url))
        for script in soup.find_all("script"):
            assert script.get("src") and not script.get_text(strip=True), url
        assert soup.find_all("style") == [], url
        for el in soup.find_all(True):
            assert "style" not in el.attrs, (url, el.name)
            assert not [a for a in el.attrs if a.startswith("on")], (url, el.name)


def test_navigation_lists_each_entry_once_in_order(client):
    endpoints = [item.endpoint for item in templating.MAIN_NAV]
    assert len(endpoints) == len(set(endpoints))
    assert endpoints[0] == "home.index" and endpoints[-1] == "accounts.members"
    nav = page(client.get("/?lang=en")).find("nav", attrs={"aria-label": "Main navigation"})
    labels = [a.get_text(strip=True) for a in nav.find_all("a")]
    assert len(labels) == len(set(labels))
