"""Every page of the route table, in Italian, as visitor, member and staff: no interface text left
in English.

A catalog message whose Italian differs from its English msgid must never appear verbatim in the
page's visible text (text, titles, labels read aloud, placeholders) outside user content: user
content is what members wrote (the `user-content` and `post-body` blocks) and anything marked
with another `lang` than the page's. Code samples (`code`, `pre`) are not interface text.
Found on /practices/ and /twinnings/ in issue 20: two templates Babel skipped, so the Italian
site showed "Offer a practice", "Any status", ...
"""
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from sqlalchemy import select

from forum.accounts.models import User
from forum.extensions import db
from tests.functional.security.pages import html_pages
from tests.functional.security.world import MEMBER, STAFF, VISITOR

ROOT = Path(__file__).resolve().parents[3]
USER_CONTENT = {"user-content", "post-body"}
SPOKEN = ("alt", "title", "placeholder", "aria-label")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
NUMBER = re.compile(r"%\((?:num|n|count|code|total)\)[sd]|%d")
# Words are not glued to letters, addresses or paths ("example" in "nome@example.org").
BEFORE, AFTER = r"(?<![\w@./-])", r"(?![\w@-]|\.\w)"


@cache
def untranslatable_english() -> tuple[tuple[str, re.Pattern], ...]:
    """(msgid, pattern) for each English source text whose Italian is different."""
    with open(ROOT / "translations/it/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid in strings or not _has_words(msgid):
                continue
            found.append((msgid, _pattern(msgid)))
    # Italian that holds English words ("Open data" holds "Open") is no English left behind.
    italian = {s for m in catalog if m.id
               for s in (m.string if isinstance(m.string, tuple) else (m.string,)) if s}
    return tuple((msgid, pattern, tuple(_pattern(s) for s in italian if pattern.search(s)))
                 for msgid, pattern in found)


def _pattern(text: str) -> re.Pattern:
    """The text as it reads on a page: numbers for counts, a few words for other values."""
    text = NUMBER.sub("\0", " ".join(text.split()))
    parts = [[re.escape(p) for p in chunk.split("\0")] for chunk in PLACEHOLDER.split(text)]
    regex = r"\S.{0,80}?".join(r"\d[\d.,]*".join(chunk) for chunk in parts)
    return re.compile(BEFORE + regex + AFTER)


def _has_words(msgid: str) -> bool:
    """Whether the literal text holds a word of its own (not only placeholders and signs)."""
    return bool(re.search(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", msgid)))


def visible_text(html: str) -> tuple[str, str]:
    """(page language, the interface text a reader sees or hears, whitespace collapsed)."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("html")
    lang = root.get("lang", "") if root else ""
    # Code samples are machine text: codes in URLs and data are English by design (DESIGN.md 4).
    for node in soup.find_all(["script", "style", "template", "code", "pre", "kbd", "samp"]):
        node.decompose()
    for node in soup.find_all(lambda tag: _user_content(tag, lang)):
        node.decompose()
    spoken = [tag[name] for name in SPOKEN for tag in soup.find_all(attrs={name: True})]
    spoken += [tag["value"] for tag in soup.find_all("input", type=["submit", "button"])
               if tag.get("value")]
    spoken += [tag["content"] for tag in soup.find_all("meta", attrs={"name": "description"})]
    return lang, " ".join(" ".join([soup.get_text(" "), *spoken]).split())


def _user_content(tag, page_lang: str) -> bool:
    if tag.name == "html":
        return False
    if USER_CONTENT & set(tag.get("class") or ()):
        return True
    return bool(tag.get("lang")) and tag["lang"] != page_lang


def english_in(html: str, names=()) -> list[str]:
    """The English msgids on the page; `names` are members' names, written by them."""
    lang, text = visible_text(html)
    for name in names:
        text = text.replace(name, " ")
    if lang != "it":
        return [f"<html lang={lang!r}>"]
    found = []
    for msgid, pattern, italian in untranslatable_english():
        if pattern.search(text) and pattern.search(_masked(text, italian)):
            found.append(msgid)
    return found


def _masked(text: str, patterns) -> str:
    for pattern in patterns:
        text = pattern.sub(" ", text)
    return text


def test_the_sweep_sees_english_outside_user_content_only():
    page = ('<html lang="it"><head><title>Buone pratiche</title></head><body>'
            '<a href="/x">Offer a practice</a> <input type="search" placeholder="Words">'
            '<div class="user-content">Any status</div><p lang="en">All networks</p>'
            '<p>3 twinnings</p></body></html>')
    assert sorted(english_in(page)) == ["%(num)s twinnings", "Offer a practice", "Words"]


@pytest.mark.parametrize("role", [VISITOR, MEMBER, STAFF])
def test_every_page_in_italian_shows_no_english_interface_text(app, world, clients, role):
    client = clients[role]
    client.set_cookie("lang", "it")
    with app.app_context():
        names = [n for n in db.session.scalars(select(User.full_name)) if n]
    failures = []
    for url, status, html in html_pages(app, world, client):
        failures += [f"GET {url} ({status}): {english!r}" for english in english_in(html, names)]
    assert not failures, f"{role}: {len(failures)} untranslated\n" + "\n".join(failures)
