"""A member joins a twinning from the top of its page and quotes a post without a reload."""
import pytest

from tests.browser.conftest import new_context
from tests.browser.test_browser_journeys import (
    DEMO_PASSWORD,
    bergamo_lecce,
    bergamo_lecce_discussion,
    demo_member,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_join_from_the_panel_under_the_title_on_a_phone(server, page):
    twinning = bergamo_lecce(server)
    sign_in(page, demo_member(), DEMO_PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{twinning}?lang=it")
    panel = page.locator("#take-part")
    title_bottom = page.locator("main h1").bounding_box()
    assert panel.bounding_box()["y"] - (title_bottom["y"] + title_bottom["height"]) < 100
    button = panel.locator("form button[type=submit]").first
    label = button.inner_text()
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith("#take-part")
    assert panel.locator("form button[type=submit]").first.inner_text() != label


def test_quote_fills_and_focuses_the_reply_box_without_a_reload(server, page):
    discussion = bergamo_lecce_discussion(server)
    sign_in(page, demo_member(), DEMO_PASSWORD)
    page.goto(discussion)
    page.evaluate("window.notReloaded = true")
    page.locator("article.post a.quote-link").first.click()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.name") == "body"
    assert page.input_value("#reply textarea[name=body]").count("\n> ") >= 1


def test_a_staff_members_slim_header_stays_on_one_line_on_a_phone(server, page):
    from forum.seed.accounts import DEMO_STAFF

    sign_in(page, DEMO_STAFF, DEMO_PASSWORD)
    for width in (320, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/?lang=it")
        zone = page.locator(".it-header-slim-right-zone")
        parts = [page.locator(selector).bounding_box() for selector in (
            ".language-switcher", "a.notifications-link", "a.moderation-link",
            "#account-menu-button")]
        middles = [box["y"] + box["height"] / 2 for box in parts]
        assert max(middles) - min(middles) < 8, (width, parts)
        assert zone.bounding_box()["height"] <= 60, width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The links' names are still there for screen readers.
        assert page.locator("a.moderation-link .header-link-label").text_content() == "Moderazione"


def test_a_failed_registration_lands_on_the_error_summary(server, page):
    page.goto("/auth/register?lang=it")
    page.locator("main form.account-form [type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("main .error-summary")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.locator("li a").count() >= 4
    summary.locator("a[href='#username']").click()
    assert page.evaluate("document.activeElement.id") == "username"


def test_practice_filters_are_folded_on_a_phone_and_shown_on_a_wide_screen(server, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/practices/?lang=it")
    kind = page.locator("main select[name=kind]")
    toggle = page.locator("main details.filter-details > summary")
    assert toggle.is_visible() and not kind.is_visible()
    # The first result is on the first screen, not ~700 px of filters down.
    assert page.locator("main .practice-card").first.bounding_box()["y"] < 800
    toggle.click()
    assert kind.is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/practices/?lang=it")
    assert kind.is_visible() and not toggle.is_visible()


def test_related_practices_are_picked_by_title(server, browser, member_state, request):
    # Signed in once for the session (member_state): sign-ins are rate limited per address.
    context = new_context(browser, server, storage_state=member_state)
    request.addfinalizer(context.close)
    page = context.new_page()
    page.goto("/practices/new?kind=offer&lang=it")
    picker = page.locator("[data-related-picker]")
    assert picker.is_visible()
    box = picker.locator("input[role=combobox]")
    box.press_sequentially("dati", delay=30)
    option = picker.locator("[role=option]").first
    option.wait_for(state="visible", timeout=5000)
    assert box.get_attribute("aria-expanded") == "true"
    title = option.inner_text().rsplit(" (", 1)[0]
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    numbers = page.input_value("#related")
    assert numbers.strip().isdigit(), numbers
    chosen = page.locator("[data-related-chosen] li")
    assert chosen.count() == 1 and title in chosen.inner_text()
    # The form was not sent by Enter, and removing the practice empties the numbers field.
    assert "/practices/new" in page.url
    chosen.locator("button").click()
    assert page.input_value("#related") == ""
