"""robots.txt, the sitemap of public pages, the source archive and page titles."""
import io
import tarfile
from datetime import timedelta
from xml.etree import ElementTree as ET

from forum.core.db import utcnow
from forum.extensions import db
from forum.moderation import services as moderation
from tests.fixtures.calls import make_call
from tests.fixtures.twinnings import staff_user
from tests.fixtures.web import page

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_robots_keeps_crawlers_off_personal_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "Disallow: /account/" in lines and "Disallow: /mod/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Disallow: /calls/" not in lines


def test_sitemap_lists_public_items_closed_calls_included_hidden_ones_not(app, client):
    with app.test_request_context():
        open_call = make_call(title="Aperto")
        closed = make_call(title="Chiuso", closes_in=timedelta(days=-20),
                           opens_on=(utcnow() - timedelta(days=60)).date())
        hidden = make_call(title="Nascosto")
        moderation.hide(staff_user(), "call", hidden, "Spam")
        db.session.commit()
        ids = open_call.id, closed.id, hidden.id
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [loc.text for loc in root.findall("s:url/s:loc", NS)]
    assert f"http://localhost/calls/{ids[0]}" in locs
    assert f"http://localhost/calls/{ids[1]}" in locs
    assert f"http://localhost/calls/{ids[2]}" not in locs
    assert "http://localhost/" in locs and len(locs) == len(set(locs))
    (first,) = [u for u in root.findall("s:url", NS)
                if u.find("s:loc", NS).text == f"http://localhost/calls/{ids[0]}"]
    alternates = {a.get("hreflang"): a.get("href") for a in first.findall("x:link", NS)}
    assert alternates == {"it": f"http://localhost/calls/{ids[0]}?lang=it",
                          "en": f"http://localhost/calls/{ids[0]}?lang=en"}


def test_the_footer_links_the_source_archive_which_holds_the_license(client):
    footer = page(client.get("/")).find("footer")
    link = footer.find("a", href="/source.tar.gz")
    assert link is not None and "AGPL" in link.get_text()
    response = client.get(link["href"])
    assert response.mimetype == "application/gzip"
    with tarfile.open(fileobj=io.BytesIO(response.data)) as tar:
        names = tar.getnames()
        licence = tar.extractfile("gemellaggi/LICENSE").read().decode()
    assert "gemellaggi/forum/app.py" in names and "gemellaggi/templates/base.html" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in licence and "13. Remote Network" in licence


def test_page_titles_name_the_site_once(client):
    assert page(client.get("/twinnings/?lang=it")).title.string == "Gemellaggi"
    assert page(client.get("/twinnings/?lang=en")).title.string == "Twinnings · Gemellaggi"
    assert page(client.get("/calls/?lang=it")).title.string.endswith(" · Gemellaggi")


# Links a crawler does not follow: other formats, personal pages, language twins of a page.
SKIP = (".ics", ".atom", ".csv", ".json", ".jsonld", ".ttl", ".tar.gz", "/auth/", "/account/",
        "/attachments/", "/avatar", "/feeds/", "lang=", "/opendata/api")


def crawl(client, start="/", limit=400) -> set[str]:
    """The site's pages a visitor reaches by following links from `start`."""
    seen, queue = {start}, [start]
    while queue and len(seen) < limit:
        response = client.get(queue.pop(0))
        if response.mimetype != "text/html":
            continue
        for link in page(response).find_all("a", href=True):
            href = link["href"].split("#")[0]
            if href.startswith("/") and href not in seen and not any(s in href for s in SKIP):
                seen.add(href)
                queue.append(href)
    return seen


def test_every_public_item_is_reachable_by_a_link(app, client):
    """Issue 20: closed calls were reachable only through the filter form."""
    with app.test_request_context():
        make_call(title="Chiuso da tempo", closes_in=timedelta(days=-200),
                  opens_on=(utcnow() - timedelta(days=300)).date())
        make_call(title="Aperto ora")
        db.session.commit()
    root = ET.fromstring(client.get("/sitemap.xml").data)
    wanted = {loc.text.removeprefix("http://localhost") for loc in root.findall("s:url/s:loc", NS)}
    assert len(wanted) >= 9
    assert wanted - crawl(client) == set()
