"""The XSS corpus through what notifications show: the "Following" page (titles of what a
member follows), the notifications page and the notification e-mails (plain and HTML)."""
import pytest

from forum.accounts.models import User
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.extensions import db
from forum.twinnings.models import Twinning
from tests.fixtures.web import PASSWORD, Member
from tests.functional.xss.xss_support import (
    BATCH,
    CORPUS,
    HARMLESS,
    PageScan,
    Visit,
    batch_id,
    chunks,
    fit,
    problems,
    report,
    scan,
    sweep,
)


def _member(name: str, text: str) -> User:
    user = User(username=name, username_key=name, email=f"{name}@example.org",
                full_name=fit(text, 120), listed=True, email_confirmed_at=utcnow(),
                joined_at=utcnow())
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def _reader(app) -> Member:
    with app.test_request_context():
        reader = _member("reader", "Reader")
        db.session.add(Twinning(slug="xss-n", title="XSS"))
        db.session.commit()
        return Member(reader.id, reader.username, reader.email, PASSWORD)


def _publish(app, batch) -> None:
    """Per payload a discussion titled and opened with it, by a writer named with it, which
    mentions the reader (who so follows it and is notified)."""
    with app.test_request_context():
        space = db.session.scalar(db.select(Twinning).where(Twinning.slug == "xss-n"))
        for number, text in batch:
            writer = _member(f"writer{number}", text)
            discussions.start_discussion(writer, space, fit(text, 200), f"{text} @reader")
        db.session.commit()


@pytest.mark.parametrize("batch", list(chunks(list(enumerate(CORPUS, start=1)), BATCH)),
                         ids=batch_id)
def test_payloads_in_following_and_notifications(app, client, login, batch):
    reader = _reader(app)
    _publish(app, [(0, HARMLESS)])
    login(reader)
    baselines = {"following": scan(client.get("/account/following")),
                 "notifications": scan(client.get("/notifications/"))}
    harmless_mail = PageScan(_mails(app)[-1].html_body)
    _publish(app, batch)
    visits = [Visit("following", "/account/following", "the batch"),
              Visit("notifications", "/notifications/", "the batch")]
    failures = sweep(client, visits, baselines)
    for message in _mails(app)[1:]:
        failures += [f"mail {message.subject!r}: {line}"
                     for line in problems(PageScan(message.html_body), harmless_mail)]
    assert not failures, report(failures)


def _mails(app):
    from forum.notifications.models import OutboxMessage

    with app.app_context():
        rows = list(db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.recipient == "reader@example.org").order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows
