"""The PostgreSQL full-text back-end (FORUM_SEARCH_BACKEND=postgres): one search for any
number of workers and machines, in the database they already share.

Reading: the query is parsed once (forum/search/query.py) and turned into one `tsquery`
in which each word is the OR of its Italian and English readings; matches come from the GIN
index on the generated `tsv` column (pg_schema.py), ranked by `ts_rank_cd` with the title
weighing 4 and the summary 2 times the body; the total and the facets are counted by SQL over
every match this member may see (exact, never estimated); highlights come from `ts_headline`
with private-use sentinels instead of tags, and every character of them is escaped here
before the sentinels become <mark>; "did you mean" picks, for a word the index does not
know, the most similar known word by trigrams (pg_trgm).

Writing: the same keys the hooks pass to Whoosh. A transaction-level advisory lock per
document, taken in one global order before the rows are read, plays the part of Whoosh's
write lock: two workers changing one row cannot leave the older version in the index. The
document rows, the vocabulary and the removal of the pending rows commit together.
"""
import logging
import re
import zlib

from markupsafe import Markup, escape
from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, ProgrammingError

from forum.core import visibility
from forum.core.searchable import Document
from forum.extensions import db
from forum.search import indexer, query, registry
from forum.search.backend import (
    BACKENDS,
    FEW_RESULTS,
    Hit,
    QueryError,
    SearchBackend,
    SearchRequest,
    SearchResult,
)
from forum.search.indexer import SearchUnavailable
from forum.search.models import SearchPending
from forum.search.pg_schema import documents, words

log = logging.getLogger("forum.search")

CONFIGS = ("forum_it", "forum_en")
# ts_rank_cd's weights for D, C, B, A: body 1, summary 2, title 4, as the Whoosh boosts.
RANK_WEIGHTS = "{0.25, 0, 0.5, 1.0}"
RANK_NORMALISATION = 1  # divided by 1 + log(length): long texts do not win by length alone
ALTERNATIVE_WEIGHT = 0.5  # a match through alternatives only ranks at most this much
# What being of the kind a query names ("gemellaggi") adds to the rank, before the type's
# weight: about what the word once in a short title gives (ts_rank_cd with normalisation 1
# is 1 / (1 + ln length) for it), so a twinning *is* a "gemellaggio" as if its title said so,
# and one whose text also says it ranks above one whose text does not (as KIND_SCORE in
# Whoosh's back-end).
KIND_RANK = 0.25
HIGHLIGHT_CHARS = 4000    # as much of a body as Whoosh stores for its fragments
BATCH = 500
STRAGGLER_SECONDS = 10    # pending work older than this is picked up by the next write
# Sentinels ts_headline puts around a match (never stored: stripped from every text).
START, STOP, LT = "\ue000", "\ue001", "\ue002"
_SENTINELS = {ord(START): None, ord(STOP): None, ord(LT): None}
_FRAGMENT = (f"StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=30, MinWords=12, "
             "ShortWord=2, FragmentDelimiter=\" … \"")
_WHOLE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


class PostgresBackend(SearchBackend):
    # writing ---------------------------------------------------------------------------

    def apply(self, keys) -> bool:
        keys = {(t, int(i)) for t, i in keys if registry.get(t) is not None}
        try:
            self.write(keys, stragglers=True)
            return True
        except Exception as exc:  # noqa: BLE001 - indexing must never fail the request
            log.warning("search index write failed (%s); %d change(s) kept as pending work",
                        exc, len(keys))
            indexer.record_pending(keys, f"{type(exc).__name__}: {exc}"[:200])
            return False

    def write(self, keys, stragglers: bool = False) -> None:
        """Bring these documents in line with the database, in one transaction."""
        with indexer.new_session() as session:
            work = {k for k in keys if registry.get(k[0]) is not None}
            if stragglers:
                work |= _old_pending(session)
            if not work:
                return
            _lock(session, work)
            # Pending rows seen before the content is read are covered by what is read next.
            pending_ids = list(session.scalars(select(SearchPending.id).where(
                func.concat(SearchPending.doc_type, ":", SearchPending.doc_id).in_(
                    [f"{t}:{i}" for t, i in work]))))
            written = _write_documents(session, work)
            _add_words(session, written)
            if pending_ids:
                session.execute(delete(SearchPending).where(SearchPending.id.in_(pending_ids)))
            session.commit()

    def sync(self) -> int:
        while True:
            with indexer.new_session() as session:
                batch = {(p.doc_type, p.doc_id) for p in session.scalars(
                    select(SearchPending).order_by(SearchPending.id).limit(BATCH))}
            if not batch:
                return 0
            self.write(batch)
            with indexer.new_session() as session:
                left = indexer.pending_count(session)
                still = _still_pending(session, batch)
            if still:
                return left  # the same work came back: a row that cannot be indexed

    def rebuild(self, progress=None) -> int:
        with indexer.new_session() as session:
            _check_schema(session)
            covered = session.scalar(select(func.max(SearchPending.id))) or 0
        written = 0
        for search_type in registry.types():
            written += _rebuild_type(search_type, progress)
        with indexer.new_session() as session:
            session.execute(delete(documents).where(
                documents.c.doc_type.not_in([t.name for t in registry.types()])))
            # Everything pending before the rebuild began was read again since.
            session.execute(delete(SearchPending).where(SearchPending.id <= covered))
            _rebuild_words(session)
            session.commit()
        return written

    def indexed_documents(self) -> dict[str, str]:
        with indexer.new_session() as session:
            _check_schema(session)
            return dict(session.execute(select(documents.c.key, documents.c.visibility)).all())

    def health(self) -> tuple[bool, str]:
        try:
            with indexer.new_session() as session:
                count = session.scalar(text(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = "
                    "to_regclass('search_documents')"))
        except DBAPIError as exc:
            return False, f"unavailable: {type(exc.orig).__name__}"
        if count is None:
            return False, "missing: run `flask --app forum db upgrade` on PostgreSQL"
        return True, f"postgres, about {max(count, 0)} documents"

    # reading ---------------------------------------------------------------------------

    def search(self, request: SearchRequest, user) -> SearchResult:
        node = _request_query(request)
        session = db.session
        try:
            return self._search(session, node, request, user)
        except ProgrammingError as exc:
            if type(exc.orig).__name__ not in ("UndefinedTable", "UndefinedObject"):
                raise
            session.rollback()
            log.warning("postgres search failed: %s", exc.orig)
            raise SearchUnavailable("missing: the search tables or configurations are "
                                    "not there (run the migrations)") from None

    def _search(self, session, node, request, user) -> SearchResult:
        q = _compile(session, node)
        kinds = _kinds(node)
        if not q and not kinds:
            raise QueryError(request.q)
        where, params = _where(request, user, q, _kind_matches(session, node))
        facets = _facets(session, where, params)
        relaxed = False
        if not facets["type"] and isinstance(node, query.And) and \
                getattr(request, "words", None):
            # No document has every word: the documents with some of them, said so.
            node, relaxed = query.Or(node.items), True
            where, params = _where(request, user, _compile(session, node),
                                   _kind_matches(session, node))
            facets = _facets(session, where, params)
        total = sum(count for _code, count in facets["type"])
        exact_q = _compile(session, node, alternatives=False) \
            if _has_alternatives(node) else None
        hits = _page(session, where, params, request, exact_q, kinds) if total else []
        result = SearchResult(total=total, hits=hits, facets=facets, exact=True)
        if relaxed:
            result.relaxed = True
        if total < FEW_RESULTS:
            result.suggestion = _suggest(session, node, request, user, total)
        return result


BACKENDS["postgres"] = PostgresBackend


# --- the query ----------------------------------------------------------------------------


def _request_query(request: SearchRequest):
    """The parsed query: the words the lexicon expanded (`request.words`, from the services)
    when there are some, else the text parsed here."""
    words = getattr(request, "words", None)
    if not words:
        return query.expand(query.parse(request.q))
    items = tuple(query.Word(w.text, tuple((a.text, a.weight, a.language)
                                           for a in w.alternatives), w.kind) for w in words)
    return items[0] if len(items) == 1 else query.And(items)


def _compile(session, node, alternatives: bool = True) -> str:
    """The tsquery of a parsed query, as text ('' when no word is left after analysis)."""
    params: dict = {}
    return session.scalar(text(f"SELECT ({_tsquery(node, params, alternatives)})::text"),
                          params)


def _param(params: dict, value) -> str:
    name = f"p{len(params)}"
    params[name] = value
    return f":{name}"


def _either(function: str, value: str, params: dict, language: str | None = None) -> str:
    """The value read by both configurations (OR), or by its own language's only."""
    p = _param(params, value)
    configs = [f"forum_{language}"] if language in ("it", "en") else CONFIGS
    return _fold("tsquery_or", [f"{function}('{c}'::regconfig, {p})" for c in configs])


def _alternative(alternative: tuple, params: dict) -> str:
    text_, language = alternative[0], (alternative[2] if len(alternative) > 2 else None)
    # A several-word alternative ("street lighting") is a phrase.
    return _either("phraseto_tsquery", text_, params, language)


def _tsquery(node, params: dict, alternatives: bool = True) -> str:
    """SQL building the tsquery of a parsed query (values bound, never spliced)."""
    if isinstance(node, query.Word):
        parts = [_either("plainto_tsquery", node.text, params)]
        if alternatives:
            parts += [_alternative(alt, params) for alt in node.alternatives]
        return _fold("tsquery_or", parts)
    if isinstance(node, query.Phrase):
        return _either("phraseto_tsquery", " ".join(node.words), params)
    if isinstance(node, query.Prefix):
        # The parser lets only word characters into a prefix: no quote to escape.
        return _either("to_tsquery", f"'{node.text}':*", params)
    if isinstance(node, query.Not):
        return f"tsquery_not({_tsquery(node.item, params, alternatives)})"
    function = "tsquery_and" if isinstance(node, query.And) else "tsquery_or"
    return _fold(function, [_tsquery(item, params, alternatives) for item in node.items])


def _fold(function: str, parts: list[str]) -> str:
    expression = parts[0]
    for part in parts[1:]:
        expression = f"{function}({expression}, {part})"
    return expression


def _has_alternatives(node) -> bool:
    if isinstance(node, query.Word):
        return bool(node.alternatives)
    if isinstance(node, query.Not):
        return _has_alternatives(node.item)
    return any(_has_alternatives(i) for i in getattr(node, "items", ()))


def _kinds(node) -> list[str]:
    """The types of content the query's words name ("gemellaggi": twinning), sorted."""
    items = node.items if isinstance(node, query.And | query.Or) else (node,)
    return sorted({i.kind for i in items if isinstance(i, query.Word) and i.kind})


def _kind_matches(session, node) -> list[tuple[str, str | None]]:
    """(kind, tsquery of the other words or None) for each kind a word names: a document of
    that kind meets the word by being of it, so it needs only the other words (any of them
    when the words are OR'd, as when relaxed; none when the word is the query)."""
    items = node.items if isinstance(node, query.And | query.Or) else (node,)
    found = []
    for kind in _kinds(node):
        others = [i for i in items if getattr(i, "kind", None) != kind]
        if not others or isinstance(node, query.Or):
            found.append((kind, None))
            continue
        rest = _compile(session, others[0] if len(others) == 1 else query.And(tuple(others)))
        if rest:
            found.append((kind, rest))
    return found


def _where(request: SearchRequest, user, q: str, kinds=()) -> tuple[str, dict]:
    params: dict = {"q": q}
    matched = ["d.tsv @@ CAST(:q AS tsquery)"] if q else []
    for kind, rest in kinds:
        condition = f"d.doc_type = {_param(params, kind)}"
        if rest:
            condition += f" AND d.tsv @@ CAST({_param(params, rest)} AS tsquery)"
        matched.append(f"({condition})")
    clauses = [f"({' OR '.join(matched or ['false'])})"]
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        if getattr(user, "is_authenticated", False):
            # Authors also find their own pending or hidden content.
            clauses.append("(d.visibility = :published OR (d.author_id = :me AND "
                           "d.visibility IN (:pending, :hidden)))")
            params.update(me=user.id, pending=visibility.PENDING, hidden=visibility.HIDDEN)
        else:
            clauses.append("d.visibility = :published")
        params["published"] = visibility.PUBLISHED
    if request.type:
        clauses.append("d.doc_type = :type")
        params["type"] = request.type
    if request.city:
        clauses.append("d.cities @> ARRAY[CAST(:city AS varchar)]")
        params["city"] = request.city
    if request.theme:
        clauses.append("d.themes @> ARRAY[CAST(:theme AS varchar)]")
        params["theme"] = request.theme
    return " AND ".join(clauses), params


def _facets(session, where: str, params: dict) -> dict[str, list[tuple[str, int]]]:
    rows = session.execute(text(f"""
        WITH m AS MATERIALIZED (
            SELECT d.doc_type, d.cities, d.themes FROM search_documents d WHERE {where})
        SELECT 'type', doc_type, count(*) FROM m GROUP BY doc_type
        UNION ALL SELECT 'city', c, count(*) FROM m, unnest(m.cities) c GROUP BY c
        UNION ALL SELECT 'theme', t, count(*) FROM m, unnest(m.themes) t GROUP BY t
    """), params).all()
    facets: dict[str, list[tuple[str, int]]] = {"type": [], "city": [], "theme": []}
    for name, code, count in rows:
        facets[name].append((code, count))
    return {name: sorted(values, key=lambda kv: (-kv[1], kv[0]))
            for name, values in facets.items()}


def _page(session, where: str, params: dict, request: SearchRequest, exact_q,
          kinds=()) -> list[Hit]:
    rank = f"ts_rank_cd('{RANK_WEIGHTS}', d.tsv, CAST(:q AS tsquery), {RANK_NORMALISATION})"
    if exact_q is not None:
        # Matches of the words typed rank above matches through their alternatives only.
        rank = (f"ts_rank_cd('{RANK_WEIGHTS}', d.tsv, CAST(:exact AS tsquery), "
                f"{RANK_NORMALISATION}) + {ALTERNATIVE_WEIGHT} * {rank}")
        params = {**params, "exact": exact_q}
    if kinds:
        params = dict(params)
        named = ", ".join(_param(params, kind) for kind in kinds)
        rank = f"({rank}) + CASE WHEN d.doc_type IN ({named}) THEN {KIND_RANK} ELSE 0 END"
    priors = getattr(request, "type_weights", None) or {}
    if priors:
        # A prior per kind of content (a twinning about the query above a short bio).
        params = dict(params)
        cases = " ".join(f"WHEN {_param(params, name)} THEN {float(weight)!r}"
                         for name, weight in sorted(priors.items()))
        rank = f"({rank}) * (CASE d.doc_type {cases} ELSE 1.0 END)"
    order = "d.date DESC, d.key" if request.sort == "date" else "rank DESC, d.date DESC, d.key"
    params = {**params, "limit": request.per_page,
              "offset": (request.page - 1) * request.per_page, "lt": LT}
    first, other = ("CASE WHEN p.language = 'en' THEN '{}'::regconfig "
                    "ELSE '{}'::regconfig END".format(*pair)
                    for pair in (("forum_en", "forum_it"), ("forum_it", "forum_en")))

    def headline(column, options, source=None):
        source = source or f"replace(p.{column}, '<', :lt)"
        one = f"ts_headline({first}, {source}, CAST(:q AS tsquery), '{options}')"
        two = f"ts_headline({other}, {source}, CAST(:q AS tsquery), '{options}')"
        # The document's own language first; the other only when the first marked nothing.
        return (f"(SELECT CASE WHEN strpos(h, '{START}') > 0 THEN h ELSE {two} END "
                f"FROM (SELECT {one} AS h) x)")

    body = f"replace(left(p.body, {HIGHLIGHT_CHARS}), '<', :lt)"
    rows = session.execute(text(f"""
        SELECT p.doc_type, p.doc_id, p.visibility, p.date, p.title, p.summary, p.body,
               {headline('title', _WHOLE)} AS title_hl,
               CASE WHEN p.body <> '' THEN {headline('body', _FRAGMENT, body)} END AS body_hl,
               CASE WHEN p.summary <> '' THEN {headline('summary', _FRAGMENT)} END AS summary_hl
        FROM (SELECT d.key, d.doc_type, d.doc_id, d.visibility, d.date, d.title, d.summary,
                     d.body, d.language, {rank} AS rank
              FROM search_documents d WHERE {where}
              ORDER BY {order} LIMIT :limit OFFSET :offset) p
        ORDER BY {order.replace("d.", "p.")}
    """), params).all()
    return [_hit(row) for row in rows]


def _marked(headline: str | None) -> Markup | None:
    """Escaped text with <mark> around matches, or None when nothing was matched."""
    if not headline or START not in headline:
        return None
    html = str(escape(headline.replace(LT, "<")))
    return Markup(html.replace(START, "<mark>").replace(STOP, "</mark>"))


def _hit(row) -> Hit:
    title = _marked(row.title_hl) or escape(row.title)
    fragment = _marked(row.body_hl) or _marked(row.summary_hl)
    if fragment is None:
        plain = row.summary or row.body or ""
        fragment = escape(plain[:200] + ("…" if len(plain) > 200 else ""))
    return Hit(row.doc_type, row.doc_id, Markup(title), Markup(fragment), row.visibility,
               row.date)


def _suggest(session, node, request, user, total) -> str | None:
    """The query with each word the index does not know replaced by its likeliest spelling."""
    text_ = query.clean(request.q)
    candidates = [w for w in re.findall(r"\w+", text_)
                  if w not in query.OPERATORS and len(w) > 2]
    if not candidates:
        return None
    rows = session.execute(text("""
        SELECT w.word, (SELECT s.word FROM search_words s
                        WHERE s.word % w.folded AND left(s.word, 1) = left(w.folded, 1)
                          AND abs(length(s.word) - length(w.folded)) <= 2
                        ORDER BY similarity(s.word, w.folded) DESC, s.docs DESC, s.word
                        LIMIT 1)
        FROM (SELECT word, lower(unaccent(word)) AS folded
              FROM unnest(CAST(:words AS text[])) word) w
        WHERE NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = w.folded)
    """).bindparams(bindparam("words", value=candidates)), {}).all()
    better = {word: found for word, found in rows if found}
    if not better:
        return None
    suggestion = re.sub(r"\w+", lambda m: better.get(m.group(0), m.group(0)), text_)
    try:
        node = query.expand(query.parse(suggestion))
    except QueryError:
        return None
    q = _compile(session, node)
    if not q:
        return None
    where, params = _where(request, user, q)
    found = session.scalar(text(
        f"SELECT count(*) FROM (SELECT 1 FROM search_documents d WHERE {where} "
        f"LIMIT {FEW_RESULTS}) x"), params)
    return suggestion if found > total else None


# --- writing ------------------------------------------------------------------------------


def _check_schema(session) -> None:
    if session.scalar(text("SELECT to_regclass('search_documents')")) is None:
        raise SearchUnavailable("missing: run `flask --app forum db upgrade` on PostgreSQL")


def _lock_id(key: str) -> int:
    # A stable 32-bit hash in its own namespace: (1 << 32) keeps clear of other lock users.
    return (1 << 32) | zlib.crc32(key.encode())


def _lock(session, keys) -> None:
    ids = sorted({_lock_id(f"{t}:{i}") for t, i in keys})
    session.execute(text(
        "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(CAST(:ids AS bigint[])) k "
        "ORDER BY 1) x"), {"ids": ids})


def _old_pending(session) -> set[tuple[str, int]]:
    rows = session.execute(select(SearchPending.doc_type, SearchPending.doc_id).where(
        SearchPending.created_at < func.now() - text(f"interval '{STRAGGLER_SECONDS} seconds'"))
        .order_by(SearchPending.id).limit(BATCH)).all()
    return {(t, i) for t, i in rows if registry.get(t) is not None}


def _still_pending(session, batch) -> bool:
    keys = [f"{t}:{i}" for t, i in batch]
    return bool(session.scalar(select(func.count()).select_from(SearchPending).where(
        func.concat(SearchPending.doc_type, ":", SearchPending.doc_id).in_(keys))))


def _clean(value: str | None) -> str:
    return (value or "").translate(_SENTINELS)


def _row(doc_type: str, doc_id: int, doc: Document) -> dict:
    title, summary, body = _clean(doc.title), _clean(doc.summary), _clean(doc.body)
    words_text = "\n".join(p for p in ((title if doc.index_title else ""), summary, body) if p)
    return {
        "key": f"{doc_type}:{doc_id}", "doc_type": doc_type, "doc_id": doc_id,
        "title": title, "index_title": doc.index_title, "summary": summary, "body": body,
        "cities": list(doc.cities), "themes": list(doc.themes), "parents": list(doc.parents),
        "network": doc.network, "twinning": doc.twinning, "kind": doc.kind,
        "language": indexer.guess_language(words_text), "author_id": doc.author_id,
        "date": int(doc.date.timestamp()) if doc.date else 0, "visibility": doc.visibility,
    }


def _upsert(session, rows: list[dict]) -> None:
    if not rows:
        return
    statement = insert(documents)
    statement = statement.on_conflict_do_update(
        index_elements=[documents.c.key],
        set_={c.name: statement.excluded[c.name] for c in documents.columns
              if c.name not in ("key", "tsv")})
    session.execute(statement, rows)


def _remove(session, keys: list[str]) -> None:
    if keys:
        session.execute(delete(documents).where(
            documents.c.key.in_(keys) | documents.c.parents.overlap(keys)))


def _write_documents(session, keys) -> list[str]:
    """Upsert or remove each document; returns the keys written."""
    by_type: dict[str, set[int]] = {}
    for doc_type, doc_id in keys:
        by_type.setdefault(doc_type, set()).add(doc_id)
    rows, gone = [], []
    for doc_type, ids in sorted(by_type.items()):
        search_type = registry.get(doc_type)
        found = set()
        for row in indexer.load_rows(session, search_type, ids):
            found.add(row.id)
            document = search_type.build(row)
            if document is None:
                gone.append(f"{doc_type}:{row.id}")
            else:
                rows.append(_row(doc_type, row.id, document))
        gone += [f"{doc_type}:{i}" for i in ids - found]
    _remove(session, gone)
    _upsert(session, rows)
    return [r["key"] for r in rows]


def _add_words(session, keys: list[str]) -> None:
    """New words of these documents join the vocabulary (counts are refreshed by reindex)."""
    if not keys:
        return
    # Sorted, so two writers adding the same new words cannot wait for each other in a cycle.
    session.execute(text("""
        INSERT INTO search_words (word, docs)
        SELECT DISTINCT w.lexeme, 1 FROM search_documents d,
            unnest(to_tsvector('forum_words', replace(concat_ws(' ',
                CASE WHEN d.index_title THEN d.title END, d.summary, d.body), '<', ' '))) w
        WHERE d.key = ANY(:keys) AND length(w.lexeme) > 2
        ORDER BY 1
        ON CONFLICT (word) DO NOTHING
    """), {"keys": keys})


def _rebuild_type(search_type, progress) -> int:
    """Every row of one type, in chunks of their own transaction (writers are never held
    up for long); documents of rows gone or no longer indexed are removed on the way."""
    model = search_type.model
    last_id, written = 0, 0
    while True:
        with indexer.new_session() as session:
            ids = list(session.scalars(select(model.id).where(model.id > last_id)
                                       .order_by(model.id).limit(BATCH)))
            # Locked before the rows are read, as every write does (see the module's doc).
            _lock(session, [(search_type.name, i) for i in ids])
            built = [(row.id, search_type.build(row))
                     for row in indexer.load_rows(session, search_type, ids)]
            keep = [_row(search_type.name, i, doc) for i, doc in built if doc is not None]
            in_range = documents.c.doc_id > last_id
            if ids:
                in_range &= documents.c.doc_id <= ids[-1]
            row_gone = ~select(model.id).where(model.id == documents.c.doc_id).exists()
            refused = documents.c.doc_id.in_([i for i, doc in built if doc is None])
            session.execute(delete(documents).where(
                documents.c.doc_type == search_type.name, in_range, row_gone | refused))
            _upsert(session, keep)
            session.commit()
        written += len(keep)
        if progress is not None and ids:
            progress(len(ids))
        if not ids:
            return written
        last_id = ids[-1]


def _rebuild_words(session) -> None:
    session.execute(delete(words))
    session.execute(text("""
        INSERT INTO search_words (word, docs)
        SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('forum_words', replace(concat_ws(' ',
            CASE WHEN index_title THEN title END, summary, body), '<', ' '))
            FROM search_documents$$)
        WHERE length(word) > 2
        ORDER BY 1
    """))

