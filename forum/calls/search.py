"""Calls for funding in the site search: their type, registered by create_app."""
from flask_babel import lazy_gettext as _l

from forum.calls.models import Call
from forum.core import visibility
from forum.core.searchable import Document, SearchType, join, site_path, text


def _call_doc(c) -> Document | None:
    if c.visibility == visibility.DELETED:
        return None
    return Document(title=c.title, summary=join(c.summary, c.programme, c.issuer),
                    body=text(c.body_html), themes=c.theme_codes,
                    author_id=c.author_id, date=c.published_at or c.created_at,
                    visibility=c.visibility)


CALLS = SearchType(
    name="call", model=Call, label=_l("Calls for funding"),
    build=_call_doc,
    url=lambda c: site_path("calls", c.id),
    fields=("title", "summary", "programme", "issuer", "body_html", "themes", "level",
            "visibility", "author_id", "published_at"),
    date_of=lambda c: c.published_at or c.created_at,
)


SEARCH_TYPES = (CALLS,)
