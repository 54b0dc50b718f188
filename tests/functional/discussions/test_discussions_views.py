"""The discussion pages as members, visitors and staff use them."""
import io

import pytest
from sqlalchemy import select

from forum.discussions import services
from forum.discussions.models import Discussion, Post
from forum.extensions import db
from forum.places.models import Network
from forum.twinnings.models import Twinning
from tests.fixtures.web import csrf_from, page, submit, text_of


@pytest.fixture
def space(app):
    with app.app_context():
        twinning = Twinning(slug="bg-le", title="Governance BG-LE")
        db.session.add(twinning)
        db.session.commit()
        return twinning.slug


@pytest.fixture
def thread(app, make_user, space):
    """A discussion opened by `anna`; returns a factory adding replies."""
    anna = make_user("anna", full_name="Anna Rossi")

    class Thread:
        author = anna

        def __init__(self):
            with app.app_context():
                twinning = db.session.scalar(select(Twinning).where(Twinning.slug == space))
                user = db.session.get(services.User, anna.id)
                d = services.start_discussion(user, twinning, "Come partire", "Primo **passo**")
                db.session.commit()
                self.id = d.id

        @property
        def url(self):
            return f"/discussions/{self.id}"

        def add_replies(self, member, n):
            with app.app_context():
                d = db.session.get(Discussion, self.id)
                user = db.session.get(services.User, member.id)
                for i in range(n):
                    services.reply(user, d, f"Risposta numero {i + 1}")
                db.session.commit()

        def post(self, number):
            with app.app_context():
                post = db.session.scalar(select(Post).where(
                    Post.discussion_id == self.id, Post.number == number))
                db.session.expunge(post)
                return post

        def discussion(self):
            with app.app_context():
                d = db.session.get(Discussion, self.id)
                return d.reply_count, d.participant_count, d.pinned, d.locked

    return Thread()


pytestmark = pytest.mark.usefixtures("english")


def reply_to(client, thread, body, **extra):
    return submit(client, f"{thread.url}/reply", {"body": body, **extra}, form_url=thread.url)


def test_visitor_reads_thread_with_space_author_and_date(client, thread):
    response = client.get(thread.url + "?lang=en")
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.get_text().startswith("Come partire")
    assert "Governance BG-LE" in text_of(response)
    first = soup.find(id="post-1")
    assert first.find("strong").get_text() == "passo"
    assert "Anna Rossi" in first.get_text()
    assert first.find(class_="avatar").get_text().strip() == "AR"
    assert first.find("time")["datetime"]
    assert "Sign in to reply." in text_of(response)
    assert soup.find("form", action=f"{thread.url}/reply") is None


def test_date_follows_the_active_language(client, thread):
    month_it = page(client.get(thread.url + "?lang=it")).find(id="post-1").find("time").get_text()
    month_en = page(client.get(thread.url + "?lang=en")).find(id="post-1").find("time").get_text()
    assert month_it != month_en


def test_member_replies_and_sees_the_reply(client, login, make_user, thread):
    login(make_user("bruno"))
    response = reply_to(client, thread, "Sono d'accordo con *tutto*")
    assert response.status_code == 200
    reply = page(response).find(id="post-2")
    assert reply.find("em").get_text() == "tutto"
    assert "bruno" in reply.get_text()
    assert thread.discussion()[:2] == (1, 2)


def test_empty_reply_is_refused_with_a_message(client, login, make_user, thread):
    login(make_user("bruno"))
    response = reply_to(client, thread, "   ")
    assert response.status_code == 200
    assert page(response).find(id="body-error") is not None
    assert thread.discussion()[0] == 0


def test_preview_renders_without_saving(client, login, make_user, thread):
    login(make_user("bruno"))
    response = reply_to(client, thread, "Testo **in prova**", preview="Preview")
    soup = page(response)
    preview = soup.find(class_="post-preview")
    assert preview.find("strong").get_text() == "in prova"
    assert soup.find("textarea", attrs={"name": "body"}).get_text().strip() == "Testo **in prova**"
    assert soup.find(id="post-2") is None
    assert thread.discussion()[0] == 0


def test_quote_prefills_the_reply_box(client, login, make_user, thread):
    login(make_user("bruno"))
    first = thread.post(1)
    soup = page(client.get(thread.url))
    quote_link = soup.find(id="post-1").find("a", href=lambda h: h and "quote=" in h)
    assert quote_link.get_text(" ").startswith("Quote")
    assert quote_link["href"].endswith("#reply")
    response = client.get(quote_link["href"])
    box = page(response).find("textarea", attrs={"name": "body"}).get_text()
    assert "@anna" in box and "> Primo **passo**" in box
    assert client.get(f"{thread.url}?quote=abc").status_code == 400
    assert client.get(f"{thread.url}?quote={first.id + 999}").status_code == 404


def test_mention_links_to_profile(client, login, make_user, thread):
    login(make_user("bruno"))
    response = reply_to(client, thread, "Grazie @anna!")
    link = page(response).find(id="post-2").find("a", string="@anna")
    assert link["href"] == "/members/anna"


def test_author_edits_post_and_it_shows_edited(client, login, thread):
    login(thread.author)
    first = thread.post(1)
    response = submit(client, f"/posts/{first.id}/edit",
                      {"title": "Come cominciare", "body": "Testo nuovo"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.find("h1").get_text() == "Come cominciare"
    post = soup.find(id="post-1")
    assert "Testo nuovo" in post.get_text()
    assert post.find(class_="post-edited") is not None


def test_edit_preview_keeps_old_text(client, login, thread):
    login(thread.author)
    first = thread.post(1)
    response = submit(client, f"/posts/{first.id}/edit",
                      {"title": "Come partire", "body": "_bozza_", "preview": "Preview"})
    assert page(response).find(class_="post-preview").find("em").get_text() == "bozza"
    assert thread.post(1).body == "Primo **passo**"


def test_others_cannot_edit_or_delete(client, login, make_user, thread):
    bruno = make_user("bruno")
    thread.add_replies(thread.author, 1)
    login(bruno)
    reply = thread.post(2)
    assert client.get(f"/posts/{reply.id}/edit").status_code == 403
    token = csrf_from(client.get(thread.url))
    response = client.post(f"/posts/{reply.id}/delete", data={"csrf_token": token})
    assert response.status_code == 403


def test_delete_leaves_a_placeholder(client, login, make_user, thread):
    bruno = make_user("bruno")
    thread.add_replies(bruno, 2)
    login(bruno)
    reply = thread.post(2)
    token = csrf_from(client.get(thread.url))
    response = client.post(f"/posts/{reply.id}/delete", data={"csrf_token": token},
                           follow_redirects=True)
    soup = page(response)
    placeholder = soup.find(id="post-2")
    assert "This post was deleted." in placeholder.get_text()
    assert "Risposta numero 1" not in placeholder.get_text()
    assert "Risposta numero 2" in soup.find(id="post-3").get_text()
    assert thread.discussion()[:2] == (1, 2)


def test_only_staff_delete_the_opening_post(client, login, make_user, thread):
    login(thread.author)
    first = thread.post(1)
    token = csrf_from(client.get(thread.url))
    assert client.post(f"/posts/{first.id}/delete",
                       data={"csrf_token": token}).status_code == 403


def test_staff_sees_deleted_body_and_restores(client, login, make_user, thread):
    bruno = make_user("bruno")
    thread.add_replies(bruno, 1)
    reply = thread.post(2)
    with client.application.app_context():
        services.delete_post(db.session.get(services.User, bruno.id),
                             db.session.get(Post, reply.id))
        db.session.commit()
    login(make_user("mod", role="staff"))
    soup = page(client.get(thread.url + "?lang=en"))
    assert "Risposta numero 1" in soup.find(id="post-2").get_text()
    response = submit(client, f"/posts/{reply.id}/restore", {}, form_url=thread.url)
    assert response.status_code == 200
    assert thread.discussion()[:2] == (1, 2)


def test_counts_after_three_members_and_a_deletion(client, login, make_user, thread):
    bruno, carla = make_user("bruno"), make_user("carla")
    thread.add_replies(bruno, 2)
    thread.add_replies(carla, 1)
    thread.add_replies(thread.author, 1)
    assert thread.discussion()[:2] == (4, 3)
    login(carla)
    carla_post = thread.post(4)
    response = submit(client, f"/posts/{carla_post.id}/delete", {}, form_url=thread.url)
    assert response.status_code == 200
    assert thread.discussion()[:2] == (3, 2)
    text = text_of(client.get(thread.url + "?lang=en"))
    assert "3 replies" in text and "2 participants" in text


def test_locked_discussion_refuses_replies(client, login, make_user, thread):
    staff = make_user("mod", role="staff")
    login(staff)
    response = submit(client, f"{thread.url}/lock", {"state": "on"}, form_url=thread.url)
    assert response.status_code == 200
    assert thread.discussion()[3] is True
    client.post("/auth/logout", data={"csrf_token": csrf_from(client.get(thread.url))})
    bruno = make_user("bruno")
    login(bruno)
    soup = page(client.get(thread.url + "?lang=en"))
    assert "This discussion is locked" in soup.get_text()
    assert soup.find("textarea", attrs={"name": "body"}) is None
    token = csrf_from(client.get(thread.url))
    response = client.post(f"{thread.url}/reply", data={"csrf_token": token, "body": "Ciao"},
                           follow_redirects=True, query_string={"lang": "en"})
    assert "This discussion is locked" in text_of(response)
    assert thread.discussion()[0] == 0


def test_staff_pins_and_unpins(client, login, make_user, thread):
    login(make_user("mod", role="staff"))
    submit(client, f"{thread.url}/pin", {"state": "on"}, form_url=thread.url)
    assert thread.discussion()[2] is True
    soup = page(client.get(thread.url + "?lang=en"))
    pin_form = soup.find("form", action=f"{thread.url}/pin")
    assert pin_form.find("input", attrs={"name": "state"})["value"] == "off"
    submit(client, f"{thread.url}/pin", {"state": "off"}, form_url=thread.url)
    assert thread.discussion()[2] is False
    token = csrf_from(client.get(thread.url))
    assert client.post(f"{thread.url}/pin", data={"csrf_token": token,
                                                  "state": "maybe"}).status_code == 400


def test_members_cannot_pin_or_lock(client, login, make_user, thread):
    login(make_user("bruno"))
    token = csrf_from(client.get(thread.url))
    assert client.post(f"{thread.url}/pin", data={"csrf_token": token,
                                                  "state": "on"}).status_code == 403
    assert client.post(f"{thread.url}/lock", data={"csrf_token": token,
                                                   "state": "on"}).status_code == 403
    assert page(client.get(thread.url)).find("form", action=f"{thread.url}/lock") is None


def test_unconfirmed_member_cannot_post(client, login, make_user, thread, space):
    login(make_user("nuovo", confirmed=False))
    soup = page(client.get(thread.url))
    assert soup.find("textarea", attrs={"name": "body"}) is None
    assert "Confirm your e-mail address" in soup.get_text()
    token = csrf_from(client.get(thread.url))
    response = client.post(f"{thread.url}/reply", data={"csrf_token": token, "body": "x"})
    assert response.status_code == 403
    assert client.get(f"/discussions/new?space=twinning:{space}").status_code == 403
    assert thread.discussion()[0] == 0


def test_visitor_is_sent_to_sign_in(client, thread, space):
    response = client.get(f"/discussions/new?space=twinning:{space}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_start_a_discussion(client, login, make_user, space):
    login(make_user("bruno"))
    url = f"/discussions/new?space=twinning:{space}"
    response = submit(client, url, {"title": "Nuovo tema", "body": "Proposta"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.find("h1").get_text() == "Nuovo tema"
    assert "Proposta" in soup.find(id="post-1").get_text()


def test_start_a_discussion_in_a_network(client, app, login, make_user):
    with app.app_context():
        db.session.add(Network(slug="digiplace", name="DigiPlace"))
        db.session.commit()
    login(make_user("bruno"))
    response = submit(client, "/discussions/new?space=network:digiplace",
                      {"title": "Rete", "body": "Ciao"})
    assert "DigiPlace" in text_of(response)


def test_start_form_keeps_text_on_error_and_previews(client, login, make_user, space):
    login(make_user("bruno"))
    url = f"/discussions/new?space=twinning:{space}"
    response = submit(client, url, {"title": "", "body": "Tengo questo testo"})
    soup = page(response)
    assert soup.find(id="title-error") is not None
    assert soup.find("textarea", attrs={"name": "body"}).get_text().strip() == "Tengo questo testo"
    response = submit(client, url, {"title": "T", "body": "**x**", "preview": "Preview"})
    assert page(response).find(class_="post-preview").find("strong").get_text() == "x"
    with client.application.app_context():
        assert db.session.scalar(select(Discussion).where(Discussion.title == "T")) is None


@pytest.mark.parametrize("arg,status", [
    ("", 400), ("twinning", 400), ("city:bg-le", 400), ("twinning:", 400),
    ("twinning:nope", 404), ("network:bg-le", 404),
])
def test_bad_space_argument(client, login, make_user, space, arg, status):
    login(make_user("bruno"))
    assert client.get(f"/discussions/new?space={arg}").status_code == status


def test_pagination_and_latest_post_link(client, login, make_user, thread):
    bruno = make_user("bruno")
    thread.add_replies(bruno, 44)  # 45 posts: three pages
    soup = page(client.get(thread.url))
    assert len(soup.select("article.post")) == 20
    latest = soup.find("a", href=lambda h: h and h.endswith("#post-45"))
    assert latest is not None and "page=3" in latest["href"]
    last_page = page(client.get(latest["href"]))
    assert last_page.find(id="post-45") is not None
    assert len(last_page.select("article.post")) == 5
    assert page(client.get(thread.url + "?page=2")).find(id="post-21") is not None
    assert client.get(thread.url + "?page=4").status_code == 404
    assert client.get(thread.url + "?page=0").status_code == 400
    assert client.get(thread.url + "?page=x").status_code == 400
    login(bruno)
    response = reply_to(client, thread, "La quarantaseiesima")
    assert "page=3" in response.request.path + "?" + response.request.query_string.decode()
    assert page(response).find(id="post-46") is not None


def test_unknown_ids_are_404(client, thread):
    assert client.get("/discussions/999999").status_code == 404
    assert client.get("/posts/999999/edit").status_code in (302, 404)


def test_hidden_discussion_is_404_for_visitors(client, app, thread):
    with app.app_context():
        db.session.get(Discussion, thread.id).visibility = "hidden"
        db.session.commit()
    assert client.get(thread.url).status_code == 404


def test_deleted_author_renders_as_former_member(client, app, thread):
    from forum.core.db import utcnow

    with app.app_context():
        user = db.session.get(services.User, thread.author.id)
        user.deleted_at = utcnow()
        user.full_name = None
        db.session.commit()
    soup = page(client.get(thread.url + "?lang=en"))
    author = soup.find(id="post-1").find(class_="post-author")
    assert author.get_text() == "Former member" and author.name != "a"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_reply_with_a_pdf_attachment(client, login, make_user, thread):
    login(make_user("bruno"))
    response = reply_to(client, thread, "Ecco il verbale",
                        attachments=(io.BytesIO(PDF), "verbale.pdf"))
    reply = page(response).find(id="post-2")
    link = reply.find("a", string="verbale.pdf")
    assert link is not None
    download = client.get(link["href"])
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]


def test_executable_renamed_to_pdf_is_refused_and_text_kept(client, login, make_user, thread):
    login(make_user("bruno"))
    response = reply_to(client, thread, "Il mio testo resta",
                        attachments=(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "report.pdf"))
    soup = page(response)
    assert soup.find(id="attachments-error") is not None
    assert soup.find("textarea", attrs={"name": "body"}).get_text().strip() == "Il mio testo resta"
    assert thread.discussion()[0] == 0


def test_too_large_file_is_refused_with_the_form_kept(app, client, login, make_user, space,
                                                      monkeypatch):
    monkeypatch.setitem(app.config, "FORUM_MAX_UPLOAD_MB", 1)
    login(make_user("bruno"))
    big = PDF + b"0" * (1024 * 1024 + 10)
    response = submit(client, f"/discussions/new?space=twinning:{space}",
                      {"title": "Con allegato", "body": "Testo",
                       "attachments": (io.BytesIO(big), "grande.pdf")})
    assert response.status_code == 200
    soup = page(response)
    assert "grande.pdf" in soup.find(id="attachments-error").get_text()
    assert soup.find("input", attrs={"name": "title"})["value"] == "Con allegato"
    with app.app_context():
        assert db.session.scalar(select(Discussion).where(Discussion.title == "Con allegato")) \
            is None


def test_deleted_post_attachment_is_not_served(app, client, login, make_user, thread):
    bruno = make_user("bruno")
    login(bruno)
    response = reply_to(client, thread, "Allegato", attachments=(io.BytesIO(PDF), "a.pdf"))
    href = page(response).find(id="post-2").find("a", string="a.pdf")["href"]
    submit(client, f"/posts/{thread.post(2).id}/delete", {}, form_url=thread.url)
    assert client.get(href).status_code == 404


@pytest.fixture
def limited_app(_app, test_config):
    """A second app with rate limits on (the limiter is one object shared by every app)."""
    from forum import create_app
    from forum.extensions import limiter

    app = create_app({**test_config, "RATELIMIT_ENABLED": True,
                      "FORUM_RATELIMIT_POST": "3 per minute"})
    limiter.reset()
    try:
        yield app
    finally:
        limiter.enabled = False
        limiter.reset()
        with app.app_context():
            db.engine.dispose()


def test_posting_is_rate_limited_but_previews_are_not(limited_app):
    # Only what is saved counts, so a visitor's refused posts and previews never reach the
    # limit; a member's publications do (tests/functional/security/test_limits.py).
    client = limited_app.test_client()
    token = csrf_from(client.get("/auth/login"))
    data = {"csrf_token": token, "body": "x"}
    previews = [client.post("/discussions/999999/reply", data={**data, "preview": "1"})
                for _ in range(4)]
    assert 429 not in [r.status_code for r in previews]
    codes = [client.post("/discussions/999999/reply", data=data).status_code for _ in range(4)]
    assert 429 not in codes
    assert client.get("/discussions/999999").status_code == 404
