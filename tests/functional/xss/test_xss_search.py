"""The XSS corpus through search: indexed in every kind of content, found with highlights
(escaped text with <mark> the only markup), and typed as the query itself, which the page
repeats in its <title>, the search box and "did you mean".
"""
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from forum.accounts.models import User
from forum.accounts.services import set_profile
from forum.calls import services as calls
from forum.core.db import utcnow
from forum.discussions import services as discussions
from forum.extensions import db
from forum.places import services as places
from forum.practices import services as practices
from forum.twinnings.models import Twinning
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

# After the payload in every body, so one query finds every payload's content, and the
# highlighted fragment around it shows the payload too.
MARKER = "zanzara"
TYPES = ("member", "discussion", "post", "practice", "call", "city", "network", "project")


def _index(staff, twinning, number: int, text: str) -> None:
    body = f"{text}\n\n{MARKER}"
    user = User(username=f"found{number}", username_key=f"found{number}",
                email=f"found{number}@example.org", email_confirmed_at=utcnow(),
                joined_at=utcnow() - timedelta(days=30), listed=True)
    set_profile(user, full_name=fit(text, 120), profession=fit(text, 120), bio=body)
    db.session.add(user)
    db.session.flush()
    discussion = discussions.start_discussion(user, twinning, fit(text, 200), body)
    discussions.reply(user, discussion, body)
    practices.create_practice(user, {"kind": "seek", "title": fit(text, 200),
                                     "summary": fit(text, 300), "body": body,
                                     "language": "en", "themes": ["open-data"]})
    calls.create_call(staff, {**call_fields(text, number), "body": body})
    city = places.create_city(staff, {"slug": f"found-city-{number}", "name": fit(text, 120),
                                      "description": body})
    places.create_project(staff, city, {"title": fit(text, 200), "description": body,
                                        "status": "in-progress"})
    places.create_network(staff, {"slug": f"found-network-{number}", "name": fit(text, 200),
                                  "summary": fit(text, 300), "description": body})


def _build(app, payloads, start):
    with app.test_request_context():
        staff = db.session.scalar(db.select(User).where(User.username == "xssstaff"))
        twinning = db.session.scalar(db.select(Twinning).where(Twinning.slug == "xss"))
        if staff is None:
            staff = User(username="xssstaff", username_key="xssstaff", role="staff",
                         email="xssstaff@example.org", email_confirmed_at=utcnow())
            twinning = Twinning(slug="xss", title="XSS")
            db.session.add_all([staff, twinning])
            db.session.flush()
        for i, text in enumerate(payloads):
            _index(staff, twinning, start + i, text)
        db.session.commit()


def _query(text: str) -> str:
    return "/search?" + urlencode({"q": text})


@pytest.mark.parametrize("batch", list(chunks(list(enumerate(CORPUS, start=1)), BATCH)),
                         ids=batch_id)
def test_payloads_found_and_searched_for(app, client, search_index, batch):
    _build(app, [HARMLESS], 0)
    baselines = {"results": scan(client.get(f"/search?q={MARKER}")),
                 # A query of operators only gives a message, and one of punctuation only
                 # ("'", "{0}") the empty search page: neither has results and their facets.
                 "query": [scan(client.get(_query(text))) for text in (HARMLESS, "AND", "")]}
    _build(app, [text for _number, text in batch], batch[0][0])
    visits = []
    for kind in TYPES:
        # One of each kind per payload (an opening post is found as its discussion).
        found = len(batch) + 1
        url = f"/search?q={MARKER}&type={kind}"
        visits += [Visit("results", f"{url}&page={page}", "the batch", [f"{found} results"])
                   for page in range(1, -(-found // 20) + 1)]
    visits += [Visit("query", _query(text), text) for _number, text in batch]
    failures = sweep(client, visits, baselines)
    assert not failures, report(failures)
