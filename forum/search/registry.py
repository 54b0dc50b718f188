"""The one place a content type joins the index: one `SearchType` per type.

A type says which model it reads, how a row becomes a `Document` (or None: not in the index),
where the row lives on the site, how to load rows for a page, and which other models' changes
touch its documents (a post's document depends on its discussion's visibility, a twinning's
on its cities). The hooks, the indexer, `reindex`, `check` and the results page all work from
this table. Each content package describes its types in its own `search.py` (with
`forum.core.searchable`) and `create_app` registers them here, so this package imports none.
"""
from collections.abc import Callable, Iterable

from forum.core.searchable import Key, SearchType

REGISTRY: dict[str, SearchType] = {}


def register(*search_types: SearchType) -> None:
    """Called from create_app with each content package's types (again for every app: a type
    registered twice replaces itself)."""
    for search_type in search_types:
        REGISTRY[search_type.name] = search_type


def get(name: str) -> SearchType | None:
    return REGISTRY.get(name)


def types() -> list[SearchType]:
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
