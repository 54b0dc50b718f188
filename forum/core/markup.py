"""The one place user text becomes HTML: Markdown (raw HTML off) then the nh3 allow-list.

nh3 (Ammonia) replaces bleach, whose maintainers ended it with no further security
releases; see the README. Nothing else in the code base may render or sanitise user HTML.
"""
import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_md.enable(["linkify", "table", "strikethrough"])


def _demote_headings(tokens):
    # Page titles own h1/h2; user headings start at h3 so the outline stays sound.
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag in ("h1", "h2"):
            token.tag = "h3"


def render_markdown(source: str | None) -> str:
    """Markdown source to sanitised HTML, ready to store beside the source."""
    if not source:
        return ""
    tokens = _md.parse(source)
    _demote_headings(tokens)
    html = _md.renderer.render(tokens, _md.options, {})
    return sanitise_html(html)


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
