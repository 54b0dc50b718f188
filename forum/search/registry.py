"""The one place a content type joins the index: one `SearchType` per type.

A type says which model it reads, how a row becomes a `Document` (or None: not in the index),
where the row lives on the site, how to load rows for a page, and which other models' changes
touch its documents (a post's document depends on its discussion's visibility, a twinning's
on its cities). The hooks, the indexer, `reindex`, `check` and the results page all work from
this table; adding practices or calls is one `register(SearchType(...))` call.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

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


REGISTRY: dict[str, SearchType] = {}


def register(search_type: SearchType) -> SearchType:
    REGISTRY[search_type.name] = search_type
    return search_type


def get(name: str) -> SearchType | None:
    _ensure_loaded()
    return REGISTRY.get(name)


def types() -> list[SearchType]:
    _ensure_loaded()
    return list(REGISTRY.values())


def for_model(cls) -> SearchType | None:
    for search_type in types():
        if search_type.model is cls:
            return search_type
    return None


def related_functions(cls) -> list[Callable[[object], Iterable[Key]]]:
    return [fn for search_type in types() for model, fn in search_type.related.items()
            if model is cls]


def watched_models() -> set[type]:
    return {t.model for t in types()} | {m for t in types() for m in t.related}


def _ensure_loaded() -> None:
    # The registrations of the existing types import the models; loading them lazily keeps
    # this module importable from anywhere (models, CLI) without import cycles.
    from forum.search import documents  # noqa: F401
