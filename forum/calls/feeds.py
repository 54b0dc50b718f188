"""The Atom feed of newly published calls (RFC 4287), written with ElementTree."""
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from forum.calls.models import Call

ATOM = "http://www.w3.org/2005/Atom"


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Characters XML 1.0 forbids anywhere (most C0 controls, surrogates, U+FFFE/U+FFFF): one in
# a call's text would make the whole feed unreadable for every subscriber.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                            {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def atom(*, title: str, feed_url: str, site_url: str, author: str,
         entries: Iterable[tuple[Call, str, str]], fallback_updated: datetime) -> bytes:
    """entries: (call, page address, one-line summary in the reader's language)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    entries = list(entries)
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    updated = max((call.updated_at for call, _url, _line in entries), default=fallback_updated)
    _add(feed, "updated", _rfc3339(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=site_url)
    _add(_add(feed, "author"), "name", author)
    for call, url, line in entries:
        entry = _add(feed, "entry")
        _add(entry, "id", url)
        _add(entry, "title", call.title)
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(entry, "published", _rfc3339(call.published_at or call.created_at))
        _add(entry, "updated", _rfc3339(call.updated_at))
        _add(entry, "summary", line)
        # The body is stored sanitised; as type="html" it is escaped inside the XML.
        if call.body_html:
            _add(entry, "content", call.body_html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
