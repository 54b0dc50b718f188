"""Atom feeds (RFC 4287) written with ElementTree, served with conditional GET.

Every feed of the site goes through here: the calls feed and the notifications package's
discussions, twinning, network and practices feeds. A feed is in one language (`xml:lang`),
names itself with a self link carrying `?lang=`, and points to its other languages; every
address in it is absolute, built by the caller with forum.core.urls.site_url.
"""
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from flask import Response, current_app, request

from forum.core.i18n import current_language
from forum.core.urls import base_url, site_url

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
MIMETYPE = "application/atom+xml"

# Characters XML 1.0 forbids anywhere (most C0 controls, surrogates, U+FFFE/U+FFFF): one in
# a title would make the whole feed unreadable for every subscriber.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass
class Entry:
    url: str  # the page of the item, absolute: also the entry's id
    title: str
    published: datetime
    updated: datetime
    author: str | None = None
    summary: str | None = None
    # Stored, sanitised HTML (core/markup.py); carried escaped as type="html".
    content_html: str | None = None
    category: str | None = None
    # The language the item's own text is written in, when it may differ from the feed's.
    language: str | None = None


@dataclass
class Feed:
    title: str
    self_url: str  # this feed in this language (…?lang=it)
    page_url: str  # the HTML page the feed follows
    language: str
    updated_fallback: datetime  # when the feed has no entry
    entries: list[Entry] = field(default_factory=list)
    # language -> the same feed in that language
    translations: dict[str, str] = field(default_factory=dict)
    subtitle: str | None = None

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=self.updated_fallback)


def _rfc3339(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                            {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def in_languages(endpoint: str, **values) -> tuple[str, str, dict[str, str]]:
    """(active language, this feed's address in it, language -> the feed's address in each
    language) for a feed endpoint: each language is its own feed, named by `?lang=`."""
    language = current_language()
    translations = {code: site_url(endpoint, lang=code, **values)
                    for code in current_app.config["FORUM_LANGUAGES"]}
    return language, translations[language], translations


def render(feed: Feed) -> bytes:
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: feed.language})
    _add(root, "id", feed.self_url)
    _add(root, "title", feed.title)
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", _rfc3339(feed.updated))
    _add(root, "link", rel="self", type=MIMETYPE, href=feed.self_url, hreflang=feed.language)
    _add(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    for language, url in sorted(feed.translations.items()):
        if language != feed.language:
            _add(root, "link", rel="alternate", type=MIMETYPE, href=url, hreflang=language)
    _add(_add(root, "author"), "name", "Gemellaggi")
    for entry in feed.entries:
        _entry(root, entry)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(root, entry: Entry) -> None:
    element = _add(root, "entry")
    if entry.language:
        element.set(XML_LANG, entry.language)
    _add(element, "id", entry.url)
    _add(element, "title", entry.title)
    _add(element, "link", rel="alternate", type="text/html", href=entry.url)
    _add(element, "published", _rfc3339(entry.published))
    _add(element, "updated", _rfc3339(entry.updated))
    if entry.author:
        _add(_add(element, "author"), "name", entry.author)
    if entry.category:
        _add(element, "category", term=entry.category)
    if entry.summary:
        _add(element, "summary", entry.summary)
    if entry.content_html:
        # Relative links in the stored HTML (mentions, attachments) resolve at the site.
        content = _add(element, "content", entry.content_html, type="html")
        content.set(XML_BASE, base_url() + "/")


def response(feed: Feed) -> Response:
    """The feed with an ETag (its bytes) and Last-Modified (its newest entry): a reader that
    sends them back gets a 304 with no body, as the open-data files do."""
    body = render(feed)
    result = Response(body, mimetype=MIMETYPE)
    result.set_etag(hashlib.sha256(body).hexdigest()[:32])
    result.last_modified = feed.updated.replace(microsecond=0)
    result.cache_control.no_cache = True  # readers revalidate, and get a 304 for nothing
    return result.make_conditional(request)


# The `updated` of a feed with no entry yet: a fixed time, so its ETag stays the same.
EMPTY_FEED_UPDATED = datetime(2024, 1, 1, tzinfo=UTC)


def entries_newest_first(entries: Iterable[Entry], limit: int) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.published, e.url), reverse=True)[:limit]
