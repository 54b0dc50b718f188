"""Properties of render_markdown for any text at all, and for text built to attack it.

Whatever a member types, the stored HTML holds only the allow-listed tags and attributes,
links only to http, https, mailto or this site, every link carries rel="nofollow ugc
noopener", and sanitising the output again changes nothing (nothing is left for a second
pass, or a browser, to reinterpret).
"""
import re
import string
from html.parser import HTMLParser

from hypothesis import example, given
from hypothesis import strategies as st

from forum.core import markup

SPECIAL = list("<>\"'&`:;/\\=()[]!#*_-|~.@%\t\n\r ") + [
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\xa0", "\u2028", "\u2029",
    "\u200b", "\u202e", "\ufeff", "\ufffe"]

WIDE_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(string.ascii_letters + string.digits),
    st.characters(exclude_categories=("Cs",))), max_size=300)

FRAGMENTS = [
    # markup, half-open and whole
    "<", ">", "</", "/>", "<script>", "</script>", "<img src=x onerror=alert(1)>", "<svg",
    "<style>", "<iframe src=", "<a href=\"", "<a href='", "<b>", "</b>", "<p>", "<math>",
    "<!--", "-->", "<![CDATA[", "]]>", "<base href=", "<meta http-equiv=refresh content=",
    "<form action=", "<button formaction=", "<object data=", "<embed src=", "<table>",
    # attributes and quoting
    " onerror=", " onclick=", " onmouseover=", " style=", " href=", " src=", " xlink:href=",
    "\"", "'", "`", "=", " ", "\t", "\n", "\n\n", "    ",
    # schemes, obfuscated too
    "javascript:", "JaVaScRiPt:", "java\tscript:", "java\nscript:", "&#106;avascript:",
    "&#x6A;avascript:", "javascript&#58;", "javascript&colon;", "vbscript:", "data:",
    "data:text/html;base64,PHNjcmlwdD4=", "http://", "https://example.org", "mailto:", "www.",
    "//example.org", "\x01", "\x0b", "\x00", "\u2028", "\ufeff", "%0a", "%3C", "&lt;",
    "&amp;", "&quot;", "&", ";", "alert(1)", "x",
    # Markdown syntax around links and blocks
    "[", "]", "](", ")", "![", "[x]: ", "[x]", "<http://example.org>", "<javascript:alert(1)>",
    " \"title\"", "*", "**", "_", "`", "```", "> ", "# ", "- ", "1. ", "|", "| --- |", "---",
    "@admin", "\\",
]

ATTACK_TEXT = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)

SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class _Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def _scheme(url: str) -> str | None:
    # As a browser reads it: whitespace and control characters in the scheme are dropped.
    squeezed = "".join(ch for ch in url if ord(ch) > 0x20 and ord(ch) != 0x7F).lower()
    match = SCHEME.match(squeezed)
    return match.group(1) if match else None


def assert_safe(html: str, *, settled: bool = True) -> None:
    for tag, attrs in _Elements(html).elements:
        assert tag in markup.ALLOWED_TAGS, (tag, html)
        allowed = markup.ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, (tag, attrs, html)
        if tag == "a":
            assert attrs.get("rel") == markup.LINK_REL, (attrs, html)
            href = attrs.get("href")
            if href is not None:
                assert _scheme(href) in markup.URL_SCHEMES | {None}, (href, html)
    if settled:
        assert markup.sanitise_html(html) == html


@given(WIDE_TEXT)
@example("<script>alert(1)</script>")
@example("[x](javascript:alert(1))")
@example("\x00<\x01a href=javascript:alert(1)>")
def test_any_text_renders_to_allow_listed_html(source):
    assert_safe(markup.render_markdown(source))


@given(ATTACK_TEXT)
@example("[x](java\tscript:alert(1))")
@example("[x]: javascript:alert(1)\n\n[y][x]")
@example('<a href="javascript:alert(1)">x</a>')
@example("[x](https://example.org \"a\" onclick=\"alert(1)\")")
def test_dangerous_fragments_render_to_allow_listed_html(source):
    assert_safe(markup.render_markdown(source))


@given(ATTACK_TEXT)
def test_sanitising_any_html_gives_allow_listed_html(html):
    # The allow-list itself, without Markdown in front: raw HTML of any shape. (Not "settled":
    # html5ever drops a byte-order mark that ends up first in a document, so a second pass
    # over "\x00\ufeff" takes away what the first left; Markdown output starts with a tag.)
    assert_safe(markup.sanitise_html(html), settled=False)


@given(st.sampled_from(sorted(markup.URL_SCHEMES)))
def test_the_checker_accepts_the_allowed_schemes(scheme):
    assert_safe(markup.render_markdown(f"[x]({scheme}:example@example.org)"))


def test_the_checker_refuses_what_it_looks_for():
    for html in ('<script>x</script>', '<p onclick="x">y</p>', '<a href="x">y</a>',
                 f'<a href="javascript:x" rel="{markup.LINK_REL}">y</a>',
                 f'<a href="java&#9;script:x" rel="{markup.LINK_REL}">y</a>',
                 '<img src="https://example.org/x.png">'):
        try:
            assert_safe(html)
        except AssertionError:
            continue
        raise AssertionError(f"the checker let through {html!r}")
