"""What a kind of content tells the site search about itself: a `SearchType` saying how its rows
become `Document`s, where they live and what else touches them. Content packages build their
types from these (in their own `search.py`) and `create_app` registers them with
`forum.search.registry`, so the search package imports no content package.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from flask import request
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy.orm import object_session

from forum.core import visibility

# A state stricter than another wins when content sits inside other content.
_STRICTNESS = [visibility.PUBLISHED, visibility.PENDING, visibility.HIDDEN, visibility.DELETED]


def strictest(*states: str | None) -> str:
    known = [s for s in states if s in _STRICTNESS] or [visibility.PUBLISHED]
    return max(known, key=_STRICTNESS.index)


@dataclass
class Document:
    """What the index knows about one row; text is plain (no HTML)."""

    title: str
    body: str = ""
    summary: str = ""
    cities: list[str] = field(default_factory=list)
    network: str | None = None
    twinning: str | None = None
    themes: list[str] = field(default_factory=list)
    kind: str | None = None
    author_id: int | None = None
    date: datetime | None = None
    visibility: str = visibility.PUBLISHED
    # A post shows its discussion's title but is not found by it (else every reply would).
    index_title: bool = True
    # Keys ("discussion:3") whose removal removes this document too.
    parents: list[str] = field(default_factory=list)


Key = tuple[str, int]


def created(row) -> datetime | None:
    return getattr(row, "created_at", None)


def nowhere(row) -> str | None:
    return None


def city_names(cities) -> str | None:
    """"Bergamo, Lecce" for a row's cities (already loaded), None for none."""
    names = sorted(city.name for city in cities if city is not None)
    return ", ".join(names) or None


@dataclass
class SearchType:
    name: str
    model: type
    label: object  # lazy, plural: the facet's label
    build: Callable[[object], Document | None]
    url: Callable[[object], str]
    # Loader options (selectinload…) so building many documents costs few queries.
    options: Callable[[], list] = list
    # The rows the index should hold; None: all rows (build() may still refuse some).
    can_see: Callable[[object, object], bool] = visibility.can_see
    # Other model -> function(obj, session) giving the keys of this type its change touches.
    related: dict[type, Callable[[object], Iterable[Key]]] = field(default_factory=dict)
    # Columns the document reads; a row whose other columns alone changed (a login time, a
    # reply count) is not re-indexed. Empty: every change counts.
    fields: tuple[str, ...] = ()
    # What a result shows under its title besides its kind: the row's date and its place (its
    # cities, or the space it sits in), from what `options` loads; the author comes from the
    # row's author_id, loaded for the whole page at once (forum/search/services.py), for the
    # types whose own page names their author: who proposed a call or added a twinning is
    # staff's business, not a visitor's.
    date_of: Callable[[object], datetime | None] = created
    place_of: Callable[[object], str | None] = nowhere
    shows_author: bool = False


# --- helpers for building documents and their related keys ---------------------------------

def text(html: str | None) -> str:
    """The words of stored, sanitised HTML, without tags or entities."""
    return Markup(html or "").striptags()


def join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def site_path(*parts) -> str:
    root = request.script_root if request else ""
    return root + "/" + "/".join(quote(str(p), safe="") for p in parts)


def changed(obj, *attrs: str) -> bool:
    state = inspect(obj)
    if state.deleted or state.was_deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in attrs if name in state.attrs)


def ids_of(obj, statement) -> list[int]:
    session = object_session(obj)
    if session is None:
        return []
    # Called from after_flush: querying must not start a flush inside the flush.
    with session.no_autoflush:
        return list(session.scalars(statement))
