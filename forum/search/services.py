"""Search for the views and the CLI: results checked once more against the database."""
from dataclasses import dataclass, field, replace

from markupsafe import Markup
from sqlalchemy import select

from forum.accounts.models import User
from forum.core import visibility
from forum.core.themes import THEMES
from forum.extensions import db
from forum.places.models import City
from forum.search import (
    expansion,
    indexer,
    pg,  # noqa: F401 - registers the postgres back-end
    registry,
)
from forum.search.backend import SearchRequest, SearchResult, get_backend
from forum.search.indexer import SearchUnavailable

__all__ = ["SearchRequest", "SearchUnavailable", "search", "check", "reindex", "health"]


@dataclass
class ResultItem:
    doc_type: str
    type_label: object
    url: str
    title: Markup
    fragment: Markup
    row: object
    marked_hidden: bool  # shown to staff (or the author) with its state
    date: object = None
    place: str | None = None
    author: object = None  # the User who wrote it, when the row has an author


@dataclass
class FacetValue:
    code: str
    label: object
    count: int


@dataclass
class SearchPage:
    result: SearchResult
    items: list[ResultItem]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # The translations and synonyms searched besides the visitor's words.
    also_searched: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.result.total


def search(user, request: SearchRequest, exact: bool = False) -> SearchPage:
    """One page of results this user may see. Raises QueryError or SearchUnavailable.

    Unless `exact`, the query's words are expanded first with their translations and
    synonyms from the lexicon (forum/search/expansion.py), and every search weighs types of
    content by their prior; the back-end only receives the expanded words.
    """
    # A caller that expanded the words itself (or weighed the types) is taken at its word.
    words = request.words
    if words is None and not exact:
        words = expansion.expand(request.q)
    request = replace(request, words=words,
                      type_weights=request.type_weights or expansion.type_weights(words))
    result = get_backend().search(request, user)
    rows = _load(result.hits)
    authors = _authors(row for (doc_type, _id), row in rows.items()
                       if getattr(registry.get(doc_type), "shows_author", False))
    items = []
    for hit in result.hits:
        search_type = registry.get(hit.doc_type)
        row = rows.get((hit.doc_type, hit.doc_id))
        # The index filtered by visibility already; a row changed since is caught here.
        if search_type is None or row is None or not search_type.can_see(user, row):
            continue
        items.append(ResultItem(hit.doc_type, search_type.label, search_type.url(row),
                                hit.title, hit.fragment, row,
                                hit.visibility != visibility.PUBLISHED,
                                date=search_type.date_of(row), place=search_type.place_of(row),
                                author=authors.get(getattr(row, "author_id", None))
                                if search_type.shows_author else None))
    return SearchPage(result, items, _facet_values(result), expansion.also_searched(words))


def _load(hits) -> dict[tuple[str, int], object]:
    wanted: dict[str, set[int]] = {}
    for hit in hits:
        wanted.setdefault(hit.doc_type, set()).add(hit.doc_id)
    rows = {}
    for doc_type, ids in wanted.items():
        search_type = registry.get(doc_type)
        if search_type is None:
            continue
        for row in indexer.load_rows(db.session, search_type, ids):
            rows[(doc_type, row.id)] = row
    return rows


def _authors(rows) -> dict[int, User]:
    """The authors of a page of results, in one query."""
    ids = {getattr(row, "author_id", None) for row in rows} - {None}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _facet_values(result: SearchResult) -> dict[str, list[FacetValue]]:
    types = {t.name: t.label for t in registry.types()}
    city_slugs = [code for code, _ in result.facets.get("city", [])]
    cities = dict(db.session.execute(
        select(City.slug, City.name).where(City.slug.in_(city_slugs))).all()) \
        if city_slugs else {}
    labels = {"type": types, "city": cities, "theme": THEMES}
    return {name: [FacetValue(code, labels[name].get(code, code), count)
                   for code, count in values if code in labels[name]]
            for name, values in result.facets.items()}


def health() -> tuple[bool, str]:
    return get_backend().health()


def reindex(progress=None) -> int:
    return get_backend().rebuild(progress)


def sync() -> int:
    """Apply the pending work: content committed but not indexed yet (a worker killed just
    after its commit, an index that was locked or down). Returns how much is left."""
    return get_backend().sync()


@dataclass
class CheckReport:
    missing: list[str]
    extra: list[str]
    stale: list[str]
    pending: int

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.pending)


def expected_documents(session) -> dict[str, str]:
    """key -> visibility of every document the database says the index should hold."""
    expected = {}
    for search_type in registry.types():
        model = search_type.model
        last_id = 0
        while True:
            rows = list(session.scalars(
                select(model).options(*search_type.options()).where(model.id > last_id)
                .order_by(model.id).limit(indexer.LOAD_CHUNK)).unique())
            if not rows:
                break
            for row in rows:
                document = search_type.build(row)
                if document is not None:
                    expected[f"{search_type.name}:{row.id}"] = document.visibility
            last_id = rows[-1].id
            session.expunge_all()
    return expected


def check(fix: bool = False) -> CheckReport:
    """Compare the index with the database; with `fix`, rewrite what differs."""
    backend = get_backend()
    with indexer.new_session() as session:
        expected = expected_documents(session)
        pending = indexer.pending_count(session)
    indexed = backend.indexed_documents()
    report = CheckReport(
        missing=sorted(expected.keys() - indexed.keys()),
        extra=sorted(indexed.keys() - expected.keys()),
        stale=sorted(k for k in expected.keys() & indexed.keys() if expected[k] != indexed[k]),
        pending=pending,
    )
    if fix and not report.clean:
        keys = {(k.split(":")[0], int(k.split(":")[1]))
                for k in report.missing + report.extra + report.stale}
        backend.write(keys)
        backend.sync()
    return report
