"""The HTML pages of the route table, fetched as one role: what the page-wide sweeps read."""
from flask import url_for

from tests.functional.security.routes import ROWS


def page_urls(app, world) -> list[str]:
    """Every GET row's URL once, and a missing page (the error page is a page too)."""
    with app.test_request_context():
        urls = {url_for(row.endpoint, **row.values(world)) for row in ROWS if row.method == "GET"}
    return sorted(urls) + ["/no-such-page"]


def html_pages(app, world, client) -> list[tuple[str, int, str]]:
    """(url, status, html) of every page of the table that answers this client with HTML."""
    pages = []
    for url in page_urls(app, world):
        response = client.get(url)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:
            pages.append((url, response.status_code, response.get_data(as_text=True)))
    return pages
