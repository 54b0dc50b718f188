"""A discussion page costs the same number of SQL queries with 2 posts or 200."""
import pytest

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions import services
from forum.discussions.models import Discussion
from forum.extensions import db
from forum.places.models import City, Organisation
from forum.twinnings.models import Twinning
from tests.fixtures.web import page

BUDGET = 15


def _authors(n):
    city = City(name="Lecce", slug=f"lecce-{n}")
    org = Organisation(name=f"Comune {n}", kind="public-administration", city=city)
    users = [
        User(username=f"autore{n}x{i}", username_key=f"autore{n}x{i}", full_name=f"Autore {i}",
             email=f"autore{n}x{i}@example.org", organisation=org, city=city,
             email_confirmed_at=utcnow())
        for i in range(n)
    ]
    db.session.add_all(users)
    db.session.flush()
    return users


def _discussion(app, slug, posts, authors):
    with app.app_context():
        twinning = Twinning(slug=slug, title=slug)
        db.session.add(twinning)
        people = _authors(authors)
        d = services.start_discussion(people[0], twinning, "Budget", "Apertura @autore")
        for i in range(posts - 1):
            services.reply(people[(i + 1) % authors], d, f"Risposta {i} per @{people[0].username}")
        d.posts[-1].edited_at = utcnow()
        services.delete_post(people[1], d.posts[1])
        db.session.commit()
        return d.id


def _pages(discussion_id, last_page):
    return [f"/discussions/{discussion_id}", f"/discussions/{discussion_id}?page={last_page}"]


@pytest.mark.parametrize("viewer", [None, "member", "staff"])
def test_discussion_page_queries_do_not_grow(app, client, make_user, login, count_queries,
                                             viewer):
    small = _discussion(app, "small", posts=2, authors=2)
    large = _discussion(app, "large", posts=200, authors=50)
    if viewer:
        login(make_user("viewer", role=viewer if viewer == "staff" else "member"))
    counts = {}
    for name, url in [("small", _pages(small, 1)[0]), ("large", _pages(large, 1)[0]),
                      ("large-last", _pages(large, 10)[1])]:
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts[name] = len(queries)
    posts_shown = len(page(client.get(_pages(large, 10)[0])).select("article.post"))
    assert posts_shown == 20
    assert counts["small"] == counts["large"] == counts["large-last"], counts
    assert counts["large"] <= BUDGET


def test_the_counter_counts_each_statement(app, count_queries):
    with app.app_context(), count_queries() as queries:
        for _ in range(5):
            db.session.execute(db.select(Discussion.id)).all()
    assert len(queries) == 5
