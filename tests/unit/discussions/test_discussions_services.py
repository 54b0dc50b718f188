"""Discussion services: creating, replying, counts, deleting, mentions, lists."""
import pytest

from forum.accounts.services import create_user
from forum.core.errors import ServiceError
from forum.discussions import services
from forum.extensions import db
from forum.places.models import Network
from forum.twinnings.models import Twinning


def member(name, **kw):
    return create_user(name, f"{name}@example.org", "pw-pw-pw-pw", confirmed=True, **kw)


@pytest.fixture
def twinning(ctx):
    t = Twinning(slug="bg-le", title="Bergamo e Lecce")
    db.session.add(t)
    db.session.flush()
    return t


def test_general_discussion_is_in_italian_and_open(twinning):
    staff = member("curator", role="staff")
    d = services.create_general_discussion(staff, twinning)
    assert d.is_general and d.twinning_id == twinning.id and d.network_id is None
    assert d.title == "Discussione generale del gemellaggio"
    post = d.posts[0]
    assert post.number == 1 and "testimonianza" in post.body and "Bergamo e Lecce" in post.body
    assert d.reply_count == 0 and d.participant_count == 1 and d.last_post_id == post.id


def test_counts_follow_replies_and_deletions(twinning):
    anna, bruno, carla = member("anna"), member("bruno"), member("carla")
    d = services.start_discussion(anna, twinning, "  Bandi  ", "Chi partecipa?")
    assert d.title == "Bandi"
    services.reply(bruno, d, "Io")
    last = services.reply(carla, d, "Anch'io")
    services.reply(anna, d, "Bene")
    assert (d.reply_count, d.participant_count) == (3, 3)
    services.delete_post(carla, last)
    assert (d.reply_count, d.participant_count) == (2, 2)
    assert [p.number for p in d.posts] == [1, 2, 3, 4]
    services.restore_post(member("staffer", role="staff"), last)
    assert (d.reply_count, d.participant_count) == (3, 3)


def test_last_activity_follows_the_latest_visible_post(twinning):
    anna, bruno = member("anna"), member("bruno")
    d = services.start_discussion(anna, twinning, "T", "Apertura")
    first = d.posts[0]
    latest = services.reply(bruno, d, "Risposta")
    assert d.last_post_id == latest.id and d.last_activity_at == latest.created_at
    services.delete_post(bruno, latest)
    assert d.last_post_id == first.id and d.last_activity_at == first.created_at


def test_locked_discussion_refuses_replies(twinning):
    anna = member("anna")
    d = services.start_discussion(anna, twinning, "T", "Apertura")
    services.set_locked(member("staffer", role="staff"), d, True)
    with pytest.raises(ServiceError, match="locked"):
        services.reply(anna, d, "Ancora")


def test_empty_title_and_body_are_refused(twinning):
    anna = member("anna")
    with pytest.raises(ServiceError) as error:
        services.start_discussion(anna, twinning, "  ", "x")
    assert error.value.field == "title"
    with pytest.raises(ServiceError):
        services.start_discussion(anna, twinning, "T", "   ")


def test_edit_marks_edited_and_rerenders(twinning):
    anna = member("anna")
    d = services.start_discussion(anna, twinning, "T", "prima")
    post = d.posts[0]
    services.edit_post(anna, post, "**dopo**", title="Nuovo titolo")
    assert post.edited_at is not None and "<strong>dopo</strong>" in post.body_html
    assert d.title == "Nuovo titolo"


def test_mentions_link_existing_members_outside_code_and_links(twinning):
    member("Anna_B")
    html = services.render_body(
        "Ciao @anna_b e @nessuno, scrivi a x@anna_b.it\n\n`@anna_b` [@anna_b](https://e.org)\n\n"
        "    @anna_b in a code block"
    )
    assert html.count('href="/members/Anna_B"') == 1
    assert '<a href="/members/Anna_B" rel="nofollow ugc noopener">@Anna_B</a>' in html
    assert "@nessuno" in html and "/members/nessuno" not in html
    assert "<code>@anna_b</code>" in html


def test_mentions_never_unescape_text(twinning):
    member("anna")
    html = services.render_body("@anna &lt;script&gt;alert(1)&lt;/script&gt; <b>x</b>")
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_quote_is_a_markdown_blockquote(twinning):
    anna = member("anna")
    d = services.start_discussion(anna, twinning, "T", "riga uno\n\nriga due")
    quoted = services.quote_of(d.posts[0])
    assert "@anna" in quoted
    assert "> riga uno\n>\n> riga due" in quoted


def test_lists_put_pinned_first_and_hide_hidden_discussions(twinning):
    anna, staff = member("anna"), member("staffer", role="staff")
    older = services.start_discussion(anna, twinning, "Vecchia", "x")
    services.start_discussion(anna, twinning, "Nuova", "x")
    hidden = services.start_discussion(staff, twinning, "Nascosta", "x")
    hidden.visibility = "hidden"
    services.set_pinned(staff, older, True)
    titles = [d.title for d in services.discussions_in(twinning, None, 1).items]
    assert titles == ["Vecchia", "Nuova"]
    assert "Nascosta" in [d.title for d in services.discussions_in(twinning, staff, 1).items]


def test_network_discussions_and_latest(twinning):
    anna = member("anna")
    network = Network(slug="digiplace", name="DigiPlace")
    db.session.add(network)
    db.session.flush()
    d = services.start_discussion(anna, network, "In rete", "x")
    assert d.network_id == network.id and d.space is network
    assert [x.title for x in services.discussions_in(network, None, 1).items] == ["In rete"]
    services.start_discussion(anna, twinning, "Nel gemellaggio", "x")
    latest = services.latest_discussions(5, None)
    assert [x.title for x in latest] == ["Nel gemellaggio", "In rete"]
    twinning.visibility = "hidden"
    db.session.flush()
    assert [x.title for x in services.latest_discussions(5, None)] == ["In rete"]


def test_export_lists_discussions_and_posts(twinning):
    from forum.accounts.services import export_data

    anna, bruno = member("anna"), member("bruno")
    d = services.start_discussion(anna, twinning, "T", "apertura")
    services.reply(bruno, d, "risposta")
    gone = services.reply(anna, d, "ritirata")
    services.delete_post(anna, gone)
    exported = export_data(anna)
    assert [x["title"] for x in exported["discussions"]] == ["T"]
    assert exported["discussions"][0]["space"] == "twinning:bg-le"
    assert [(p["body"], p["visibility"]) for p in exported["posts"]] == [
        ("apertura", "published"), ("ritirata", "deleted")]
