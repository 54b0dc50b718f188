"""The Atom feeds, read by a real feed parser (feedparser): valid Atom in the reader's language,
absolute links to the site, nothing hidden, conditional GET, linked from their pages."""
import feedparser
import pytest
from sqlalchemy import select

from forum.accounts.models import User
from forum.discussions import services as discussions
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.places.models import Network
from forum.twinnings.models import Twinning
from tests.fixtures.web import page

BASE = "http://localhost/"


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def assert_valid(parsed, language: str):
    """What RFC 4287 requires of a feed and its entries, and what this site adds."""
    feed = parsed.feed
    assert feed.id and feed.title and feed.updated_parsed
    assert feed.language == language
    selfs = [link for link in feed.links if link.rel == "self"]
    assert len(selfs) == 1 and selfs[0].href.endswith(f"lang={language}")
    assert selfs[0].href == feed.id
    other = "en" if language == "it" else "it"
    assert any(link.rel == "alternate" and link.get("hreflang") == other
               and link.href.endswith(f"lang={other}") for link in feed.links)
    assert feed.author
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.updated_parsed and entry.published_parsed
        assert entry.link == entry.id
    for link in [*feed.links, *(link for e in parsed.entries for link in e.links)]:
        assert link.href.startswith(BASE), link.href


@pytest.fixture
def staff(make_user):
    return make_user("moderatore", role="staff")


def _as(app, member) -> User:
    return db.session.get(User, member.id)


def _start(app, scene, member, title, body="Apriamo il tema.", space=None):
    with app.test_request_context():
        space = space or db.session.get(Twinning, scene.twinning_id)
        discussion = discussions.start_discussion(_as(app, member), space, title, body)
        db.session.commit()
        return discussion.id


def _hide(app, staff, kind, model, item_id):
    from forum.moderation import services as moderation

    with app.test_request_context():
        moderation.hide(_as(app, staff), kind, db.session.get(model, item_id), "Spam")
        db.session.commit()


def test_latest_discussions_feed_in_each_language_with_nothing_hidden(
        app, client, scene, staff, login):
    shown = _start(app, scene, scene.bruno, "Bilancio partecipativo",
                   "Ne parliamo con **@anna** e <script>x</script>")
    hidden = _start(app, scene, scene.bruno, "Pubblicità nascosta")
    _hide(app, staff, "discussion", Discussion, hidden)
    with_hidden_opening = _start(app, scene, scene.carla, "Apertura nascosta",
                                 "Il mio numero di telefono")
    with app.app_context():
        opening = db.session.scalar(select(Post).where(
            Post.discussion_id == with_hidden_opening, Post.number == 1))
    _hide(app, staff, "post", Post, opening.id)

    for language in ("it", "en"):
        parsed = parse(client.get(f"/feeds/discussions.atom?lang={language}"))
        assert_valid(parsed, language)
        titles = [entry.title for entry in parsed.entries]
        assert titles[:2] == ["Apertura nascosta", "Bilancio partecipativo"]
        assert "Pubblicità nascosta" not in titles
        entry = parsed.entries[1]
        assert entry.link == f"{BASE}discussions/{shown}"
        assert entry.author == "Bruno Bianchi"
        assert "<strong>" in entry.content[0].value and "<script>" not in entry.content[0].value
        # The discussion is listed, its hidden opening post is not.
        assert "telefono" not in client.get("/feeds/discussions.atom").get_data(as_text=True)
    assert parse(client.get("/feeds/discussions.atom?lang=en")).entries[1].summary == (
        "In “Governance BG-LE”")

    # Staff signed in read the same public feed: hidden content in none.
    login(staff)
    text = client.get("/feeds/discussions.atom").get_data(as_text=True)
    assert "Pubblicità nascosta" not in text and "telefono" not in text


def test_twinning_feed_has_its_own_discussions_and_a_hidden_twinning_has_none(
        app, client, scene, staff):
    with app.test_request_context():
        other = Twinning(slug="mi-ba", title="Milano e Bari")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    with app.test_request_context():
        discussions.start_discussion(_as(app, scene.bruno), db.session.get(Twinning, other_id),
                                     "Solo a Milano", "Testo.")
        db.session.commit()
    _start(app, scene, scene.bruno, "Solo a Bergamo e Lecce")

    parsed = parse(client.get("/twinnings/bg-le/feed.atom?lang=en"))
    assert_valid(parsed, "en")
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Solo a Bergamo e Lecce", "Come partire"]
    assert parsed.feed.title == "Gemellaggi: Governance BG-LE"
    assert parsed.feed.link == f"{BASE}twinnings/bg-le"

    with app.app_context():
        db.session.get(Twinning, other_id).visibility = "hidden"  # as staff curation does
        db.session.commit()
    assert client.get("/twinnings/mi-ba/feed.atom").status_code == 404
    assert client.get("/twinnings/nessuno/feed.atom").status_code == 404
    assert "Solo a Milano" not in client.get("/feeds/discussions.atom").get_data(as_text=True)


def test_network_feed_has_its_discussions_and_twinnings(app, client, scene):
    with app.test_request_context():
        network = Network(slug="digiplace", name="DigiPlace")
        db.session.add(network)
        db.session.flush()
        db.session.get(Twinning, scene.twinning_id).network_id = network.id
        discussions.start_discussion(_as(app, scene.bruno), network, "Rete: incontro annuale",
                                     "Ci vediamo a Lecce.")
        db.session.commit()
    parsed = parse(client.get("/networks/digiplace/feed.atom?lang=it"))
    assert_valid(parsed, "it")
    titles = {entry.title for entry in parsed.entries}
    assert titles == {"Rete: incontro annuale", "Governance BG-LE"}
    # The twinning's own discussion belongs to the twinning's feed, not the network's.
    assert "Come partire" not in titles
    assert client.get("/networks/nessuna/feed.atom").status_code == 404


def test_practices_feed_with_each_practice_in_its_language_and_none_hidden(
        app, client, scene, staff):
    from forum.practices import services as practices
    from forum.practices.models import Practice

    with app.test_request_context():
        shown = practices.create_practice(_as(app, scene.anna), {
            "kind": "offer", "title": "Open data per i comuni", "summary": "Un portale.",
            "body": "Come *abbiamo* fatto.", "language": "en", "themes": ["open-data"]})
        hidden = practices.create_practice(_as(app, scene.bruno), {
            "kind": "seek", "title": "Pubblicità", "summary": "Spam.", "body": "Spam.",
            "language": "it", "themes": ["governance"]})
        db.session.commit()
        shown_id, hidden_id = shown.id, hidden.id
    _hide(app, staff, "practice", Practice, hidden_id)

    parsed = parse(client.get("/feeds/practices.atom?lang=en"))
    assert_valid(parsed, "en")
    assert [entry.title for entry in parsed.entries] == ["Open data per i comuni"]
    entry = parsed.entries[0]
    assert entry.link == f"{BASE}practices/{shown_id}"
    assert entry.tags[0].term == "I offer"
    assert entry.content[0].language == "en" or entry.language == "en"
    assert "<em>abbiamo</em>" in entry.content[0].value


def test_calls_feed_has_a_language_and_a_self_link_per_language(app, client):
    for language in ("it", "en"):
        assert_valid(parse(client.get(f"/feeds/calls.atom?lang={language}")), language)


@pytest.mark.parametrize("path", ["/feeds/discussions.atom", "/feeds/practices.atom",
                                  "/twinnings/bg-le/feed.atom", "/feeds/calls.atom"])
def test_conditional_get(app, client, scene, path):
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_new_discussion_changes_the_validators(app, client, scene):
    first = client.get("/feeds/discussions.atom")
    _start(app, scene, scene.bruno, "Novità")
    changed = client.get("/feeds/discussions.atom",
                         headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Novità" in changed.get_data(as_text=True)


def test_each_page_links_its_feed(app, client, scene):
    with app.test_request_context():
        db.session.add(Network(slug="digiplace", name="DigiPlace"))
        db.session.commit()
    for url, feed in (("/", "/feeds/discussions.atom"),
                      ("/twinnings/bg-le", "/twinnings/bg-le/feed.atom"),
                      ("/networks/digiplace", "/networks/digiplace/feed.atom"),
                      ("/practices/", "/feeds/practices.atom"),
                      ("/calls/", "/feeds/calls.atom")):
        links = page(client.get(url)).select(
            "head link[rel=alternate][type='application/atom+xml']")
        assert [link["href"] for link in links] == [feed], url
        assert client.get(feed).status_code == 200


def test_feed_queries_do_not_grow_with_entries(app, client, scene, count_queries):
    _start(app, scene, scene.bruno, "Uno")
    client.get("/feeds/discussions.atom")
    with count_queries() as few:
        client.get("/feeds/discussions.atom")
        client.get("/twinnings/bg-le/feed.atom")
        client.get("/feeds/practices.atom")
    for i in range(12):
        _start(app, scene, scene.carla if i % 2 else scene.bruno, f"Tema {i}")
    with count_queries() as many:
        response = client.get("/feeds/discussions.atom")
        client.get("/twinnings/bg-le/feed.atom")
        client.get("/feeds/practices.atom")
    assert len(parse(response).entries) == 14
    assert len(many) == len(few)
