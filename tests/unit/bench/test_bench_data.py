"""`flask --app forum bench-data`: sizes, word-list text, no per-row indexing, reindex finds it."""
import re
from collections import Counter

from sqlalchemy import func, select, text

from forum.bench_data import WORDLISTS, Vocabulary
from forum.extensions import db
from forum.search.models import SearchPending
from tests.fixtures import search as search_fixtures
from tests.fixtures.search import find

search_index = search_fixtures.default_search_index

SIZES = ["--posts", "120", "--discussions", "6", "--practices", "8", "--calls", "4",
         "--members", "12", "--networks", "2", "--twinnings", "3"]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_zipf_sampling_follows_the_ranks():
    import random

    vocab = Vocabulary("it")
    draws = Counter(vocab.sample(random.Random(3), 200000))
    # Rank 1 about ten times as often as rank 10, and both far more than rank 1000.
    ratio = draws[vocab.word(1)] / draws[vocab.word(10)]
    assert 7 < ratio < 13
    assert draws[vocab.word(10)] > 20 * max(1, draws[vocab.word(1000)])
    assert len((WORDLISTS / "it.txt").read_text().split()) >= 20000


def test_bench_data_fills_the_tables_with_words_from_the_lists(app, search_index):
    from forum.calls.models import Call
    from forum.discussions.models import Discussion, Post
    from forum.practices.models import Practice
    from forum.twinnings.models import Twinning

    result = app.test_cli_runner().invoke(args=["bench-data", *SIZES])
    assert result.exit_code == 0, result.output
    assert "posts: 120" in result.output and "discussions: 6" in result.output
    with app.app_context():
        assert count(Post) == 120 and count(Discussion) == 6 and count(Twinning) == 3
        assert count(Practice) == 8 and count(Call) == 4
        # Each discussion's posts are numbered 1, 2, … and its counters agree.
        for discussion in db.session.scalars(select(Discussion)):
            numbers = sorted(db.session.scalars(
                select(Post.number).where(Post.discussion_id == discussion.id)))
            assert numbers == list(range(1, len(numbers) + 1))
            assert discussion.reply_count == len(numbers) - 1
        vocabulary = set(Vocabulary("it").words) | set(Vocabulary("en").words)
        words = re.findall(r"[^\W\d_]+", " ".join(db.session.scalars(select(Post.body))).lower())
        known = sum(w in vocabulary for w in words)
        assert known / len(words) > 0.5  # the rest: function words and set phrases
        # Bulk inserts: no per-row hook ran, so nothing is indexed or pending yet.
        assert count(SearchPending) == 0
        top_word = Vocabulary("it").word(1)
    assert find(app, top_word) == []
    rerun = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert rerun.exit_code == 0, rerun.output
    assert find(app, top_word)


def test_bench_data_can_run_twice(app, search_index):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["bench-data", *SIZES]).exit_code == 0
    second = runner.invoke(args=["bench-data", *SIZES])
    assert second.exit_code == 0, second.output
    from forum.discussions.models import Post

    with app.app_context():
        assert count(Post) == 240
        # The ids were chosen by the generator: the database's own next id comes after them
        # (on PostgreSQL, the sequences were moved on).
        from forum.places.models import Network

        network = Network(slug="after-bench", name="After the benchmark data")
        db.session.add(network)
        db.session.flush()
        assert network.id > max(db.session.scalars(select(Network.id).where(
            Network.slug != "after-bench")))


def test_bench_data_refuses_production_without_the_flag(app, monkeypatch):
    # monkeypatch restores the setting: the app is shared by every test of this worker.
    monkeypatch.setitem(app.config, "FORUM_ENV", "production")
    result = app.test_cli_runner().invoke(args=["bench-data", *SIZES])
    assert result.exit_code != 0 and "--yes-i-know" in result.output


def test_bench_data_gives_postgresql_planner_statistics(app, search_index):
    # Without them (autovacuum is off on some servers, and slow on others) the planner takes
    # the new tables for empty: the profile page's latest posts took 2.6 s on 50,000 posts.
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
    assert app.test_cli_runner().invoke(args=["bench-data", *SIZES]).exit_code == 0
    with app.app_context():
        rows = db.session.scalar(select(func.max(text("reltuples")))
                                 .select_from(text("pg_class")).where(text("relname = 'posts'")))
        assert rows >= 120
