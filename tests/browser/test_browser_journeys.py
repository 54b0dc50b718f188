"""Journeys a person takes through the site, in a real browser.

Each journey needs its pages: a missing one fails the journey, naming the page that
is missing (a 404 on the test server). Several people in one journey (a reporter, staff, a
visitor) each get a browser context of their own.
"""
import random
import re
import uuid

import pytest

from tests.browser.conftest import Server, require

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DEMO_PASSWORD = "gemellaggi-demo"


def bergamo_lecce(server: Server) -> str:
    rows = server.query(
        "SELECT slug FROM twinnings WHERE title LIKE '%BG-LE%' OR slug LIKE '%bergamo%lecce%' "
        "ORDER BY id LIMIT 1")
    if not rows:
        pytest.fail("the demo data has no Bergamo–Lecce twinning")
    path = f"/twinnings/{rows[0][0]}"
    require(server, path, "the twinning page")
    return path


def bergamo_lecce_discussion(server: Server) -> str:
    rows = server.query(
        "SELECT d.id FROM discussions d JOIN twinnings t ON t.id = d.twinning_id "
        "WHERE (t.title LIKE '%BG-LE%' OR t.slug LIKE '%bergamo%lecce%') AND NOT d.locked "
        "ORDER BY d.reply_count DESC, d.id LIMIT 1")
    if not rows:
        pytest.fail("the demo data has no discussion in the Bergamo–Lecce twinning")
    path = f"/discussions/{rows[0][0]}"
    require(server, path, "the discussion page")
    return path


def demo_member() -> str:
    from forum.seed.accounts import DEMO_MEMBER

    return DEMO_MEMBER


def sign_in(page, login: str, password: str) -> None:
    page.goto("/auth/login")
    form = page.locator("main form.account-form")
    form.locator("input[name=login]").fill(login)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#account-menu-button").count() == 1, (
        f"signing in as {login} failed: {page.locator('main').inner_text()[:300]}")


def made_up_word() -> str:
    """A word no text of the site contains, and no stemmer changes."""
    return "zq" + "".join(random.choice("bcdfglmnprstvz") + random.choice("aeiou")
                          for _ in range(4)) + "x"


def posts_text(page) -> str:
    return " ".join(page.locator("article.post .post-body").all_inner_texts())


# --- (1) search in Italian, open the twinning -----------------------------------------------

def test_visitor_searches_in_italian_and_opens_the_twinning(server, page):
    require(server, "/search?q=gemellaggio", "search")
    twinning = bergamo_lecce(server)

    page.goto("/?lang=it")
    assert page.get_attribute("html", "lang") == "it"
    box = page.locator("input[name=q]:visible")
    if box.count() == 0:
        # No search box in the header: the search page has its own form.
        page.goto("/search")
        box = page.locator("main input[name=q]")
    box.first.fill("gemellaggio")
    box.first.press("Enter")
    page.wait_for_load_state()
    assert "/search" in page.url and "q=gemellaggio" in page.url

    result = page.locator(f"main a[href^='{twinning}']").first
    assert result.count() == 1, (
        f"no result links to {twinning}: {page.locator('main').inner_text()[:500]}")
    result.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(twinning)
    assert page.get_attribute("html", "lang") == "it"
    assert "Bergamo" in page.locator("main").inner_text()


# --- (2) switch to English on the same page ---------------------------------------------------

def test_switching_to_english_keeps_the_page(server, page):
    twinning = bergamo_lecce(server)
    page.goto(f"{twinning}?lang=it")
    assert page.get_attribute("html", "lang") == "it"
    title = page.locator("h1").inner_text()

    page.locator("a[hreflang=en]").first.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(twinning)
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("h1").inner_text() == title
    assert page.locator("a[hreflang=en][aria-current]").count() == 1

    # The choice sticks: the same page without ?lang= stays English.
    page.goto(twinning)
    assert page.get_attribute("html", "lang") == "en"


# --- (3) register, confirm from the mail, reply ---------------------------------------------

def test_newcomer_registers_confirms_and_replies(server, page, other_person):
    discussion = bergamo_lecce_discussion(server)
    name = f"nuovo{uuid.uuid4().hex[:8]}"
    email = f"{name}@example.org"
    password = "una password lunga abbastanza"

    page.goto("/auth/register?lang=it")
    form = page.locator("main form.account-form")
    form.locator("input[name=username]").fill(name)
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("input[name=full_name]").fill("Nuova Arrivata")
    # Bootstrap Italia draws the checkbox on its label, which is what a person clicks.
    form.locator("label[for=accept_privacy]").click()
    assert form.locator("input[name=accept_privacy]").is_checked()
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert "/auth/login" in page.url, page.locator("main").inner_text()[:500]
    assert email in page.locator("main").inner_text()

    # Not confirmed yet: can read, cannot reply.
    sign_in(page, name, password)
    page.goto(discussion)
    assert page.locator("#reply textarea[name=body]").count() == 0

    page.goto(server.mail_link(email, r"/auth/confirm/"))
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() >= 1, page.locator("main").inner_text()[:300]

    page.goto(discussion)
    word = made_up_word()
    text = f"Grazie per l'invito, partecipo volentieri: {word}."
    page.locator("#reply textarea[name=body]").fill(text)
    page.locator("#reply [type=submit][name=submit]").click()
    page.wait_for_load_state()
    assert text in posts_text(page)
    author = page.locator("article.post", has_text=text)
    assert "Nuova Arrivata" in author.inner_text() or name in author.inner_text()
    visitor = other_person()
    visitor.goto(discussion)
    assert text in posts_text(visitor), "the reply is not public"

    # The running site indexes it at once: its one made-up word finds the discussion.
    if server.status("/search?q=x") != 404:
        page.goto(f"/search?q={word}")
        assert page.locator(f"main a[href^='{discussion}']").count() >= 1, (
            f"the reply is not found by searching {word!r}: "
            f"{page.locator('main').inner_text()[:300]}")


# --- (5) keyboard only: skip link, then the reply form -------------------------------------

def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
                href: e.getAttribute('href'), type: e.getAttribute('type'),
                width: e.getBoundingClientRect().width}; }""")


def test_keyboard_only_skip_link_and_reply(server, page):
    discussion = bergamo_lecce_discussion(server)
    sign_in(page, demo_member(), DEMO_PASSWORD)
    page.goto(discussion)

    page.keyboard.press("Tab")
    first = focused(page)
    assert first["href"] == "#main", f"the first Tab stop is {first}, not the skip link"
    assert first["width"] > 1, "the skip link stays invisible when focused"

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main", f"Enter on the skip link focused {focused(page)}"

    for _ in range(400):
        page.keyboard.press("Tab")
        if focused(page)["name"] == "body":
            break
    else:
        pytest.fail("Tab never reached the reply box")
    text = f"Scritto solo con la tastiera ({uuid.uuid4().hex[:6]})."
    page.keyboard.type(text)

    # On through the rest of the form (attachments) to the send button.
    for _ in range(10):
        page.keyboard.press("Tab")
        if (focused(page)["name"], focused(page)["type"]) == ("submit", "submit"):
            break
    else:
        pytest.fail(f"Tab from the reply box never reached the send button: {focused(page)}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert text in posts_text(page)


# --- (6) a cerco, and "I'm interested" on a suggested offro -----------------------------------

def test_member_posts_a_cerco_and_is_interested_in_an_offro(server, page):
    require(server, "/practices/", "practices")
    sign_in(page, demo_member(), DEMO_PASSWORD)
    page.goto("/practices/new?kind=seek&lang=it")
    form = page.locator("main form[method=post]")
    assert form.locator("input[name=kind][value=seek]").is_checked()
    title = f"Lampioni a LED con telegestione per il nostro Comune {made_up_word()}"
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=summary]").fill(
        "Cerchiamo esperienze di lampioni LED e telegestione per ridurre i consumi energetici "
        "dell'illuminazione pubblica.")
    form.locator("textarea[name=body]").fill(
        "Vorremmo sostituire i lampioni con **LED** e una telegestione dei punti luce, "
        "magari con un contratto di rendimento energetico.")
    theme = form.locator("input[name=themes][value=energy-environment]")
    form.locator(f"label[for='{theme.get_attribute('id')}']").click()
    assert theme.is_checked()
    form.locator("[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith(title), page.locator("main").inner_text()[:400]

    suggestions = page.locator(".practice-matches li.practice-suggestion")
    offers = [int(i) for i in suggestions.evaluate_all(
        "items => items.map(li => li.dataset.practice)")]
    assert offers, f"no suggestion for the cerco: {page.locator('main').inner_text()[:400]}"
    kinds = dict(server.query("SELECT id, kind FROM practices"))
    offer = next((i for i in offers if kinds.get(i) == "offer"), None)
    assert offer is not None, f"no offro among the suggestions {offers}"

    page.locator(f".practice-suggestion[data-practice='{offer}'] a[href$='/practices/{offer}']"
                 ).first.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(f"/practices/{offer}")
    interest = page.locator(f"form[action$='/practices/{offer}/interest']")
    interest.locator("textarea[name=message]").fill("Ci interessa molto: possiamo sentirci?")
    interest.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() >= 1, page.locator("main").inner_text()[:400]
    assert page.locator(f"form[action$='/practices/{offer}/interest']").count() == 0
    # The author of the offro is told by mail.
    author = server.query("SELECT u.email FROM practices p JOIN users u ON u.id = p.author_id "
                          "WHERE p.id = ?", offer)[0][0]
    assert server.query("SELECT count(*) FROM outbox_messages WHERE recipient = ?",
                        author)[0][0] >= 1


# --- (4) staff hide a reported post ---------------------------------------------------------

def other_demo_member(server: Server) -> str:
    rows = server.query(
        "SELECT username FROM users WHERE role = 'member' AND username != ? "
        "AND email LIKE '%@gemellaggi.example' AND email_confirmed_at IS NOT NULL "
        "ORDER BY id LIMIT 1", demo_member())
    assert rows, "the demo data has a single member"
    return rows[0][0]


def test_staff_hide_a_reported_post(server, page, other_person):
    require(server, "/mod/", "moderation")
    from forum.seed.accounts import DEMO_STAFF

    discussion = bergamo_lecce_discussion(server)
    # A member writes something...
    sign_in(page, demo_member(), DEMO_PASSWORD)
    page.goto(discussion)
    text = f"Offerta imperdibile, scrivetemi in privato: {made_up_word()}."
    page.locator("#reply textarea[name=body]").fill(text)
    page.locator("#reply [type=submit][name=submit]").click()
    page.wait_for_load_state()
    assert text in posts_text(page)

    # ...another member reports it...
    reporter = other_person()
    sign_in(reporter, other_demo_member(server), DEMO_PASSWORD)
    reporter.goto(discussion)
    post = reporter.locator("article.post", has_text=text)
    report = post.locator("a[href*='/report/post/']")
    post_id = report.get_attribute("href").rstrip("/").split("/")[-1]
    # "Segnala" is in the post's menu of secondary actions.
    post.locator("details.post-menu > summary").click()
    report.click()
    reporter.wait_for_load_state()
    form = reporter.locator("form.report-form")
    reason = form.locator("input[name=reason]").first
    form.locator(f"label[for='{reason.get_attribute('id')}']").click()
    assert reason.is_checked()
    form.locator("[type=submit]").click()
    reporter.wait_for_load_state()
    assert reporter.locator(".alert-success").count() >= 1, reporter.locator("main").inner_text()
    assert text in posts_text(reporter), "one report alone hid the post"

    # ...staff find it in the queue and hide it...
    staff = other_person()
    sign_in(staff, DEMO_STAFF, DEMO_PASSWORD)
    staff.goto("/mod/")
    staff.locator(f"main a[href$='/mod/post/{post_id}']").first.click()
    staff.wait_for_load_state()
    hide = staff.locator("form[action$='/hide']")
    hide.locator("input[name$=reason], textarea[name$=reason]").first.fill("Pubblicità")
    hide.locator("[type=submit]").click()
    staff.wait_for_load_state()
    assert staff.locator("form[action$='/restore']").count() == 1, (
        staff.locator("main").inner_text()[:500])

    # ...and visitors no longer see it.
    visitor = other_person()
    visitor.goto(discussion)
    assert text not in visitor.locator("main").inner_text()



# --- (5) an offer adopted by another council ------------------------------------------------

def profile_points(page, username: str) -> int:
    page.goto(f"/members/{username}?lang=en")
    text = page.locator("section.member-engagement").inner_text()
    found = re.search(r"(\d+) points? for helping", text)
    assert found, text[:300]
    return int(found.group(1))


def test_another_council_marks_an_offer_adopted(server, page, other_person):
    require(server, "/leaderboard", "the leaderboard")
    offerer = "elena.rota"  # Comune di Bergamo; the demo member is Comune di Lecce's
    sign_in(page, offerer, DEMO_PASSWORD)
    page.goto("/practices/new?kind=offer&lang=en")
    form = page.locator("main form[method=post]")
    title = f"Assessment della smart city per i comuni {made_up_word()}"
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=summary]").fill(
        "Il modello di valutazione che usiamo per misurare i progetti smart city.")
    form.locator("textarea[name=body]").fill("Indicatori, questionari e tempi.")
    theme = form.locator("input[name=themes][value=governance]")
    form.locator(f"label[for='{theme.get_attribute('id')}']").click()
    form.locator("[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith(title), page.locator("main").inner_text()[:400]
    offer_url = page.url.split("?")[0]
    # The author is not offered the button: it is another organisation's to press.
    assert page.locator("form[action$='/adopted']").count() == 0
    before = profile_points(page, offerer)

    adopter = other_person()
    sign_in(adopter, demo_member(), DEMO_PASSWORD)
    adopter_before = profile_points(adopter, demo_member())
    adopter.goto(f"{offer_url}?lang=en")
    adopter.locator("#adopted form[action$='/adopted'] [type=submit]").click()
    adopter.wait_for_load_state()
    assert "Comune di Lecce" in adopter.locator("#adopted").inner_text()
    assert adopter.locator("#adopted form[action$='/adopted']").count() == 0

    assert profile_points(adopter, demo_member()) == adopter_before + 25
    assert profile_points(page, offerer) == before + 25
    assert page.locator("section.member-engagement a[href='/badges#mentor']").count() == 1
    page.goto("/leaderboard?board=organisations&period=month&lang=en")
    board = page.locator("main table").inner_text()
    assert "Comune di Bergamo" in board and "Comune di Lecce" in board
