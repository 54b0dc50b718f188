"""The Atom feed of newly published calls, written by forum.core.atom."""
from collections.abc import Iterable

from forum.calls.models import Call
from forum.core.atom import Entry, Feed, xml_text

__all__ = ["feed_of", "xml_text"]


def feed_of(*, title: str, self_url: str, page_url: str, language: str,  # noqa: PLR0913 (a feed's parts, by name)
            translations: dict[str, str], entries: Iterable[tuple[Call, str, str]],
            fallback_updated) -> Feed:
    """entries: (call, page address, one-line summary in the reader's language)."""
    return Feed(title=title, self_url=self_url, page_url=page_url, language=language,
                translations=translations, updated_fallback=fallback_updated,
                entries=[Entry(url=url, title=call.title,
                               published=call.published_at or call.created_at,
                               updated=call.updated_at, summary=line,
                               # Stored sanitised; as type="html" it is escaped in the XML.
                               content_html=call.body_html or None)
                         for call, url, line in entries])
