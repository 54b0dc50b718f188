"""The discussion page: a real breadcrumb, posts as cards, one menu of secondary actions and a
"Quote" that works with or without the script."""
from forum.discussions.models import Discussion
from forum.extensions import db
from tests.fixtures.discussions import make_twinning, reply, start_discussion
from tests.fixtures.web import page


def test_breadcrumb_cards_menu_and_quote(app, client, make_user, login):
    anna = make_user("anna")
    bob = make_user("bob")
    twinning_id = make_twinning(app, slug="bg-le", title="Governance BG-LE")
    discussion_id = start_discussion(app, anna, twinning_id, title="Come partire",
                                     body="Primo passo\n\nsecondo paragrafo")
    reply(app, bob, discussion_id, "Una risposta")
    login(bob)
    soup = page(client.get(f"/discussions/{discussion_id}?lang=it"))
    crumbs = [c.get_text(" ", strip=True) for c in soup.select(".breadcrumb .breadcrumb-item")]
    assert crumbs == ["Home /", "Gemellaggi /", "Governance BG-LE /", "Come partire"]
    assert soup.select_one(".breadcrumb-item.active")["aria-current"] == "page"
    posts = soup.select("article.post.card")
    assert len(posts) == 2
    first = posts[0]
    quote = first.select_one("a.quote-link")
    assert "quote=" in quote["href"] and quote["href"].endswith("#reply")
    assert quote["data-quote"].startswith("@anna")
    assert "> Primo passo" in quote["data-quote"]
    # Bob's own post: edit and delete sit in the one menu, with report for the other post.
    own = posts[1].select_one("details.post-menu")
    labels = {a.get_text(" ", strip=True).split()[0] for a in own.select("li > a, li button")}
    assert labels >= {"Modifica", "Elimina"}
    assert first.select_one("details.post-menu a[href^='/report/post/']") is not None
    assert posts[1].select_one("footer > a:not(.quote-link)") is None
    # The script is a file of our own (CSP: no inline script).
    script = soup.find("script", src=lambda s: s and "js/discussion.js" in s)
    assert script is not None and not soup.find("script", src=False, string=True)


def test_quote_without_script_fills_the_reply_box(app, client, make_user, login):
    anna = make_user("anna")
    twinning_id = make_twinning(app)
    discussion_id = start_discussion(app, anna, twinning_id, body="Testo da citare")
    with app.app_context():
        first = db.session.get(Discussion, discussion_id).posts[0].id
    login(make_user("bob"))
    soup = page(client.get(f"/discussions/{discussion_id}?quote={first}&lang=it"))
    assert "> Testo da citare" in soup.select_one("#reply textarea[name=body]").get_text()
