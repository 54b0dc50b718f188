"""What only the PostgreSQL back-end has: expanded words from the services (alternatives,
the OR fallback, priors per kind), sentinels in user text, and the vocabulary."""

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum.discussions.models import Post
from forum.extensions import db
from forum.search import services
from forum.search.expansion import Alternative, QueryWord
from forum.search.pg import LT, START, STOP
from forum.search.pg_schema import words
from tests.fixtures.search import make_content

pytestmark = pytest.mark.postgresql


@pytest.fixture
def postgres(app):
    previous = app.config["FORUM_SEARCH_BACKEND"]
    app.config["FORUM_SEARCH_BACKEND"] = "postgres"
    yield
    app.config["FORUM_SEARCH_BACKEND"] = previous


def word(text, *alternatives):
    return QueryWord(text, [Alternative(t, lang, 0.5) for t, lang in alternatives])


def search(app, q, words=None, **fields):
    request = services.SearchRequest(q=q, **fields)
    if words is not None:
        request.words = words
    with app.test_request_context():
        # Without words given, the query as written (no lexicon expansion above the back-end).
        return services.search(AnonymousUserMixin(), request, exact=words is None)


def reply(app, discussion_id, number, html):
    with app.app_context():
        post = Post(discussion_id=discussion_id, number=number, body="-", body_html=html)
        db.session.add(post)
        db.session.commit()
        return post.id


def test_alternatives_find_the_other_language_ranked_below_the_word(app, postgres):
    content = make_content(app)
    italian = reply(app, content.discussion_id, 10, "<p>Illuminazione pubblica a led.</p>")
    english = reply(app, content.discussion_id, 11, "<p>Street lighting with led lamps.</p>")
    assert [i.row.id for i in search(app, "lighting").items] == [english]
    found = search(app, "lighting", [word("lighting", ("illuminazione", "it"))])
    assert [i.row.id for i in found.items] == [english, italian]
    marks = [str(i.fragment) for i in found.items]
    assert "<mark>lighting</mark>" in marks[0] and "<mark>Illuminazione</mark>" in marks[1]


def test_no_document_with_every_word_falls_back_to_some_of_them(app, postgres):
    content = make_content(app)
    reply(app, content.discussion_id, 10, "<p>Buche nelle strade.</p>")
    both = reply(app, content.discussion_id, 11, "<p>Buche e lampioni.</p>")
    plain = search(app, "buche lampioni")
    assert [i.row.id for i in plain.items] == [both]
    assert not getattr(plain.result, "relaxed", False)
    relaxed = search(app, "buche semafori", [word("buche"), word("semafori")])
    assert relaxed.result.relaxed and relaxed.total == 2


def test_a_prior_per_kind_changes_the_order(app, postgres):
    make_content(app)
    plain = [i.doc_type for i in search(app, "gemellaggio").items]
    assert len(plain) == 2
    request = services.SearchRequest(q="gemellaggio")
    request.words = [word("gemellaggio")]
    request.type_weights = {plain[-1]: 50.0}
    with app.test_request_context():
        boosted = [i.doc_type for i in services.search(AnonymousUserMixin(), request).items]
    assert boosted == plain[::-1]


def test_sentinel_characters_in_user_text_never_become_marks(app, postgres):
    content = make_content(app)
    reply(app, content.discussion_id, 10,
          f"<p>{START}&lt;script&gt;{STOP} {LT}b vombato</p>")
    [item] = search(app, "vombato").items
    html = str(item.fragment)
    assert html.count("<mark>") == 1 and "<mark>vombato</mark>" in html
    assert "script&gt;" in html and "<script" not in html
    assert START not in html and STOP not in html and LT not in html


def test_new_words_join_the_vocabulary_for_did_you_mean(app, postgres):
    content = make_content(app)
    reply(app, content.discussion_id, 10, "<p>Il pipistrello della torre.</p>")
    with app.app_context():
        assert db.session.scalar(select(words.c.word).where(words.c.word == "pipistrello"))
    assert search(app, "pipistrelo").result.suggestion == "pipistrello"


def test_reindex_rebuilds_documents_and_vocabulary(app, postgres):
    content = make_content(app)
    with app.app_context():
        db.session.execute(db.text("DELETE FROM search_documents"))
        db.session.execute(db.text("DELETE FROM search_words"))
        db.session.commit()
    assert search(app, "ornitorinco").total == 0
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "PostgreSQL's search tables" in result.output, result.output
    with app.app_context():
        assert services.check().clean
    assert [i.row.id for i in search(app, "engagement").items] == [content.reply_id]
    assert search(app, "governnce").result.suggestion == "governance"
