"""The XSS corpus through practices (and the interest members show in them) and calls for
funding, on their pages, lists, the home page, staff forms, the Atom feed and the calendars.
"""
import re
from xml.etree import ElementTree

import pytest
from icalendar import Calendar

from forum.accounts.models import User
from forum.calls import services as calls
from forum.calls.feeds import xml_text
from forum.core.db import utcnow
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.places.models import City, Organisation
from forum.practices import services as practices
from forum.twinnings.models import Twinning
from tests.fixtures.web import PASSWORD, Member, submit
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

ATOM = "{http://www.w3.org/2005/Atom}"
BATCHES = list(chunks(list(enumerate(CORPUS, start=1)), BATCH))


def _member(name: str, text: str, role: str = "member", organisation=None) -> User:
    user = User(username=name, username_key=name, email=f"{name}@example.org", role=role,
                full_name=fit(text, 120), listed=True, joined_at=utcnow(),
                email_confirmed_at=utcnow(), organisation=organisation)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    return user


def _message(text: str, number: int) -> str:
    # Told apart from the practice's own text, so the page is seen to show the message.
    return f"{text[:900]} (interest {number})"


def _world(staff, reader, number: int, text: str) -> dict:
    """A practice by a member named `text`, with `text` in every field, in its city,
    organisation and twinning, in the message of a member (also named `text`) who is interested
    and in the practice that answered it, adopted by an organisation named `text`; a published
    call (followed by staff) and a member's
    proposed call with `text` in every field. The reader is interested in every practice."""
    organisation = Organisation(name=fit(f"{text} {number}", 200), kind="public-administration")
    author = _member(f"author{number}", text, organisation=organisation)
    fan = _member(f"fan{number}", text, organisation=organisation)
    data = {"kind": "offer", "title": fit(text, 200), "summary": fit(text, 300), "body": text,
            "language": "it", "themes": ["open-data"],
            "city": City(slug=f"practice-city-{number}", name=fit(text, 120)),
            "organisation": organisation,
            "twinning": Twinning(slug=f"practice-twinning-{number}", title=fit(text, 200))}
    answer = practices.create_practice(author, {**data, "kind": "story"})
    practice = practices.create_practice(author, data)
    practices.express_interest(fan, practice, _message(text, number), notify=False)
    practices.express_interest(reader, practice, "", notify=False)
    practices.mark_matched(author, practice, answer.id, fan.id)
    # Another council, named `text` too, says it adopted the offer (its name is on the page).
    adopter = _member(f"adopter{number}", text, organisation=Organisation(
        name=fit(f"adopter {number} {text}", 200), kind="public-administration"))
    practices.mark_adopted(adopter, practice)
    call = calls.create_call(staff, call_fields(text, number))
    calls.follow(staff, call)
    proposal = calls.create_call(author, call_fields(text, number))
    return {"practice": practice.id, "call": call.id, "proposal": proposal.id,
            "author": author.username, "number": number}


def _build(app, payloads, start):
    with app.test_request_context():
        staff = _member("xssstaff", "Staff member", role="staff")
        reader = _member("reader", "Reader")
        made = [(text, _world(staff, reader, start + i, text))
                for i, text in enumerate(payloads)]
        db.session.commit()
        return Member(staff.id, staff.username, staff.email, PASSWORD), made


def _visits(text: str, made: dict, *, staff: bool) -> list[Visit]:
    practice, call = made["practice"], made["call"]
    title = fit(text, 200)
    if not staff:
        return [Visit("practice", f"/practices/{practice}", text, [title]),
                Visit("call", f"/calls/{call}", text, [title])]
    return [Visit("practice-edit", f"/practices/{practice}/edit", text),
            # Staff see the button that takes an adoption back, named after the organisation.
            Visit("practice-staff", f"/practices/{practice}", text, [title]),
            Visit("call-edit", f"/calls/{call}/edit", text),
            Visit("proposal", f"/calls/{made['proposal']}", text, [title])]


def _lists(count: int) -> tuple[str, ...]:
    # A second page only when the batch fills more than one (past the end is a 404).
    more = count > PAGE_SIZE
    return ("/practices/", *(["/practices/?page=2"] if more else []), "/calls/",
            *(["/calls/?page=2"] if more else []), "/")


@pytest.mark.parametrize("batch", BATCHES, ids=batch_id)
def test_every_practice_and_call_field(app, client, login, batch):
    staff, made = _build(app, [HARMLESS] + [text for _number, text in batch], batch[0][0] - 1)
    harmless, made = made[0], made[1:]
    failures = []
    for as_staff in (False, True):
        if as_staff:
            login(staff)
        lists = [Visit(url, url, "the batch") for url in
                 (("/calls/pending", "/account/calls") if as_staff else _lists(len(made) + 1))]
        baselines = {visit.kind: scan(client.get(visit.url))
                     for visit in _visits(*harmless, staff=as_staff) + lists}
        visits = [visit for entry in made for visit in _visits(*entry, staff=as_staff)]
        failures += sweep(client, visits + lists, baselines)
    failures += _as_author_and_reader(app, harmless, made)
    assert not failures, report(failures)


def _signed_in(app, username):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    submit(client, "/auth/login", {"login": username, "password": PASSWORD})
    return client


def _as_author_and_reader(app, harmless, made) -> list[str]:
    """Each practice's author reads the message and contacts of the members interested; a
    member who came forward reads the author's contacts (and organisation)."""
    def visit(kind, text, ids, expected):
        return Visit(kind, f"/practices/{ids['practice']}", text, [expected])

    reader = _signed_in(app, "reader")
    baselines = {
        "practice-author": scan(_signed_in(app, harmless[1]["author"]).get(
            f"/practices/{harmless[1]['practice']}")),
        "practice-reader": scan(reader.get(f"/practices/{harmless[1]['practice']}"))}
    failures = sweep(reader, [visit("practice-reader", text, ids, fit(
        f"{text} {ids['number']}", 200)) for text, ids in made], baselines)
    for text, ids in made:
        failures += sweep(_signed_in(app, ids["author"]), [
            visit("practice-author", text, ids, _message(text, ids["number"]))], baselines)
    return failures


# --- the Atom feed and the calendars ---------------------------------------------------------

# Characters XML 1.0 does not allow anywhere in a document, not even as &#..; references.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _breaks_the_feed(text: str) -> bool:
    return bool(XML_FORBIDDEN.search(text))


def _breaks_the_call_calendar(text: str) -> bool:
    return "\n" in fit(text, 200)


FEED_LIMIT = 30
FEED_READY = [text for text in CORPUS
              if not _breaks_the_feed(text) and not _breaks_the_call_calendar(text)]


def _publish_calls(app, texts) -> list[tuple[str, int]]:
    with app.test_request_context():
        staff = _member("xssstaff", "Staff member", role="staff")
        made = [(text, calls.create_call(staff, call_fields(text, number)).id)
                for number, text in enumerate(texts)]
        db.session.commit()
        return made


@pytest.mark.parametrize("texts", list(chunks(FEED_READY, FEED_LIMIT)),
                         ids=lambda texts: f"{len(texts)}-calls")
def test_feed_and_calendars_parse_with_payload_titles(app, client, texts):
    made = _publish_calls(app, texts)
    failures = _feed_problems(client, texts) + _calendar_problems(client, made)
    assert not failures, report(failures)


@pytest.mark.parametrize("text", [t for t in CORPUS if _breaks_the_feed(t)], ids=ascii)
def test_feed_parses_with_characters_xml_forbids(app, client, text):
    _publish_calls(app, [text])
    assert not _feed_problems(client, [text])


@pytest.mark.parametrize("text", [t for t in CORPUS if _breaks_the_call_calendar(t)],
                         ids=ascii)
def test_call_calendar_with_a_line_break_in_the_title(app, client, text):
    made = _publish_calls(app, [text])
    assert not _calendar_problems(client, made, everything=False)


def _feed_problems(client, texts) -> list[str]:
    """The Atom feed parses as XML and carries each title as text."""
    response = client.get("/feeds/calls.atom")
    try:
        feed = ElementTree.fromstring(response.data)
    except ElementTree.ParseError as error:
        return [f"/feeds/calls.atom is not well-formed XML: {error}"]
    titles = {entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")}
    # Characters XML forbids are dropped from the feed; everything else comes back as written.
    return [f"/feeds/calls.atom lacks the title {fit(text, 200)!r}"
            for text in texts if xml_text(fit(text, 200)) not in titles]


def _calendar_problems(client, made, *, everything=True) -> list[str]:
    """/calls.ics and each call's own file parse, with the title back as it was written."""
    failures = []
    files = [(f"/calls/{call_id}.ics", [text]) for text, call_id in made]
    if everything:
        files.append(("/calls.ics", [text for text, _id in made]))
    for url, texts in files:
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 - the test client re-raises what would be a 500
            failures.append(f"{url} with {texts[0]!r}: server error {error!r}")
            continue
        try:
            calendar = Calendar.from_ical(response.data)
        except ValueError as error:
            failures.append(f"{url} does not parse: {error}")
            continue
        summaries = {str(event["summary"]) for event in calendar.walk("VEVENT")}
        failures += [f"{url} lacks the summary for {text!r}" for text in texts
                     if f"Deadline: {fit(text, 200)}" not in summaries]
    return failures
