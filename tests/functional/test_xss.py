"""Known XSS payloads through post bodies, discussion titles, member names and bios.

Each payload goes everywhere a member can put text that other people see; the pages are then
parsed and checked the way a browser would run them: no script-capable element the page does
not have with harmless content, no event-handler attribute, no script or data URL.
"""
import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.accounts.services import set_profile
from forum.core.db import utcnow
from forum.discussions import services
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.helpers import page, submit

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](javascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[a](javascript:alert`1`)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[click][r]\n\n[r]: javascript:alert(1)",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#14;javascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<embed src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="data:text/css,body{}">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)"',
    '<a href="javascript:alert(1)"',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '[x](https://example.org" onmouseover="alert(1))',
    '![x](https://example.org/x.png"onerror="alert(1))',
    "@<script>alert(1)</script> @admin<img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>` and\n\n    <script>alert(2)</script>",
    "**<img src=x onerror=alert(1)>** _[x](javascript:alert(1))_",
    "> <script>alert(1)</script>\n> [q](javascript:alert(1))",
]

SCRIPTABLE = ("script", "style", "iframe", "object", "embed", "svg", "math", "base", "frame",
              "frameset", "applet", "link", "meta", "noscript", "template")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "background",
                  "data", "srcset", "codebase", "cite", "ping")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
HARMLESS = "Harmless text"


def _squeeze(value: str) -> str:
    # Browsers drop whitespace and control characters anywhere in a URL's scheme.
    return "".join(ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()


def _signature(soup):
    """What a page has of each script-capable element, to compare against the harmless page."""
    return sorted(
        (tag.name, tuple(sorted((k, str(v)) for k, v in tag.attrs.items())), tag.get_text())
        for tag in soup.find_all(SCRIPTABLE)
    )


def assert_clean(response, baseline):
    assert response.status_code == 200
    soup = page(response)
    assert soup.title is not None
    assert _signature(soup) == _signature(baseline)
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), (tag.name, name, value)
            values = value if isinstance(value, list) else [value]
            if name.lower() in URL_ATTRIBUTES:
                for item in values:
                    assert not _squeeze(item).startswith(BAD_SCHEMES), (tag.name, name, item)
    for script in soup.find_all("script"):
        assert not script.get_text().strip() and script.get("src", "").startswith("/static/")


def _publish(app, text, number):
    """A member whose name and bio are `text`, and a discussion titled `text` opened with it."""
    with app.app_context():
        twinning = db.session.scalar(select(Twinning).where(Twinning.slug == "xss"))
        if twinning is None:
            twinning = Twinning(slug="xss", title="XSS")
            db.session.add(twinning)
        username = f"writer{number}"
        user = User(username=username, username_key=username, email=f"{username}@example.org",
                    email_confirmed_at=utcnow(), listed=True)
        set_profile(user, full_name=text[:120], bio=text)
        db.session.add(user)
        db.session.flush()
        discussion = services.start_discussion(user, twinning, text[:200] or "x", text)
        services.reply(user, discussion, text)
        db.session.commit()
        return username, discussion.id, discussion.posts[0].id


@pytest.fixture
def baseline(app, client):
    """The same pages with harmless content, for the elements the layout itself carries."""
    username, discussion_id, post_id = _publish(app, HARMLESS, 0)
    return {
        "discussion": page(client.get(f"/discussions/{discussion_id}")),
        "member": page(client.get(f"/members/{username}")),
        "home": page(client.get("/")),
        "twinning": page(client.get("/twinnings/xss")),
    }


@pytest.mark.parametrize("number,payload", list(enumerate(PAYLOADS, start=1)))
def test_payload_cannot_run_script(app, client, baseline, number, payload):
    username, discussion_id, _post_id = _publish(app, payload, number)
    assert_clean(client.get(f"/discussions/{discussion_id}"), baseline["discussion"])
    assert_clean(client.get(f"/members/{username}"), baseline["member"])
    # Titles and names also appear in lists: the home page and the twinning's discussions.
    home = client.get("/")
    assert_clean(home, baseline["home"])
    twinning = client.get("/twinnings/xss")
    assert_clean(twinning, baseline["twinning"])
    title = " ".join(payload[:200].split())
    for response in (home, twinning):
        assert title in " ".join(page(response).get_text(" ").split())


def test_payloads_cover_enough_cases():
    assert len(PAYLOADS) >= 30


CLEAN_PAGE = "<html><head><title>t</title></head><body><p>{}</p></body></html>"


@pytest.mark.parametrize("dirty", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg></svg>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>', '<a href=" DATA:text/html,x">x</a>',
    '<button formaction="vbscript:x">b</button>', "<style>p{}</style>",
])
def test_the_checker_catches_what_it_looks_for(dirty):
    from flask import Response

    baseline = page(Response(CLEAN_PAGE.format("")))
    with pytest.raises(AssertionError):
        assert_clean(Response(CLEAN_PAGE.format(dirty)), baseline)


@pytest.mark.parametrize("payload", PAYLOADS[::5])
def test_quote_prefill_and_preview_stay_inert(app, client, make_user, login, payload):
    _username, discussion_id, post_id = _publish(app, payload, 900)
    _h_user, harmless_id, harmless_post = _publish(app, HARMLESS, 901)
    login(make_user("reader"))
    clean_quote = page(client.get(f"/discussions/{harmless_id}?quote={harmless_post}"))
    quoted = client.get(f"/discussions/{discussion_id}?quote={post_id}")
    assert_clean(quoted, clean_quote)
    url = f"/discussions/{discussion_id}/reply"
    clean_preview = page(submit(client, f"/discussions/{harmless_id}/reply",
                                {"body": HARMLESS, "preview": "1"},
                                form_url=f"/discussions/{harmless_id}"))
    preview = submit(client, url, {"body": payload, "preview": "1"},
                     form_url=f"/discussions/{discussion_id}")
    assert_clean(preview, clean_preview)
