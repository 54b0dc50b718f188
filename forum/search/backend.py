"""The search seam: everything outside forum/search talks to `SearchBackend` only.

`get_backend()` picks the implementation named by FORUM_SEARCH_BACKEND; today that is
"whoosh". A PostgreSQL full-text back-end would implement the same five methods.
"""
import logging
import re
import threading
from dataclasses import dataclass, field
from heapq import nlargest
from itertools import islice

from flask import current_app
from markupsafe import Markup, escape
from whoosh import highlight
from whoosh import query as wq
from whoosh.qparser import AndGroup, MultifieldParser, plugins

from forum.core import visibility
from forum.search import indexer
from forum.search.analysis import fold
from forum.search.indexer import SearchUnavailable
from forum.search.schema import PARSED_FIELDS, unpack_facets

log = logging.getLogger("forum.search")

MAX_QUERY_CHARS = 300
MAX_PREFIX_TERMS = 40      # a prefix matches at most this many of its commonest words
PREFIX_SCAN = 2000         # words of the prefix looked at to pick those
MIN_PREFIX = 3
FACET_WINDOW = 500         # facets are counted over the most relevant hits only
FEW_RESULTS = 3            # below this many results, "did you mean" is offered
READ_ATTEMPTS = 3
SORTS = ("relevance", "date")


class QueryError(ValueError):
    """A query with nothing searchable in it."""


@dataclass
class SearchRequest:
    q: str
    type: str | None = None
    city: str | None = None
    theme: str | None = None
    page: int = 1
    sort: str = "relevance"
    per_page: int = 20


@dataclass
class Hit:
    doc_type: str
    doc_id: int
    title: Markup
    fragment: Markup
    visibility: str
    date: int


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    facets_partial: bool = False
    suggestion: str | None = None


class SearchBackend:
    """The interface: search, apply changes, rebuild, compare with the database, health."""

    def search(self, request: SearchRequest, user) -> SearchResult:
        raise NotImplementedError

    def apply(self, keys: set[tuple[str, int]]) -> bool:
        raise NotImplementedError

    def rebuild(self, progress=None) -> int:
        raise NotImplementedError

    def indexed_documents(self) -> dict[str, str]:
        """key -> stored visibility of every document in the index."""
        raise NotImplementedError

    def health(self) -> tuple[bool, str]:
        raise NotImplementedError


BACKENDS: dict[str, type[SearchBackend]] = {}


def get_backend() -> SearchBackend:
    name = current_app.config.get("FORUM_SEARCH_BACKEND", "whoosh")
    try:
        return BACKENDS[name]()
    except KeyError:
        raise RuntimeError(f"FORUM_SEARCH_BACKEND={name!r} is not a search back-end") from None


# --- Whoosh -------------------------------------------------------------------------------


class MarkFormatter(highlight.Formatter):
    """Every piece of text escaped; only the <mark> around matched words is markup."""

    between = " … "

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


_BODY_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.ContextFragmenter(maxchars=160, surround=50),
    formatter=MarkFormatter())
_TITLE_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.WholeFragmenter(), formatter=MarkFormatter())

_local = threading.local()


def _cached_searcher(path):
    """One searcher per thread and generation, refreshed (cheaply) when the index changes."""
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    searcher = cache.get(path)
    if searcher is not None:
        try:
            searcher = searcher.refresh()
        except (FileNotFoundError, OSError):
            searcher = None
    if searcher is None:
        for old in cache.values():
            old.close()
        cache.clear()
        searcher = indexer.IndexStore(path.parent).open(path).searcher()
    cache[path] = searcher
    return searcher


def _forget_searchers():
    for old in getattr(_local, "searchers", {}).values():
        try:
            old.close()
        except Exception:  # noqa: BLE001
            pass
    _local.searchers = {}


def _parser(schema):
    parser = MultifieldParser(list(PARSED_FIELDS), schema, fieldboosts=PARSED_FIELDS,
                              group=AndGroup)
    # Users search words, not fields: "visibility:hidden" is two words, not a back door.
    for plugin in (plugins.FieldsPlugin, plugins.RangePlugin, plugins.BoostPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def clean_query(text: str) -> str:
    text = (text or "")[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote means no phrase at all
    return " ".join(text.split())


def _cap_prefixes(q, reader):
    """Replace each prefix (or wildcard) by an OR of at most MAX_PREFIX_TERMS common words."""
    def rewrite(node):
        if isinstance(node, (wq.Prefix, wq.Wildcard)):
            text = node.text if isinstance(node, wq.Prefix) else re.split(r"[*?]", node.text)[0]
            text = fold(text).replace(" ", "")
            if len(text) < MIN_PREFIX:
                return wq.NullQuery
            words = list(islice(reader.expand_prefix(node.fieldname, text), PREFIX_SCAN))
            top = nlargest(MAX_PREFIX_TERMS, words,
                           key=lambda w: reader.doc_frequency(node.fieldname, w))
            if not top:
                return wq.NullQuery
            return wq.Or([wq.Term(node.fieldname, w, boost=node.boost) for w in top])
        return node
    return q.accept(rewrite)


def _visibility_filter(user):
    if getattr(user, "is_authenticated", False) and user.is_staff:
        return None
    published = wq.Term("visibility", visibility.PUBLISHED)
    if not getattr(user, "is_authenticated", False):
        return published
    own = wq.And([wq.Term("author", str(user.id)),
                  wq.Or([wq.Term("visibility", visibility.PENDING),
                         wq.Term("visibility", visibility.HIDDEN)])])
    return wq.Or([published, own])


def _filter(request: SearchRequest, user):
    parts = [p for p in (_visibility_filter(user),) if p is not None]
    if request.type:
        parts.append(wq.Term("type", request.type))
    if request.city:
        parts.append(wq.Term("cities", request.city))
    if request.theme:
        parts.append(wq.Term("themes", request.theme))
    return wq.And(parts) if parts else None


class WhooshBackend(SearchBackend):
    def __init__(self):
        self.store = indexer.store()

    # writing ---------------------------------------------------------------------------

    def apply(self, keys):
        return indexer.apply(keys)

    def rebuild(self, progress=None) -> int:
        from forum.search.rebuild import rebuild

        return rebuild(self.store, progress)

    def indexed_documents(self) -> dict[str, str]:
        with self.store.open().searcher() as searcher:
            return {fields["key"]: fields.get("visibility", "")
                    for fields in searcher.all_stored_fields()}

    def health(self) -> tuple[bool, str]:
        try:
            with self.store.open().searcher() as searcher:
                count = searcher.doc_count()
        except SearchUnavailable as exc:
            return False, exc.reason
        return True, f"{count} documents"

    # reading ---------------------------------------------------------------------------

    def search(self, request: SearchRequest, user) -> SearchResult:
        text = clean_query(request.q)
        for _attempt in range(READ_ATTEMPTS):
            try:
                searcher = _cached_searcher(self.store.current_path())
                return self._search(searcher, text, request, user)
            except (FileNotFoundError, OSError) as exc:
                # Another process committed or swapped generations under us: reopen.
                log.info("search retried after %s", exc)
                _forget_searchers()
        raise SearchUnavailable("busy: the index kept changing while it was read")

    def _search(self, searcher, text, request, user) -> SearchResult:
        q = _parser(searcher.schema).parse(text)
        q = _cap_prefixes(q, searcher.reader()).normalize()
        if q is wq.NullQuery or not list(q.leaves()):
            raise QueryError(text)
        options = {"filter": _filter(request, user)}
        if request.sort == "date":
            options.update(sortedby="date", reverse=True)
        first = (request.page - 1) * request.per_page
        limit = max(FACET_WINDOW, first + request.per_page)
        results = searcher.search(q, limit=limit, **options)
        total = len(results)
        page_hits = [self._hit(h) for h in islice(results, first, first + request.per_page)]
        top = results.top_n[:FACET_WINDOW]
        result = SearchResult(total=total, hits=page_hits,
                              facets=self._facets(searcher, top),
                              facets_partial=total > len(top))
        if total < FEW_RESULTS:
            result.suggestion = self._suggest(searcher, text, request, user, total)
        return result

    def _hit(self, hit) -> Hit:
        doc_type, doc_id = hit["key"].split(":")
        title = self._highlight(hit, ("title_it", "title_en"), hit.get("title", ""),
                                _TITLE_HIGHLIGHTER) or escape(hit.get("title", ""))
        fragment = self._highlight(hit, ("body_it", "body_en"), hit.get("body", ""),
                                   _BODY_HIGHLIGHTER)
        if not fragment:
            fragment = self._highlight(hit, ("summary_it", "summary_en"), hit.get("summary", ""),
                                       _BODY_HIGHLIGHTER)
        if not fragment:
            plain = hit.get("summary") or hit.get("body") or ""
            fragment = escape(plain[:200] + ("…" if len(plain) > 200 else ""))
        return Hit(doc_type, int(doc_id), Markup(title), Markup(fragment),
                   hit.get("visibility", visibility.PUBLISHED), hit.get("date", 0))

    @staticmethod
    def _highlight(hit, fieldnames, text, highlighter) -> str:
        if not text:
            return ""
        hit.results.highlighter = highlighter
        for fieldname in fieldnames:
            found = hit.highlights(fieldname, text=text, top=2)
            if found:
                return found  # built by MarkFormatter: escaped text and <mark> only
        return ""

    @staticmethod
    def _facets(searcher, top) -> dict[str, list[tuple[str, int]]]:
        counts = {"type": {}, "city": {}, "theme": {}}
        if not top:
            return {name: [] for name in counts}  # an empty index has no columns to read
        column = searcher.reader().column_reader("facets")
        for _score, docnum in top:
            doc_type, cities, themes = unpack_facets(column[docnum])
            counts["type"][doc_type] = counts["type"].get(doc_type, 0) + 1
            for city in cities:
                counts["city"][city] = counts["city"].get(city, 0) + 1
            for theme in themes:
                counts["theme"][theme] = counts["theme"].get(theme, 0) + 1
        return {name: sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
                for name, values in counts.items()}

    def _suggest(self, searcher, text, request, user, total) -> str | None:
        corrector = searcher.corrector("words")
        changed = False
        words = []
        for word in re.findall(r"\w+|\W+", text):
            folded = fold(word) if re.fullmatch(r"\w+", word) else ""
            if folded and word not in ("AND", "OR", "NOT") and len(folded) > 2 and \
                    not searcher.reader().frequency("words", folded):
                better = corrector.suggest(folded, limit=1, maxdist=2)
                if better:
                    words.append(better[0])
                    changed = True
                    continue
            words.append(word)
        if not changed:
            return None
        suggestion = "".join(words)
        q = _cap_prefixes(_parser(searcher.schema).parse(suggestion), searcher.reader())
        found = len(searcher.search(q, limit=1, filter=_filter(request, user)))
        return suggestion if found > total else None


BACKENDS["whoosh"] = WhooshBackend
