"""The matching corpus of the published practices, built once per worker and content version.

Building it (every published practice's terms counted, document frequencies, vectors) was
93 % of a practice page's time, and it is the same for every page until a practice changes.
So each worker keeps the last one it built, under the site's content version
(forum.core.caching: a value every commit that changed rows moves forward, shared by the
workers of a machine, or of every machine with Redis). A page after any commit builds it
again; matching.py itself stays a pure function of its candidates.
"""
import threading

from sqlalchemy import select

from forum.core import caching, visibility
from forum.extensions import db
from forum.practices import matching
from forum.practices.models import Practice

_lock = threading.Lock()
_memo: dict[str, tuple] = {}  # "published" -> (version, candidates, corpus)


def candidate(row) -> matching.Candidate:
    return matching.Candidate(id=row.id, kind=row.kind, status=row.status,
                              themes=(row.themes or "").split(), terms=row.match_terms or "",
                              language=row.language)


def published() -> tuple[list[matching.Candidate], matching.Corpus]:
    """Every published practice as a matching candidate, and their corpus."""
    # A session that wrote and has not committed yet sees rows no other session does:
    # its corpus is built for it alone.
    own_writes = db.session.info.get("forum_changed", False)
    version = None if own_writes else caching.content_version()
    with _lock:
        cached = _memo.get("published")
    if version is not None and cached is not None and cached[0] == version:
        return cached[1], cached[2]
    rows = db.session.execute(
        select(Practice.id, Practice.kind, Practice.status, Practice.themes,
               Practice.match_terms, Practice.language)
        .where(Practice.visibility == visibility.PUBLISHED).order_by(Practice.id))
    everyone = [candidate(row) for row in rows]
    corpus = matching.Corpus(everyone)
    if version is not None:
        with _lock:
            _memo["published"] = (version, everyone, corpus)
    return everyone, corpus


def forget() -> None:
    with _lock:
        _memo.clear()
