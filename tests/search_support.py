"""Search test helpers: an index folder per test, and content made through the models."""
from dataclasses import dataclass

import pytest

from forum.extensions import db
from forum.search import indexer


@pytest.fixture
def whoosh_index(app, tmp_path):
    """A fresh, empty Whoosh index in this test's own folder (the session's folder is shared),
    for the tests of what only Whoosh has: its folder, lock, searchers and estimates."""
    previous = app.config["FORUM_SEARCH_INDEX_DIR"], app.config["FORUM_SEARCH_BACKEND"]
    root = tmp_path / "index"
    app.config.update(FORUM_SEARCH_INDEX_DIR=str(root), FORUM_SEARCH_BACKEND="whoosh")
    store = indexer.IndexStore(root)
    name, _ix = store.create_generation()
    store.point_to(name)
    try:
        yield store
    finally:
        app.config["FORUM_SEARCH_INDEX_DIR"], app.config["FORUM_SEARCH_BACKEND"] = previous


@pytest.fixture
def search_index(request, app, tmp_path, search_backend):
    """An empty search on each back-end of this run (conftest's `search_backend`): a Whoosh
    folder of this test's own, or PostgreSQL's tables (emptied by the test's rollback)."""
    if search_backend == "whoosh":
        yield request.getfixturevalue("whoosh_index")
        return
    previous = app.config["FORUM_SEARCH_BACKEND"]
    app.config["FORUM_SEARCH_BACKEND"] = "postgres"
    try:
        yield None
    finally:
        app.config["FORUM_SEARCH_BACKEND"] = previous


@dataclass
class Content:
    twinning_id: int
    discussion_id: int
    opening_id: int
    reply_id: int
    hidden_id: int


def make_content(app, *, twinning_title="La Governance della Smart City and Community. BG-LE"):
    """Bergamo and Lecce, their twinning, a general discussion with an opening post, a reply
    and a hidden reply, committed (inside the test's transaction) so the hooks index them."""
    from forum.discussions.models import Discussion, Post
    from forum.places.models import City
    from forum.twinnings.models import Twinning, TwinningCity

    with app.app_context():
        bergamo = City(name="Bergamo", slug="bergamo")
        lecce = City(name="Lecce", slug="lecce")
        twinning = Twinning(
            slug="bergamo-lecce", title=twinning_title, themes="governance",
            summary="Bergamo trasferisce a Lecce il suo modello di governance",
            description_html="<p>Il gemellaggio porta a Lecce la governance della città "
                             "intelligente sperimentata a Bergamo.</p>")
        twinning.cities = [TwinningCity(city=bergamo, role="transferring"),
                           TwinningCity(city=lecce, role="beneficiary")]
        db.session.add(twinning)
        db.session.flush()
        discussion = Discussion(title="Discussione generale del gemellaggio",
                                twinning_id=twinning.id, is_general=True, themes="governance")
        db.session.add(discussion)
        db.session.flush()
        posts = [
            Post(discussion_id=discussion.id, number=1, body="-",
                 body_html="<p>Lasciate qui la vostra testimonianza sulle città intelligenti.</p>"),
            Post(discussion_id=discussion.id, number=2, body="-",
                 body_html="<p>Citizen engagement games helped our neighbourhoods.</p>"),
            Post(discussion_id=discussion.id, number=3, body="-", visibility="hidden",
                 body_html="<p>Parola segreta ornitorinco nascosta.</p>"),
        ]
        db.session.add_all(posts)
        db.session.commit()
        return Content(twinning.id, discussion.id, posts[0].id, posts[1].id, posts[2].id)


def find(app, q, user=None, **filters):
    """(type, id) of what `user` (a visitor by default) finds for `q`."""
    from flask_login import AnonymousUserMixin

    from forum.search import services

    with app.test_request_context():
        page = services.search(user or AnonymousUserMixin(),
                               services.SearchRequest(q=q, **filters))
        return [(item.doc_type, item.row.id) for item in page.items]


@pytest.fixture
def default_search_index(request, app):
    """An empty search on the run's own back-end only (Whoosh on SQLite, PostgreSQL's tables
    on PostgreSQL), for tests of other packages that search once."""
    if app.config["FORUM_SEARCH_BACKEND"] == "whoosh":
        yield request.getfixturevalue("whoosh_index")
    else:
        yield None
