"""With FORUM_REDIS_URL, every worker shares the page cache, its content version and the
rate limits (Redis db 3 is this suite's; each test uses its own key prefix)."""
import secrets

import pytest
import redis

from forum import create_app
from forum.core.caching import cache
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.fixtures.web import text_of

REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def redis_app(test_config, app, tmp_path):
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{secrets.token_hex(4)}:"
    # Two apps stand for two workers: they share nothing but the database and Redis.
    # Their own index folder: what they index must not reach the other tests' index.
    workers = [create_app({**test_config, "FORUM_SEARCH_INDEX_DIR": str(tmp_path / "index"),
                           "FORUM_REDIS_URL": REDIS_URL,
                           "CACHE_KEY_PREFIX": prefix, "FORUM_PAGE_CACHE_SECONDS": 30})
               for _ in range(2)]
    with app.app_context():
        # The test's connection (inside its rolled-back transaction), not a real engine.
        connection = db.engines[None]
    for worker in workers:
        with worker.app_context():
            db.engines[None] = connection
            db.session.configure(join_transaction_mode="create_savepoint")
    yield workers
    for worker in workers:
        with worker.app_context():
            db.session.remove()
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_a_write_through_one_worker_makes_the_other_workers_page_fresh(redis_app):
    first, second = redis_app
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    version = first.extensions["forum_content_version"]
    assert version.key.startswith(first.config["CACHE_KEY_PREFIX"])
    with first.app_context():
        db.session.add(Twinning(slug="redis-uno", title="Gemellaggio Uno"))
        db.session.commit()
    browser = second.test_client()
    assert "Gemellaggio Uno" in text_of(browser.get("/twinnings/"))
    with second.app_context():
        assert cache.cache.__class__.__name__ == "RedisCache"
    with first.app_context():
        db.session.add(Twinning(slug="redis-due", title="Gemellaggio Due"))
        db.session.commit()
    # The second worker had the list cached; the first one's commit moved the version.
    assert "Gemellaggio Due" in text_of(browser.get("/twinnings/"))
