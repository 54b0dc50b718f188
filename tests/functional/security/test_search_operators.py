"""Search operators in any order never crash the parser: a query made only of operators has
no words to look for, and says so."""
import itertools

import pytest
from flask_login import AnonymousUserMixin

from forum.search.backend import QueryError, SearchRequest, get_backend
from tests.fixtures.search import make_content
from tests.fixtures.web import text_of

OPERATORS = ["NOT", "AND", "OR", "ANDNOT", "ANDMAYBE", "(", ")", "*", '"']
WORDS = ["smart", "gemell*"]
NO_WORDS = "Your search has no words to look for"


def _combinations():
    tokens = OPERATORS + WORDS
    for n in (1, 2, 3):
        for combo in itertools.product(tokens, repeat=n):
            yield " ".join(combo)


def test_every_operator_sequence_is_results_or_no_words(app, search_index):
    """Every sequence of up to three operators and words (1,463 of them) goes through the
    backend without an exception other than QueryError."""
    make_content(app)
    crashed = []
    with app.test_request_context():
        backend = get_backend()
        for text in _combinations():
            try:
                backend.search(SearchRequest(q=text), AnonymousUserMixin())
            except QueryError:
                pass
            except Exception as exc:  # noqa: BLE001 - what the test is looking for
                crashed.append((text, type(exc).__name__))
    assert crashed == []


@pytest.mark.parametrize("q", ["NOT NOT NOT", "NOT OR smart", "NOT ANDNOT smart",
                               "AND ANDNOT ANDNOT NOT"])
def test_operators_alone_get_the_no_words_message(client, app, search_index, q):
    make_content(app)
    response = client.get("/search", query_string={"q": q, "lang": "en"})
    assert response.status_code == 200
    assert NO_WORDS in text_of(response)
