"""The XSS corpus through moderation: report notes and reporters' names in the staff queue
and item pages, staff and members' names and staff reasons in the audit log, the reason shown
beside hidden content, the log's own filter, and the staff edit form.
"""
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from forum.accounts.models import User
from forum.calls import services as calls
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.extensions import db
from forum.moderation import services as moderation
from forum.practices import services as practices
from forum.twinnings.models import Twinning
from tests.fixtures.web import PASSWORD, Member
from tests.functional.xss.xss_support import (
    BATCH,
    CORPUS,
    HARMLESS,
    Visit,
    batch_id,
    call_fields,
    chunks,
    fit,
    report,
    scan,
    sweep,
)


def _member(name: str, text: str, role: str = "member") -> User:
    user = User(username=name, username_key=name, email=f"{name}@example.org", role=role,
                full_name=fit(text, 120), listed=True, joined_at=utcnow() - timedelta(days=30),
                email_confirmed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    return user


def _world(twinning, number: int, text: str) -> dict:
    """Content by a member named `text`, reported five ways with `text` as the note by a
    member named `text`; a staff member named `text` hides a reply and suspends the author,
    with `text` as the reason."""
    author = _member(f"author{number}", text)
    reporter = _member(f"reporter{number}", text)
    staff = _member(f"moderator{number}", text, role="staff")
    discussion = discussions.start_discussion(author, twinning, fit(text, 200), text)
    opening = discussion.posts[0]
    reply = discussions.reply(author, discussion, text)
    practice = practices.create_practice(author, {
        "kind": "offer", "title": fit(text, 200), "summary": fit(text, 300), "body": text,
        "language": "it", "themes": ["open-data"]})
    call = calls.create_call(staff, call_fields(text, number))
    note = text[:moderation.NOTE_MAX]
    for kind, item in (("post", opening), ("discussion", discussion), ("user", author),
                       ("practice", practice), ("call", call)):
        moderation.report(reporter, kind, item, "personal-data", note)
    moderation.hide(staff, "post", reply, text)
    moderation.suspend(staff, author, 3, text)
    return {"discussion": discussion.id, "post": opening.id, "author": author.id}


def _build(app, payloads, start):
    with app.test_request_context():
        observer = _member("xssstaff", "Staff member", role="staff")
        observer.set_password(PASSWORD)
        twinning = Twinning(slug="xss", title="XSS")
        db.session.add(twinning)
        db.session.flush()
        made = [(text, _world(twinning, start + i, text)) for i, text in enumerate(payloads)]
        db.session.commit()
        return Member(observer.id, observer.username, observer.email, PASSWORD), made


def _visits(text: str, made: dict) -> list[Visit]:
    return [
        Visit("post-item", f"/mod/post/{made['post']}", text, [text[:1000]]),
        Visit("user-item", f"/mod/user/{made['author']}", text, [fit(text, 120)]),
        Visit("post-edit", f"/mod/post/{made['post']}/edit", text),
        Visit("discussion", f"/discussions/{made['discussion']}", text),
        Visit("log-filter", "/mod/log?" + urlencode({"actor": text}), text),
    ]


@pytest.mark.parametrize("batch", list(chunks(list(enumerate(CORPUS, start=1)), BATCH)),
                         ids=batch_id)
def test_reports_queue_and_audit_log(app, client, login, batch):
    observer, made = _build(app, [HARMLESS] + [text for _number, text in batch],
                            batch[0][0] - 1)
    login(observer)
    harmless, made = made[0], made[1:]
    baselines = {visit.kind: scan(client.get(visit.url)) for visit in _visits(*harmless)}
    baselines.update({"queue": scan(client.get("/mod/")), "log": scan(client.get("/mod/log"))})
    # Five reported items per payload, twenty to a page of the queue; two actions per
    # payload, fifty to a page of the log.
    queue_pages = -(-5 * (len(made) + 1) // 20)
    visits = [Visit("queue", f"/mod/?page={n}", "the batch") for n in range(1, queue_pages + 1)]
    visits += [Visit("log", f"/mod/log?page={n}", "the batch") for n in (1,)]
    visits += [visit for entry in made for visit in _visits(*entry)]
    failures = sweep(client, visits, baselines)
    assert not failures, report(failures)
