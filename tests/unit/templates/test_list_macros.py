"""The shared list macros: page links and filter selects, rendered on their own."""
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string


class Pages(SimpleNamespace):
    """What the pager reads of a Flask-SQLAlchemy page."""

    def iter_pages(self):
        yield from (1, None, self.page, self.pages) if self.pages > 3 else range(1, self.pages + 1)


def render(app, source, **context):
    with app.test_request_context("/?lang=en"):
        html = render_template_string(
            '{% from "_macros/lists.html" import pager, filter_select, select %}' + source,
            **context)
    return BeautifulSoup(html, "html.parser")


@pytest.fixture
def links(app):
    def links(pagination, **arguments):
        soup = render(app, '{{ pager(p, "calls.index", "Pages", **a) }}', p=pagination, a=arguments)
        return [(a.get_text(), a["href"], a.get("rel")) for a in soup.select("a.page-link")]
    return links


def test_one_page_shows_no_links(app):
    assert render(app, '{{ pager(p, "calls.index", "Pages") }}',
                  p=Pages(page=1, pages=1)).select("nav") == []


def test_numbered_links_keep_the_filters_and_drop_empty_ones(links):
    got = links(Pages(page=2, pages=3), level="eu", theme="", applicant=None)
    assert got == [("Previous", "/calls/?page=1&level=eu", ["prev"]),
                   ("1", "/calls/?page=1&level=eu", None),
                   ("3", "/calls/?page=3&level=eu", None),
                   ("Next", "/calls/?page=3&level=eu", ["next"])]


def test_first_and_last_pages_have_no_previous_or_next(links):
    assert [text for text, _, _ in links(Pages(page=1, pages=2))] == ["2", "Next"]
    assert [text for text, _, _ in links(Pages(page=2, pages=2))] == ["Previous", "1"]


def test_current_page_and_gaps(app):
    soup = render(app, '{{ pager(p, "calls.index", "Pages of calls") }}',
                  p=Pages(page=5, pages=9))
    assert soup.nav["aria-label"] == "Pages of calls"
    assert soup.select_one('[aria-current="page"]').get_text() == "5"
    assert [li.get_text(strip=True) for li in soup.select("li.disabled")] == ["…"]


def test_without_page_numbers_it_says_page_n_of_total(app):
    soup = render(app, '{% macro link(n) %}/x?page={{ n }}{% endmacro %}'
                       '{{ pager({"page": 2, "pages": 5}, none, "Pages", url=link) }}')
    assert soup.select_one('[aria-current="page"]').get_text() == "Page 2 of 5"
    assert [a["href"] for a in soup.select("a")] == ["/x?page=1", "/x?page=3"]


def test_filter_select_marks_the_chosen_option(app):
    soup = render(app, '{{ filter_select("level", "Level", {"eu": "Europe", "it": "Italy"}, "it",'
                       ' blank="All levels") }}')
    assert soup.label["for"] == soup.select_one("select")["id"] == "filter-level"
    assert [(o["value"], o.has_attr("selected")) for o in soup.select("option")] == [
        ("", False), ("eu", False), ("it", True)]


def test_select_takes_pairs_and_no_blank(app):
    soup = render(app, '{{ select("role", [("member", "Member"), ("staff", "Staff")], "staff",'
                       ' id="role-3", css="form-select-sm") }}')
    select = soup.select_one("select")
    assert (select["id"], select["name"], select["class"]) == ("role-3", "role", ["form-select-sm"])
    assert [o["value"] for o in soup.select("option")] == ["member", "staff"]
    assert soup.select_one("option[selected]")["value"] == "staff"
