"""Two sites on two ports, one PostgreSQL database and its full-text search: what a member
posts through one is found through the other at once (issue 15's scale-out check)."""
import time
import uuid

import pytest

from tests.fixtures import sites
from tests.fixtures.sites import found, post, sign_in

pytestmark = [pytest.mark.postgresql, pytest.mark.slow]


@pytest.fixture
def two_sites(fresh_database_url, tmp_path):
    """The schema by the migrations (the search tables are PostgreSQL's migration), a member
    and a discussion, and two servers; nothing of Whoosh is shared (each its own folder)."""
    with sites.two_sites(fresh_database_url, tmp_path, "postgres") as running:
        yield running


def test_a_reply_through_one_site_is_found_through_the_other_at_once(two_sites):
    (port_a, port_b), discussion_id = two_sites
    writers = {port_a: sign_in(port_a), port_b: sign_in(port_b)}
    for source, other in ((port_a, port_b), (port_b, port_a)):
        word = "qz" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghjklmnpqr"))
        assert not found(other, word)
        post(writers[source], discussion_id, f"Una risposta con la parola {word} dentro.")
        started = time.monotonic()
        assert found(other, word), f"{word} posted on {source} not found on {other}"
        assert time.monotonic() - started < 5
