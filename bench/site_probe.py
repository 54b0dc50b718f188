"""Helpers `bench/run.py` runs inside the app (same settings as the server it measures).

    python bench/site_probe.py pages    # JSON: the page table's addresses on this data
    python bench/site_probe.py writes N # JSON: write times (ms) of replies, discussions, practices

Kept apart from run.py so the benchmark process itself never imports the app.
"""
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db

WORDS = Path(__file__).resolve().parent / "wordlist" / "it.txt"


def _word_with(wanted: int, ranks) -> tuple[str, int]:
    """The word among `ranks` of the Italian list whose post count is nearest `wanted`."""
    from forum.discussions.models import Post

    words = WORDS.read_text(encoding="utf-8").split()
    best = None
    for rank in ranks:
        if rank >= len(words):
            break
        word = words[rank]
        count = db.session.scalar(select(func.count(Post.id)).where(
            Post.body.like(f"% {word} %")))
        if best is None or abs(count - wanted) < abs(best[1] - wanted):
            best = (word, count)
    return best


def pages() -> list[tuple[str, str]]:
    from forum.accounts.models import User
    from forum.core.visibility import PUBLISHED
    from forum.discussions.models import Discussion, Post
    from forum.places.models import City
    from forum.practices.models import Practice
    from forum.twinnings.models import Twinning

    posts = db.session.scalar(select(func.count(Post.id)))
    twinning = db.session.scalar(
        select(Twinning).where(Twinning.visibility == PUBLISHED)
        .outerjoin(Discussion, Discussion.twinning_id == Twinning.id)
        .group_by(Twinning.id).order_by(func.count(Discussion.id).desc()).limit(1))
    # The discussion nearest 290 posts (the figure), page 1.
    discussion = db.session.scalar(
        select(Discussion).where(Discussion.visibility == PUBLISHED)
        .order_by(func.abs(Discussion.reply_count + 1 - 290)).limit(1))
    member = db.session.scalar(
        select(User).where(User.listed.is_(True), User.deleted_at.is_(None))
        .order_by(User.id).limit(1))
    city = db.session.scalar(select(City).where(City.slug == "lecce")) or db.session.scalar(
        select(City).order_by(City.id).limit(1))
    practice = db.session.scalar(
        select(Practice).where(Practice.visibility == PUBLISHED).order_by(Practice.id).limit(1))
    rare, rare_n = _word_with(22, range(8000, 25000, 1500))
    common, common_n = _word_with(posts // 10, range(0, 200, 8))
    return [
        ("home", "/"),
        ("twinnings list", "/twinnings/"),
        ("a twinning", f"/twinnings/{twinning.slug}"),
        (f"discussion, {discussion.reply_count + 1} posts, p1", f"/discussions/{discussion.id}"),
        ("profile", f"/members/{member.username}"),
        ("city", f"/cities/{city.slug}"),
        ("practices list", "/practices/"),
        ("a practice", f"/practices/{practice.id}"),
        ("calls list", "/calls/"),
        (f"search, rare word ({rare_n} posts)", f"/search?q={rare}"),
        (f"search, common word ({common_n} posts)", f"/search?q={common}"),
    ]


def writes(n: int) -> dict:
    """Median ms of n replies, n new discussions and n practices, each service call + commit.

    Two figures each, wall and CPU time of this process, as a request makes them
    (forum/search/hooks.py): "wait", the service call and the commit, what the member waits
    for before the response is sent; and "searchable", until the search index has the change
    too (Whoosh writes it after the response, PostgreSQL's back-end at the commit). The rows
    stay: a few dozen more in 50,000 change no page of the table.
    """
    from flask import current_app, g

    from forum.accounts.models import User
    from forum.discussions import services as discussions
    from forum.discussions.models import Discussion
    from forum.practices import services as practices
    from forum.search import hooks
    from forum.search.backend import BACKENDS

    # An established member (joined long ago, posts published): no newcomer limits.
    author = db.session.scalar(
        select(User).where(User.role == "member", User.deleted_at.is_(None),
                           User.email_confirmed_at.is_not(None))
        .order_by(User.joined_at).limit(1))
    discussion = db.session.scalar(
        select(Discussion).where(Discussion.locked.is_(False)).order_by(Discussion.id).limit(1))
    space = discussion.space
    writes = {
        "reply": lambda i: discussions.reply(
            author, discussion, f"Risposta di prova {i} per la misura dei tempi."),
        "new discussion": lambda i: discussions.start_discussion(
            author, space, f"Discussione di prova {i}",
            "Il primo messaggio di una discussione di prova."),
        "practice": lambda i: practices.create_practice(author, {
            "kind": "offer", "title": f"Pratica di prova {i}", "summary": "Una prova.",
            "body": "Il testo di una pratica di prova, con qualche parola in più.",
            "language": "it", "themes": ["open-data"]}),
    }
    times = {name: {"wait": [], "searchable": [], "wait_cpu": [], "searchable_cpu": []}
             for name in writes}
    backend = BACKENDS[current_app.config.get("FORUM_SEARCH_BACKEND", "whoosh")]
    for i in range(n):
        for name, write in writes.items():
            # What a request does: hooks._open_queue, the view, then the queue on close.
            queue = hooks.AfterResponse(current_app._get_current_object())
            if backend.index_after_response:
                g.setdefault(hooks.AFTER_RESPONSE_KEY, queue)
            started, started_cpu = time.perf_counter(), time.process_time()
            write(i)
            db.session.commit()
            figures = times[name]
            figures["wait"].append(time.perf_counter() - started)
            figures["wait_cpu"].append(time.process_time() - started_cpu)
            g.pop(hooks.AFTER_RESPONSE_KEY, None)
            queue.flush()
            figures["searchable"].append(time.perf_counter() - started)
            figures["searchable_cpu"].append(time.process_time() - started_cpu)
    return {name: {key: statistics.median(values) * 1000 for key, values in figures.items()}
            for name, figures in times.items()}


def main() -> None:
    app = create_app()
    with app.app_context(), app.test_request_context():
        if sys.argv[1] == "pages":
            print(json.dumps(pages()))
        elif sys.argv[1] == "writes":
            print(json.dumps(writes(int(sys.argv[2]))))


if __name__ == "__main__":
    main()
