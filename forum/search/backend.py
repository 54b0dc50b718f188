"""The search seam: everything outside forum/search talks to `SearchBackend` only.

`get_backend()` picks the implementation named by FORUM_SEARCH_BACKEND: "whoosh" (below,
the embedded default) or "postgres" (forum/search/pg.py, for several workers or machines).
"""
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import nlargest
from itertools import islice

from flask import current_app
from markupsafe import Markup, escape
from whoosh import collectors, highlight
from whoosh import query as wq
from whoosh.qparser import AndGroup, MultifieldParser, plugins
from whoosh.reading import ReaderClosed
from whoosh.support.levenshtein import distance as edit_distance

from forum.core import visibility
from forum.core.web import PAGE_SIZE
from forum.search import indexer
from forum.search.analysis import fold
from forum.search.expansion import QueryWord
from forum.search.indexer import SearchUnavailable
from forum.search.query import QueryError
from forum.search.schema import PARSED_FIELDS, unpack_facets

log = logging.getLogger("forum.search")

MAX_QUERY_CHARS = 300
MAX_PREFIX_TERMS = 6       # a prefix matches at most this many of its commonest words
TITLE_PREFIX_TERMS = 2     # ...and, weighted as titles, this many of the titles' stems
PREFIX_SCAN = 2000         # words of the prefix looked at to pick those
MIN_PREFIX = 3
# What being of the kind a query names ("gemellaggi") scores, before the type's weight: a
# twinning *is* a "gemellaggio", as if its title said so, and one whose text also says it
# ranks above one whose text does not.
KIND_SCORE = 2.0
# Counting. A query whose estimated size is at most FULL_SCAN_ESTIMATE is scored in one pass
# over all its matches (exact total and facets) unless that passes EXACT_COUNT matches or
# FULL_SCAN_SECONDS. Otherwise only the page is scored, and matches are counted one by one
# up to EXACT_COUNT (or EXACT_SECONDS); past that the total and the facets are estimated
# from a sample spread evenly over the index.
# The time limits are in CPU seconds of this process, so that a busy machine (other workers,
# other programs) does not change which way a query is counted.
FULL_SCAN_ESTIMATE = 8000
FULL_SCAN_SECONDS = 0.08
EXACT_COUNT = 3000
EXACT_SECONDS = 0.01
SAMPLE_WINDOWS = 40
SAMPLE_PER_WINDOW = 25     # at most; fewer when matches are slow to find (phrases)
SAMPLE_SECONDS = 0.02      # what the sample should cost at the rate the counting went
FEW_RESULTS = 3            # below this many results, "did you mean" is offered
# Below this many documents with every word (a page), the documents with any of them are
# shown instead, ranked by how many words and how well they match.
RELAX_BELOW = 20
PRIOR_WINDOW = 4           # pages of the unweighted order the type prior may re-rank
READ_ATTEMPTS = 3
SORTS = ("relevance", "date")


@dataclass
class SearchRequest:
    q: str
    type: str | None = None
    city: str | None = None
    theme: str | None = None
    page: int = 1
    sort: str = "relevance"
    per_page: int = PAGE_SIZE
    # Filled above the back-end (forum/search/expansion.py). `words`: the query as words
    # with their translations (None: parse `q` as the visitor wrote it); `type_weights`:
    # what each type of content's score is multiplied by.
    words: list[QueryWord] | None = None
    type_weights: dict[str, float] = field(default_factory=dict)


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
    # False: `total` and the facet counts are estimates (rounded), not counts.
    exact: bool = True
    suggestion: str | None = None
    # True: too few documents had every word, so these are the documents with any of them
    # (those with the most words first).
    relaxed: bool = False

    @property
    def facets_partial(self) -> bool:
        return not self.exact


class SearchBackend:
    """The interface: search, apply changes, rebuild, compare with the database, health."""

    # True: in a request, `apply` runs after the response is sent (forum/search/hooks.py),
    # and `search` first applies recent pending work (a write may still be on its way).
    index_after_response = False

    def search(self, request: SearchRequest, user) -> SearchResult:
        raise NotImplementedError

    def apply(self, keys: set[tuple[str, int]]) -> bool:
        """After a commit: index these documents; on failure keep them as pending work."""
        raise NotImplementedError

    def write(self, keys: set[tuple[str, int]]) -> None:
        """Index these documents (and pending work) now; raises on failure."""
        raise NotImplementedError

    def sync(self) -> int:
        """Apply all pending work; returns how much is left."""
        raise NotImplementedError

    def rebuild(self, progress=None) -> int:
        raise NotImplementedError

    def indexed_documents(self) -> dict[str, str]:
        """key -> stored visibility of every document in the index."""
        raise NotImplementedError

    def health(self) -> tuple[bool, str]:
        raise NotImplementedError


# Filled by each back-end's module: Whoosh's below, PostgreSQL's in pg.py (imported by the
# services and the hooks, the two callers of get_backend).
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


# always_retokenize: the stored text is analysed again, as when no search recorded matched
# terms (`_searched_fields` hands Whoosh the query's terms as if one had, which would make
# it look for character positions per hit that were never recorded).
_BODY_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.ContextFragmenter(maxchars=160, surround=50),
    formatter=MarkFormatter(), always_retokenize=True)
_TITLE_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.WholeFragmenter(), formatter=MarkFormatter(), always_retokenize=True)

_local = threading.local()


def _cached_searcher(path):
    """One searcher per thread and generation, refreshed (cheaply) when the index changes."""
    cache = getattr(_local, "searchers", None)
    if cache is None:
        cache = _local.searchers = {}
    searcher = cache.get(path)
    if searcher is not None:
        # A fresh searcher after each change rather than Searcher.refresh(): refresh shares
        # segment readers with the old searcher and closes some of them, and readers then
        # failed with ReaderClosed while two other processes were writing.
        try:
            if not searcher.up_to_date():
                searcher = None
        except (FileNotFoundError, OSError, ReaderClosed):
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


# Where a translation or synonym is looked for: a document *about* it says it in its title
# or summary. The bodies' posting lists are the long ones, and one per alternative made
# an expanded word cost several plain ones ("citizen engagement": 15 lists a word).
ALTERNATIVE_FIELDS = ("title", "summary")


def _language_parser(schema, language: str):
    """A parser over one language's title and summary fields: an alternative is a word of
    that language (ALTERNATIVE_FIELDS)."""
    fields = {name: boost for name, boost in PARSED_FIELDS.items()
              if name.endswith(f"_{language}") and name.split("_")[0] in ALTERNATIVE_FIELDS}
    parser = MultifieldParser(list(fields), schema, fieldboosts=fields, group=AndGroup)
    for plugin in (plugins.FieldsPlugin, plugins.RangePlugin, plugins.BoostPlugin,
                   plugins.WildcardPlugin, plugins.OperatorsPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def _scaled(q, factor: float):
    """The query with every leaf's boost multiplied (Whoosh ignores a compound's own)."""
    def scale(node):
        if node.is_leaf() and hasattr(node, "boost"):
            node = node.copy()
            node.boost *= factor
        return node
    return q.accept(scale)


_LEAVES = (wq.Term, wq.Phrase)
MIN_READING_FACTOR = 1.25  # see _one_reading


def _language_of(fieldname: str) -> str | None:
    name, _, language = fieldname.rpartition("_")
    return language if fieldname in PARSED_FIELDS and name else None


def _leaf_frequency(reader, leaf) -> int:
    if isinstance(leaf, wq.Term):
        return reader.doc_frequency(leaf.fieldname, leaf.text)
    return min((reader.doc_frequency(leaf.fieldname, w) for w in leaf.words), default=0)


def _one_reading(group, reader):
    """One word (or phrase) of the query over every text field, read in one language only:
    the one whose analysis finds it in more documents.

    Each text is indexed twice, analysed as Italian and as English, so both readings of a
    word find nearly the same documents, and merging the two posting lists for each field
    doubled what a word cost. The reading that finds more is the word's own language's
    stemmer (it joins the word's inflections; the other keeps the word as written). Its
    boosts grow by the share of matches the other reading had (up to double, when both
    found the same documents), so a match scores about what it scored in both before.

    Only when the other reading finds many (a share of at least MIN_READING_FACTOR - 1):
    a short list of exact forms costs little, and its rare, high-scoring matches raise
    the bar the top hits set early, so Whoosh skips more of the long list ("gemellaggi"
    took 60 % longer without it).
    """
    leaves = group.subqueries
    by_language: dict[str, list] = {}
    for leaf in leaves:
        language = _language_of(leaf.fieldname) if isinstance(leaf, _LEAVES) else None
        if language is None:
            return group
        by_language.setdefault(language, []).append(leaf)
    if len(by_language) < 2:
        return group
    found = {language: sum(_leaf_frequency(reader, leaf) for leaf in kept)
             for language, kept in by_language.items()}
    best = max(found, key=lambda language: (found[language], language == "it"))
    if not found[best]:
        return group  # found nowhere: nothing to choose between (nor to cost anything)
    factor = sum(found.values()) / found[best]
    if factor < MIN_READING_FACTOR:
        return group
    return wq.Or([_scaled(leaf, factor) for leaf in by_language[best]])


def _one_reading_each(q, reader):
    """`_one_reading` for each word and phrase of a parsed query."""
    def rewrite(node):
        children = getattr(node, "subqueries", None)
        if isinstance(node, wq.Or) and children and all(isinstance(c, _LEAVES)
                                                         for c in children):
            return _one_reading(node, reader)
        return node.apply(rewrite)
    return rewrite(q)


class _KindQuery(wq.ConstantScoreQuery):
    """Being of a kind of content, at a constant score. With a boost (ConstantScoreQuery has
    none), so that an OR taking in the OR it sits in (the relaxed search's) can carry it:
    Whoosh's normalize() failed there, and "gemellaggi biciclette" was a server error."""

    boost = 1.0


def _words_query(schema, words: list[QueryWord], relaxed: bool, reader=None):
    """Each word OR its alternatives (weighted below it); all words, or any when relaxed.

    A word that names a kind of content is also met by being of that kind: "gemellaggi"
    finds the twinnings, whose text need not say the word.
    """
    everywhere = _parser(schema)
    by_language = {}
    groups = []
    for word in words:
        own = everywhere.parse(word.text)
        parts = [_one_reading_each(own, reader) if reader is not None else own]
        for alternative in word.alternatives:
            parser = by_language.get(alternative.language)
            if parser is None:
                parser = by_language[alternative.language] = _language_parser(
                    schema, alternative.language)
            text = alternative.text.replace('"', " ")
            parsed = parser.parse(f'"{text}"' if " " in text.strip() else text)
            parts.append(_scaled(parsed, alternative.weight))
        if word.kind:
            parts.append(_KindQuery(wq.Term("type", word.kind), KIND_SCORE))
        group = wq.Or(parts).normalize()
        if group is not wq.NullQuery:
            groups.append(group)
    if not groups:
        return wq.NullQuery
    return (wq.Or if relaxed else wq.And)(groups)


def _rerank(searcher, results, weights: dict[str, float]) -> None:
    """Each hit's score times its type's weight (read from the facets column), re-sorted."""
    if not results.top_n:
        return  # nothing to order (and an empty index has no column to read)
    column = searcher.reader().column_reader("facets")
    encoded = {k.encode(): v for k, v in weights.items()}
    results.top_n = sorted(
        ((score * encoded.get(column[docnum].split(b";", 1)[0], 1.0), docnum)
         for score, docnum in results.top_n), key=lambda pair: (-pair[0], pair[1]))


def clean_query(text: str) -> str:
    text = (text or "")[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote means no phrase at all
    return " ".join(text.split())


_PREFIXES = (wq.Prefix, wq.Wildcard)
TITLE_FIELDS = ("title_it", "title_en")


def _expand(reader, fieldname: str, text: str, boost: float, limit: int) -> list:
    words = list(islice(reader.expand_prefix(fieldname, text), PREFIX_SCAN))
    top = nlargest(limit, words, key=lambda w: reader.doc_frequency(fieldname, w))
    return [wq.Term(fieldname, w, boost=boost) for w in top]


def _prefix_query(nodes, reader):
    """One prefix typed by the user (parsed once per field) as an OR of its commonest words.

    The words come from the unstemmed `words` field, which holds every text of a document,
    plus the (stemmed) titles with their boost: one posting list per word instead of one per
    field and word, which is what made `part*` cost seconds on a large index.
    """
    node = nodes[0]
    text = node.text if isinstance(node, wq.Prefix) else re.split(r"[*?]", node.text)[0]
    text = fold(text).replace(" ", "")
    if len(text) < MIN_PREFIX:
        return wq.NullQuery
    # Each term is a posting list to merge: their number is what a prefix costs.
    terms = _expand(reader, "words", text, 1.0, MAX_PREFIX_TERMS)
    for title in (n for n in nodes if n.fieldname in TITLE_FIELDS):
        terms += _expand(reader, title.fieldname, text, title.boost, TITLE_PREFIX_TERMS)
    return wq.Or(terms) if terms else wq.NullQuery


def _cap_prefixes(q, reader):
    """Replace each prefix (or wildcard) by an OR of at most MAX_PREFIX_TERMS common words."""
    def rewrite(node):
        if isinstance(node, _PREFIXES):
            return _prefix_query([node], reader)
        children = getattr(node, "subqueries", None)
        if isinstance(node, wq.Or) and children and all(isinstance(c, _PREFIXES)
                                                         for c in children):
            return _prefix_query(children, reader)
        return node.apply(rewrite)
    return rewrite(q)


def _hidden_docs(searcher, user) -> set[int] | None:
    """Document numbers this user may not see: a mask, small because most content is public.

    (A filter of the visible documents instead would be a set of nearly the whole index,
    built on every query.) Staff see everything; authors also see their own pending or
    hidden content.
    """
    if getattr(user, "is_authenticated", False) and user.is_staff:
        return None
    # The same for every visitor until the index changes, which brings a new searcher.
    unpublished = getattr(searcher, "forum_unpublished", None)
    if unpublished is None:
        unpublished = searcher.forum_unpublished = frozenset(searcher.docs_for_query(
            wq.Or([wq.Term("visibility", state) for state in visibility.STATES
                   if state != visibility.PUBLISHED])))
    hidden = set(unpublished)
    if hidden and getattr(user, "is_authenticated", False):
        own = wq.And([wq.Term("author", str(user.id)),
                      wq.Or([wq.Term("visibility", visibility.PENDING),
                             wq.Term("visibility", visibility.HIDDEN)])])
        hidden -= set(searcher.docs_for_query(own))
    return hidden


def _restrict(q, request: SearchRequest):
    """The query limited to the chosen type, city and theme.

    The conditions join the query itself (at no weight) rather than a filter: a filter is a
    set of every document it allows, built before each search, while an AND skips through
    the posting lists.
    """
    conditions = [wq.Term(name, value, boost=0.0) for name, value in
                  (("type", request.type), ("cities", request.city), ("themes", request.theme))
                  if value]
    return wq.And([q, *conditions]) if conditions else q


def _significant(n: float) -> int:
    """An estimate rounded to two significant figures (17,185 -> 17,000)."""
    n = int(round(n))
    return n if n < 100 else round(n, 2 - len(str(n)))


def _count(searcher, q, hidden, head=None) -> tuple[list[tuple[int, float]], int, bool]:  # noqa: C901
    """(docnum, weight) of the matches to count facets over, the total, and whether exact.

    Counting every match of a common word reads its whole posting list (and a phrase's
    positions), which is most of the time a search costs. So matches are counted one by one
    up to EXACT_COUNT or EXACT_SECONDS; past that, the rest of the index is sampled in
    SAMPLE_WINDOWS windows spread over the document numbers (each type of content sits in
    its own stretch of them, so the first matches alone would see only the first types),
    each window's first SAMPLE_PER_WINDOW matches standing for its whole length.

    `head`: (matches, first document number not looked at, seconds taken) of an exact count
    already made by `_FirstMatches`; counting goes on from there.
    """
    hidden = hidden or ()
    size = searcher.doc_count_all()
    matchers = [(q.matcher(sub), offset, offset + sub.doc_count_all())
                for sub, offset in searcher.leaf_searchers()]
    counted: list[tuple[int, float]] = []
    started = time.process_time()
    deadline = started + EXACT_SECONDS
    reached = None  # document numbers below this one have all been looked at
    if head is not None:
        counted = [(docnum, 1.0) for docnum in head[0]]
        reached = head[1]
        started -= head[2]
    for matcher, offset, _end in [] if head is not None else matchers:
        while matcher.is_active():
            docnum = matcher.id() + offset
            matcher.next()
            if docnum in hidden:
                continue
            counted.append((docnum, 1.0))
            if len(counted) >= EXACT_COUNT or (len(counted) % 32 == 0
                                                and time.process_time() > deadline):
                reached = docnum + 1
                break
        if reached is not None:
            break
    if reached is None:
        return counted, len(counted), True

    estimate = float(len(counted))
    rate = len(counted) / max(time.process_time() - started, 1e-4)  # matches per second
    per_window = max(4, min(SAMPLE_PER_WINDOW, int(rate * SAMPLE_SECONDS / SAMPLE_WINDOWS)))
    step = max(1, -(-(size - reached) // SAMPLE_WINDOWS))
    for start in range(reached, size, step):
        end = min(size, start + step)
        taken, scanned_to = [], end
        for matcher, offset, limit in matchers:
            if limit <= start or offset >= end or not matcher.is_active():
                continue
            if matcher.id() + offset < start:
                matcher.skip_to(start - offset)
            while matcher.is_active() and matcher.id() + offset < end:
                docnum = matcher.id() + offset
                matcher.next()
                if docnum in hidden:
                    continue
                taken.append(docnum)
                if len(taken) >= per_window:
                    scanned_to = docnum + 1
                    break
            if len(taken) >= per_window:
                break
        if taken:
            # Each sampled match stands for the matches of its window not looked at. A
            # window cut short at its k-th match holds about (k - 1) per the distance
            # scanned (k / distance would overestimate: the scan stops right on a match).
            found = len(taken) if scanned_to == end else len(taken) - 1
            in_window = found * (end - start) / (scanned_to - start)
            estimate += in_window
            counted += [(docnum, in_window / len(taken)) for docnum in taken]
    return counted, _significant(estimate), False


def _bigrams(word: str) -> set[str]:
    return {word[i:i + 2] for i in range(len(word) - 1)}


def _correction(reader, word: str, maxdist: int = 2) -> str | None:
    """The commonest indexed word within `maxdist` edits of `word` and sharing its first
    letter (the one rarely mistyped), as Whoosh's corrector picks it, at a fraction of its
    cost: its automaton took 70-160 ms a word on the bench data. Here a word of another
    length, or with too few of the word's letter pairs (an edit changes at most two), is
    passed over before the edit distance is worked out."""
    needed = len(word) - 1 - 2 * maxdist
    pairs = _bigrams(word)
    best, best_frequency = None, 1
    for raw in reader.expand_prefix("words", word[:1]):
        candidate = raw.decode("utf-8")
        if abs(len(candidate) - len(word)) > maxdist or candidate == word or \
                (needed > 0 and len(pairs & _bigrams(candidate)) < needed):
            continue
        if edit_distance(candidate, word, limit=maxdist) <= maxdist:
            frequency = reader.frequency("words", candidate)
            # Whoosh's corrector ranks by frequency alone, and of equals keeps the last.
            if frequency >= best_frequency:
                best, best_frequency = candidate, frequency
    return best


class _Enough(Exception):
    pass


class _FirstMatches(collectors.TopCollector):
    """Scores every match in document order, keeping their numbers, until there are too many.

    For a query with a few hundred matches, this one pass gives the page, the exact total
    and exact facets. Past EXACT_COUNT matches or EXACT_SECONDS it stops (`stopped_at`), and
    the search goes on the cheaper way: score only the page, with skipping, then estimate.
    (No `replace`: Whoosh's default rewrites the matcher as scores rise, dropping matches
    from the count.)
    """

    def __init__(self, limit):
        super().__init__(limit=limit, usequality=False, replace=0)
        self.docnums: list[int] = []
        self.stopped_at: int | None = None
        self.started = self.deadline = 0.0

    def prepare(self, top_searcher, q, context):
        super().prepare(top_searcher, q, context)
        self.docnums = []
        self.started = time.process_time()
        self.deadline = self.started + FULL_SCAN_SECONDS

    def _collect(self, global_docnum, score):
        self.docnums.append(global_docnum)
        found = len(self.docnums)
        if found >= EXACT_COUNT or (found % 32 == 0 and time.process_time() > self.deadline):
            self.stopped_at = global_docnum + 1
            raise _Enough
        return super()._collect(global_docnum, score)


# Facet values packed alike (type, cities, themes) repeat across thousands of documents.
_unpacked = lru_cache(maxsize=4096)(unpack_facets)


def _existing_terms(q, reader) -> set[tuple[str, bytes]]:
    """(field, term) of the query's words the index holds. Query.existing_terms() does this
    for one field at a time only: asked for every field, its loop variable overwrites the
    field asked for, and only the first leaf's field comes out."""
    schema = reader.schema
    found = set()
    for leaf in q.leaves():
        for fieldname, text in leaf.expanded_terms(reader, phrases=True):
            if fieldname not in schema:
                continue
            try:
                term = (fieldname, schema[fieldname].to_bytes(text)
                        if isinstance(text, str) else text)
            except ValueError:
                continue
            if term not in found and term in reader:
                found.add(term)
    return found


def _searched_fields(results) -> set[str]:
    """The fields the query has terms in, worked out once per search.

    Whoosh's highlighter walks the query for its terms in each field it highlights (three
    to six a hit), and re-analyses the text even when there are none. Given the terms as
    the "matched terms" it reads when a search recorded them, it takes them from here.
    """
    fields = getattr(results, "forum_fields", None)
    if fields is None:
        terms = _existing_terms(results.q, results.searcher.reader())
        results.termdocs = dict.fromkeys(terms, ())
        results.docterms = {}
        fields = results.forum_fields = {fieldname for fieldname, _text in terms}
    return fields


class WhooshBackend(SearchBackend):
    # A Whoosh write (~20 ms) is most of a reply's time: members should not wait for it.
    index_after_response = True

    def __init__(self):
        self.store = indexer.store()

    # writing ---------------------------------------------------------------------------

    def apply(self, keys):
        return indexer.apply(keys)

    def write(self, keys):
        indexer.write_now(keys)

    def sync(self) -> int:
        return indexer.drain_pending()

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
        indexer.catch_up(self.store)
        text = clean_query(request.q)
        for _attempt in range(READ_ATTEMPTS):
            try:
                searcher = _cached_searcher(self.store.current_path())
                relaxable = bool(request.words) and len(request.words) > 1
                # "Did you mean" is worked out for the results shown, not for a pass that
                # the wider one below replaces.
                result = self._search(searcher, text, request, user, suggest=not relaxable)
                if relaxable and result.total < RELAX_BELOW:
                    wider = self._search(searcher, text, request, user, relaxed=True)
                    if wider.total > result.total:
                        wider.relaxed = True
                        return wider
                    result.suggestion = wider.suggestion  # the same totals: the same advice
                return result
            except (FileNotFoundError, OSError, ReaderClosed) as exc:
                # Another process committed or swapped generations under us: reopen.
                log.info("search retried after %s", exc)
                _forget_searchers()
        raise SearchUnavailable("busy: the index kept changing while it was read")

    @staticmethod
    def _query(searcher, text: str, request: SearchRequest, words=None, relaxed=False):
        try:
            q = _words_query(searcher.schema, words, relaxed, searcher.reader()) if words \
                else _one_reading_each(_parser(searcher.schema).parse(text), searcher.reader())
        except (IndexError, AssertionError) as exc:
            # Whoosh's parser fails this way on operators with nothing to apply to
            # ("NOT NOT NOT", "NOT OR x"; AssertionError becomes IndexError under -O):
            # such a query has no words to look for, like an empty one.
            raise QueryError(text) from exc
        q = _cap_prefixes(q, searcher.reader()).normalize()
        if q is wq.NullQuery or not list(q.leaves()):
            raise QueryError(text)
        return _restrict(q, request)

    def _search(self, searcher, text, request, user, relaxed=False,
                suggest=True) -> SearchResult:
        q = self._query(searcher, text, request, request.words, relaxed)
        hidden = _hidden_docs(searcher, user)
        options = {"mask": hidden} if hidden else {}
        if request.sort == "date":
            options.update(sortedby="date", reverse=True)
        first = (request.page - 1) * request.per_page
        limit = first + request.per_page
        head = None
        # The type prior re-ranks the plain order rather than join the query: a multiplier
        # inside it loosens the score bounds Whoosh skips blocks by. When every match is
        # scored (below), it re-ranks the best PRIOR_WINDOW pages; on the skipping path it
        # re-ranks the hits up to this page only, as a wider window there cost a phrase of
        # common words five times as long.
        weights = request.type_weights if request.sort == "relevance" else {}
        window = limit * PRIOR_WINDOW if weights else limit
        if request.sort == "relevance" and \
                q.estimate_size(searcher.reader()) <= FULL_SCAN_ESTIMATE:
            collector = _FirstMatches(window)
            try:
                searcher.search_with_collector(
                    q, collectors.FilterCollector(collector, None, hidden or None))
            except _Enough:
                head = (collector.docnums, collector.stopped_at,
                        time.process_time() - collector.started)
            else:
                results = collector.results()
                if weights:
                    _rerank(searcher, results, weights)
                counted = [(docnum, 1.0) for docnum in collector.docnums]
                return self._result(searcher, results, first, limit, counted, len(counted),
                                    True, text, request, hidden, suggest)
        # Only the hits up to this page are scored: Whoosh then skips the blocks of the
        # posting lists that cannot reach them (the total is counted apart, below).
        results = searcher.search(q, limit=limit, terms=False, **options)
        if weights:
            _rerank(searcher, results, weights)
        top = results.top_n
        if len(top) < limit:
            # Fewer than asked for: every match is here, so the total is exact.
            counted, total, exact = [(docnum, 1.0) for _score, docnum in top], len(top), True
        else:
            counted, total, exact = _count(searcher, q, hidden, head)
            total = max(total, len(top))
        return self._result(searcher, results, first, limit, counted, total, exact, text,
                            request, hidden, suggest)

    def _result(self, searcher, results, first, limit, counted, total, exact, text, request,  # noqa: PLR0913 (the two search paths' state)
                hidden, suggest=True) -> SearchResult:
        page_hits = [self._hit(h) for h in islice(results, first, limit)]
        result = SearchResult(total=total, hits=page_hits, exact=exact,
                              facets=self._facets(searcher, counted))
        if suggest and total < FEW_RESULTS:
            result.suggestion = self._suggest(searcher, text, request, hidden, total)
        return result

    def _hit(self, hit) -> Hit:
        doc_type, doc_id = hit["key"].split(":")
        # The document's own language first: its analysis is the one that usually matched,
        # and each field tried re-analyses the stored text. `words` (unstemmed) last: what
        # a prefix matched.
        langs = ("en", "it") if hit.get("language") == "en" else ("it", "en")
        title = self._highlight(hit, [f"title_{lang}" for lang in langs] + ["words"],
                                hit.get("title", ""), _TITLE_HIGHLIGHTER) \
            or escape(hit.get("title", ""))
        fragment = self._highlight(hit, [f"body_{lang}" for lang in langs] + ["words"],
                                   hit.get("body", ""), _BODY_HIGHLIGHTER)
        if not fragment:
            fragment = self._highlight(hit, [f"summary_{lang}" for lang in langs] + ["words"],
                                       hit.get("summary", ""), _BODY_HIGHLIGHTER)
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
        searched = _searched_fields(hit.results)
        for fieldname in fieldnames:
            if fieldname not in searched:
                continue  # nothing of the query there: re-analysing the text finds nothing
            found = hit.highlights(fieldname, text=text, top=2)
            if found:
                return found  # built by MarkFormatter: escaped text and <mark> only
        return ""

    @staticmethod
    def _facets(searcher, counted) -> dict[str, list[tuple[str, int]]]:
        """Counts per type, city and theme over (docnum, weight) pairs (weights: samples)."""
        counts = {"type": {}, "city": {}, "theme": {}}
        if not counted:
            return {name: [] for name in counts}  # an empty index has no columns to read
        column = searcher.reader().column_reader("facets")
        for docnum, weight in counted:
            doc_type, cities, themes = _unpacked(column[docnum])
            counts["type"][doc_type] = counts["type"].get(doc_type, 0) + weight
            for city in cities:
                counts["city"][city] = counts["city"].get(city, 0) + weight
            for theme in themes:
                counts["theme"][theme] = counts["theme"].get(theme, 0) + weight
        rounded = {name: [(code, _significant(n)) for code, n in values.items()]
                   for name, values in counts.items()}
        return {name: sorted((kv for kv in values if kv[1] > 0),
                             key=lambda kv: (-kv[1], kv[0]))
                for name, values in rounded.items()}

    def _suggest(self, searcher, text, request, hidden, total) -> str | None:
        changed = False
        words = []
        for word in re.findall(r"\w+|\W+", text):
            folded = fold(word) if re.fullmatch(r"\w+", word) else ""
            if folded and word not in ("AND", "OR", "NOT") and len(folded) > 2 and \
                    not searcher.reader().frequency("words", folded):
                better = _correction(searcher.reader(), folded)
                if better:
                    words.append(better)
                    changed = True
                    continue
            words.append(word)
        if not changed:
            return None
        suggestion = "".join(words)
        try:
            q = self._query(searcher, suggestion, request)
        except QueryError:
            return None
        options = {"mask": hidden} if hidden else {}
        found = searcher.search(q, limit=FEW_RESULTS, terms=False, **options).scored_length()
        return suggestion if found > total else None


BACKENDS["whoosh"] = WhooshBackend
