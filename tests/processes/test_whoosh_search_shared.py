"""Two sites on two ports sharing one database and one Whoosh index folder: a reply posted
through one is found through the other at once, though each site writes the index only after
its response has been sent (forum/search/hooks.py)."""
import uuid

import pytest

from forum.search import services
from tests.fixtures import sites
from tests.fixtures.sites import found, post, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def two_sites(fresh_database_url, tmp_path):
    """The schema by the migrations, a member and a discussion, an index built, and two
    servers on the same database and index folder."""
    with sites.two_sites(fresh_database_url, tmp_path, "whoosh",
                         index_dir=str(tmp_path / "index"), prepare=services.reindex) as running:
        yield running


def test_a_reply_through_one_site_is_found_through_the_other_at_once(two_sites):
    (port_a, port_b), discussion_id = two_sites
    writers = {port_a: sign_in(port_a), port_b: sign_in(port_b)}
    for source, other in ((port_a, port_b), (port_b, port_a), (port_a, port_a)):
        word = "qz" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghjklmnpqr"))
        assert not found(other, word)
        post(writers[source], discussion_id, f"Una risposta con la parola {word} dentro.")
        assert found(other, word), f"{word} posted on {source} not found on {other}"
