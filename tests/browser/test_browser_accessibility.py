"""Every key page, in Italian and English: WCAG 2.1 A/AA by axe-core, and how it looks.

A page fails on any axe violation of impact serious or critical; moderate and minor ones are
printed and listed in the end-of-run summary. Each page is also opened as users get it (CSP
enforced) to catch refused inline scripts or styles and script errors, photographed at 1280
and 375 px wide, and checked for sideways scrolling at 375 px.

Every key page must exist and have something to show in the demo data: a missing one fails.
"""
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.browser.conftest import (
    AXE_SCRIPT,
    SCREENSHOTS,
    PageProblems,
    Server,
    new_context,
    note,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
MOBILE_WIDTH = 375
# The innermost visible elements sticking out past the right edge: what makes a page scroll.
WIDER_THAN = """(limit) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > limit + 1 && e.offsetParent !== null
                 && ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (typeof e.className === 'string' && e.className.trim()
                 ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""


def bergamo_lecce(server: Server) -> str | None:
    rows = server.query(
        "SELECT slug FROM twinnings WHERE title LIKE '%BG-LE%' OR slug LIKE '%bergamo%lecce%' "
        "ORDER BY id LIMIT 1")
    return f"/twinnings/{rows[0][0]}" if rows else None


def bergamo_lecce_discussion(server: Server) -> str | None:
    # The busiest discussion of the twinning: the one with replies to read.
    rows = server.query(
        "SELECT d.id FROM discussions d JOIN twinnings t ON t.id = d.twinning_id "
        "WHERE t.title LIKE '%BG-LE%' OR t.slug LIKE '%bergamo%lecce%' "
        "ORDER BY d.reply_count DESC, d.id LIMIT 1")
    return f"/discussions/{rows[0][0]}" if rows else None


def first_of(table: str, path: str) -> Callable[[Server], str | None]:
    def resolve(server: Server) -> str | None:
        rows = server.query(f"SELECT id FROM {table} ORDER BY id LIMIT 1")
        return path.format(rows[0][0]) if rows else None

    return resolve


def demo_member(server: Server) -> str | None:
    from forum.seed.accounts import DEMO_MEMBER

    return f"/members/{DEMO_MEMBER}"


@dataclass(frozen=True)
class KeyPage:
    name: str
    path: str | Callable[[Server], str | None]
    # Seen by the signed-in demo member (forms only members get), not by a visitor.
    member: bool = False

    def resolve(self, server: Server) -> str | None:
        return self.path if isinstance(self.path, str) else self.path(server)


# One line per key page; later features add theirs here.
KEY_PAGES = [
    KeyPage("home", "/"),
    KeyPage("twinnings", "/twinnings/"),
    KeyPage("twinning-bergamo-lecce", bergamo_lecce),
    KeyPage("discussion", bergamo_lecce_discussion),
    KeyPage("city-lecce", "/cities/lecce"),
    KeyPage("search", "/search?q=gemellaggio"),
    KeyPage("profile", demo_member),
    KeyPage("members", "/members/"),
    KeyPage("register", "/auth/register"),
    KeyPage("sign-in", "/auth/login"),
    KeyPage("practices", "/practices/"),
    KeyPage("practice", first_of("practices", "/practices/{}")),
    KeyPage("calls", "/calls/"),
    KeyPage("call", first_of("calls", "/calls/{}")),
    KeyPage("discussion-reply-form", bergamo_lecce_discussion, member=True),
    KeyPage("new-practice-form", "/practices/new?kind=offer", member=True),
    KeyPage("edit-profile-form", "/account/profile", member=True),
]


AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                         resultTypes: ['violations']})
    .then(r => r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))
    })))"""


def with_language(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def resolve_or_skip(server: Server, key: KeyPage, lang: str) -> str:
    path = key.resolve(server)
    if path is None:
        pytest.fail(f"{key.name}: the demo data has nothing to show")
    status = server.status(path)
    if status == 404:
        pytest.fail(f"{key.name}: GET {path} is 404")
    # A members' page sends a visitor (this check) to sign in: the route is there.
    assert status == 200 or (key.member and status == 302), (
        f"GET {path} answered {status}; the server's log ends:\n" + server.log_tail())
    return with_language(path, lang)


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    more = len(violation["nodes"]) - 3
    return (f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} element(s): {targets}{' …' if more > 0 else ''})")


@pytest.mark.parametrize("lang", ["it", "en"])
@pytest.mark.parametrize("key", KEY_PAGES, ids=[k.name for k in KEY_PAGES])
def test_key_page_accessibility(request, server, browser, key, lang):
    url = resolve_or_skip(server, key, lang)
    state = request.getfixturevalue("member_state") if key.member else None
    context = new_context(browser, server, storage_state=state)
    request.addfinalizer(context.close)
    page = context.new_page()
    page.problems = PageProblems(page)
    axe_context = new_context(browser, server, bypass_csp=True, storage_state=state)
    request.addfinalizer(axe_context.close)

    # As users get it: the site's CSP enforced, at desktop then phone width.
    response = page.goto(url)
    assert response.status == 200
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("#account-menu-button").count() == int(key.member), "signed in?"
    page.screenshot(path=SCREENSHOTS / f"{key.name}-{lang}-1280.png", full_page=True)
    page.set_viewport_size({"width": MOBILE_WIDTH, "height": 812})
    page.screenshot(path=SCREENSHOTS / f"{key.name}-{lang}-{MOBILE_WIDTH}.png", full_page=True)
    problems = []
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:
        wide = page.evaluate(WIDER_THAN, MOBILE_WIDTH)
        problems.append(f"scrolls sideways by {overflow} px at {MOBILE_WIDTH} px wide "
                        f"(WCAG 1.4.10 reflow); too wide: {wide}")
    problems += page.problems.csp() + page.problems.scripts()

    # axe-core, injected in a context that lets its inline script run.
    audit = axe_context.new_page()
    audit.goto(url)
    audit.add_script_tag(path=str(AXE_SCRIPT))
    for width in (1280, MOBILE_WIDTH):
        # The phone layout differs (burger menu, stacked header), so it is checked too.
        audit.set_viewport_size({"width": width, "height": 900})
        violations = audit.evaluate(AXE_RUN, WCAG_TAGS)
        for violation in violations:
            if violation["impact"] in FAILING_IMPACTS:
                problems.append(
                    f"axe at {width} px " + describe(violation) + "\n    "
                    + violation["nodes"][0]["html"][:200] + "\n    "
                    + (violation["nodes"][0]["summary"] or "").replace("\n", "\n    "))
            else:
                note(f"axe {key.name} ({lang}, {width} px) {describe(violation)}")
    assert not problems, f"{url}:\n" + "\n".join(problems)
