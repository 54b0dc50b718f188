"""The XSS corpus through post bodies, discussion titles and every field of a member's profile.

Each payload goes everywhere a member can put text that other people see; the pages are then
parsed and checked the way a browser would run them (see tests/functional/xss/xss_support.py):
no script-capable element the page does not have with harmless content, no event-handler
attribute, no inline style, no script or data URL, a <title> of text only. The other kinds of
content (places, twinnings, practices, calls, search, moderation) have their own files in
tests/functional/xss/.
"""
import pytest
from flask import Response
from sqlalchemy import select

from forum.accounts.models import User
from forum.accounts.services import set_profile
from forum.core.db import utcnow
from forum.discussions import services
from forum.extensions import db
from forum.places.models import City, Organisation
from forum.twinnings.models import Twinning
from tests.fixtures.web import PASSWORD, Member, submit
from tests.functional.xss.xss_support import (
    BATCH,
    CORPUS,
    HARMLESS,
    KNOWN_PAYLOADS,
    NAUGHTY,
    PageScan,
    Visit,
    assert_clean,
    batch_id,
    chunks,
    fit,
    report,
    scan,
    sweep,
)

PAYLOADS = KNOWN_PAYLOADS


def _writer(number: int, text: str) -> User:
    username = f"writer{number}"
    user = User(username=username, username_key=username, email=f"{username}@example.org",
                email_confirmed_at=utcnow(), joined_at=utcnow(), listed=True)
    organisation = Organisation(name=fit(f"{text} {number}", 200), kind="public-administration")
    city = City(slug=f"writer-city-{number}", name=fit(text, 120))
    set_profile(user, full_name=fit(text, 120), profession=fit(text, 120), bio=text,
                organisation=organisation, city=city)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def _space() -> Twinning:
    twinning = db.session.scalar(select(Twinning).where(Twinning.slug == "xss"))
    if twinning is None:
        twinning = Twinning(slug="xss", title="XSS")
        db.session.add(twinning)
        # Mentions in the corpus name this member, so the mention linker runs on them.
        mentioned = User(username="mentioned", username_key="mentioned",
                         email="mentioned@example.org", email_confirmed_at=utcnow(), listed=True)
        db.session.add(mentioned)
    return twinning


def _publish(app, text, number):
    """A member whose every profile field is `text`, and a discussion titled `text`, opened
    with it and answered with it by that member and by an unlisted member named `text`."""
    with app.app_context():
        user = _writer(number, text)
        discussion = services.start_discussion(user, _space(), fit(text, 200), text)
        services.reply(user, discussion, text)
        # An unlisted member's name is shown without a link to the profile.
        quiet = User(username=f"quiet{number}", username_key=f"quiet{number}",
                     email=f"quiet{number}@example.org", email_confirmed_at=utcnow(),
                     full_name=fit(text, 120), listed=False)
        db.session.add(quiet)
        services.reply(quiet, discussion, text)
        db.session.commit()
        return user.username, discussion.id, discussion.posts[0].id


def _visits(text, username, discussion_id, post_id, *, staff=False):
    if staff:
        return [Visit("edit-post", f"/posts/{post_id}/edit", text)]
    return [
        Visit("discussion", f"/discussions/{discussion_id}", text, [fit(text, 200)]),
        Visit("member", f"/members/{username}", text, [fit(text, 120)]),
    ]


LISTS = ("/", "/twinnings/xss", "/members/")
# Fifty members to a page: the batch's forty-odd members are all on the first.
ADMIN_LISTS = ("/admin/members",)


def _staff(app):
    with app.app_context():
        user = User(username="xssstaff", username_key="xssstaff", email="xssstaff@example.org",
                    role="admin", email_confirmed_at=utcnow(), listed=False)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return Member(user.id, user.username, user.email, PASSWORD)


def _own_profile(client, app, member, text):
    """The member's own profile form, filled with `text` in every field."""
    with app.app_context():
        user = db.session.get(User, member.id)
        set_profile(user, full_name=fit(text, 120), profession=fit(text, 120), bio=text)
        db.session.commit()
    return client.get("/account/profile")


@pytest.mark.parametrize("batch", list(chunks(list(enumerate(CORPUS, start=1)), BATCH)),
                         ids=batch_id)
def test_payloads_in_discussions_and_profiles(app, client, login, batch):
    harmless = (HARMLESS, *_publish(app, HARMLESS, 0))
    made = [(text, *_publish(app, text, number)) for number, text in batch]
    failures = []
    for as_staff in (False, True):
        if as_staff:
            staff = _staff(app)
            login(staff)
        # The newest 20 discussions and members fill the first page of each list.
        lists = [Visit(url, url, "the batch") for url in (ADMIN_LISTS if as_staff else LISTS)]
        baselines = {visit.kind: scan(client.get(visit.url))
                     for visit in _visits(*harmless, staff=as_staff) + lists}
        visits = [visit for entry in made for visit in _visits(*entry, staff=as_staff)]
        failures += sweep(client, visits + lists, baselines)
    baseline = scan(_own_profile(client, app, staff, HARMLESS))
    for _number, text in batch:
        response = _own_profile(client, app, staff, text)
        failures += [f"/account/profile with {text!r}: {line}"
                     for line in _problems(response, baseline)]
    assert not failures, report(failures)


def _problems(response, baseline):
    try:
        assert_clean(response, baseline)
    except AssertionError as error:
        return [str(error)]
    return []


def test_the_corpus_holds_known_payloads_and_naughty_strings():
    assert len(KNOWN_PAYLOADS) >= 30
    assert len(NAUGHTY) >= 90
    assert len(set(CORPUS)) == len(CORPUS) == len(KNOWN_PAYLOADS) + len(NAUGHTY)


CLEAN_PAGE = "<html><head><title>t</title></head><body><p>{}</p></body></html>"


@pytest.mark.parametrize("dirty", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg></svg>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>', '<a href=" DATA:text/html,x">x</a>',
    '<button formaction="vbscript:x">b</button>', "<style>p{}</style>",
    '<p style="background:red">x</p>', '<img srcset="a.png 1x, javascript:alert(1) 2x">',
    '<meta http-equiv="refresh" content="0;url=https://example.org">',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
])
def test_the_checker_catches_what_it_looks_for(dirty):
    baseline = PageScan(CLEAN_PAGE.format(""))
    with pytest.raises(AssertionError):
        assert_clean(Response(CLEAN_PAGE.format(dirty)), baseline)


@pytest.mark.parametrize("title,message", [
    ("t<b>x</b>", "markup inside <title>"),
    ("</title><script>alert(1)</script>", "script-capable element"),
])
def test_the_checker_reads_the_title(title, message):
    baseline = PageScan(CLEAN_PAGE.format(""))
    with pytest.raises(AssertionError, match=message):
        assert_clean(Response(CLEAN_PAGE.replace("<title>t", f"<title>{title}")), baseline)


def test_the_checker_passes_a_clean_page():
    baseline = PageScan(CLEAN_PAGE.format(""))
    assert_clean(Response(CLEAN_PAGE.format("&lt;script&gt; <a href='/x'>x</a>")), baseline)


@pytest.mark.parametrize("payload", PAYLOADS[::5])
def test_quote_prefill_and_preview_stay_inert(app, client, make_user, login, payload):
    _username, discussion_id, post_id = _publish(app, payload, 900)
    _h_user, harmless_id, harmless_post = _publish(app, HARMLESS, 901)
    login(make_user("reader"))
    clean_quote = scan(client.get(f"/discussions/{harmless_id}?quote={harmless_post}"))
    quoted = client.get(f"/discussions/{discussion_id}?quote={post_id}")
    assert_clean(quoted, clean_quote)
    url = f"/discussions/{discussion_id}/reply"
    clean_preview = scan(submit(client, f"/discussions/{harmless_id}/reply",
                                {"body": HARMLESS, "preview": "1"},
                                form_url=f"/discussions/{harmless_id}"))
    preview = submit(client, url, {"body": payload, "preview": "1"},
                     form_url=f"/discussions/{discussion_id}")
    assert_clean(preview, clean_preview)
