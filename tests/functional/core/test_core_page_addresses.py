"""What search engines read in every page's head: a description, the canonical address in
the page's language and its alternates in the other (hreflang), from the site's address."""
import re
from html import unescape

from tests.fixtures.web import text_of

LINK = re.compile(r'<link rel="(canonical|alternate)" (?:hreflang="([\w-]+)" )?href="([^"]+)">')


def links(page: str) -> dict:
    return {(rel, lang or None): unescape(href) for rel, lang, href in LINK.findall(page)}


def test_a_page_names_its_canonical_address_and_its_languages(client):
    page = client.get("/practices/?kind=offer&lang=en",
                      base_url="http://evil.example").get_data(as_text=True)
    found = links(page)
    # FORUM_BASE_URL of the tests, whatever Host the request carried.
    assert found[("canonical", None)] == "http://localhost/practices/?kind=offer&lang=en"
    assert found[("alternate", "it")] == "http://localhost/practices/?kind=offer&lang=it"
    assert found[("alternate", "en")] == "http://localhost/practices/?kind=offer&lang=en"
    assert found[("alternate", "x-default")] == "http://localhost/practices/?kind=offer"


def test_the_canonical_address_follows_the_language_the_page_is_in(client):
    page = client.get("/calls/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert links(page)[("canonical", None)] == "http://localhost/calls/?lang=it"


def test_error_pages_name_no_canonical_address(client):
    page = client.get("/practices/999999").get_data(as_text=True)
    assert not links(page)


def test_every_page_has_a_description_and_content_pages_their_own(client, app, make_user):
    from forum.accounts.models import User
    from forum.extensions import db
    from forum.practices import services

    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<meta name="description" content="[^"]{40,}">', home)
    with app.app_context():
        author = db.session.get(User, make_user().id)
        practice = services.create_practice(author, {
            "kind": "offer", "language": "it", "themes": ["mobility"],
            "title": "Bici condivise", "summary": "Stazioni di bici elettriche <in> centro.",
            "body": "Testo."})
        db.session.commit()
        url = f"/practices/{practice.id}"
    page = client.get(url).get_data(as_text=True)
    assert '<meta name="description" content="Stazioni di bici elettriche &lt;in&gt; centro.">' \
        in page
    assert "Bici condivise" in text_of(client.get(url))
