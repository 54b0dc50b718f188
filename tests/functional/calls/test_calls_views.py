"""Calls for funding as visitors, members and staff see them."""
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree as ET

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from forum.calls import services
from forum.calls.models import ROME, Call, CallFollow
from forum.core.db import utcnow
from forum.extensions import db
from tests.fixtures import search as search_fixtures
from tests.fixtures.calls import make_call, rome_wall
from tests.fixtures.web import link_in, page, submit, text_of

search_index = search_fixtures.default_search_index

ATOM = "{http://www.w3.org/2005/Atom}"


def _call(app, **kwargs) -> int:
    with app.app_context():
        call = make_call(**kwargs)
        db.session.commit()
        return call.id


def _titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select(".call-row h2 a")]


def _staff(make_user, login):
    staff = make_user("editor", role="staff")
    login(staff)
    return staff


# --- list and filters ---------------------------------------------------------------------


def test_open_calls_by_nearest_deadline_with_time_left(app, client):
    _call(app, title="Later", closes_in=timedelta(days=40, hours=1))
    # At noon in Italy five calendar days on: "5 days and an hour" is a sixth calendar day
    # when the test runs in Italy's last hour.
    rome_today = utcnow().astimezone(ROME).date()
    _call(app, title="Sooner", deadline=datetime.combine(rome_today + timedelta(days=5), time(12)))
    _call(app, title="Past", closes_in=timedelta(days=-3))
    _call(app, title="Not yet", opens_on=date.today() + timedelta(days=10),
          closes_in=timedelta(days=60))
    response = client.get("/calls/?lang=en")
    assert response.status_code == 200
    assert _titles(response) == ["Sooner", "Later"]
    assert "closes in 5 days" in text_of(response)
    closed = client.get("/calls/?status=closed&lang=en")
    assert _titles(closed) == ["Past"]
    deadline = (utcnow() - timedelta(days=3)).astimezone(ROME)
    assert f"closed on {deadline.day} {deadline:%B} {deadline.year}" in text_of(closed)
    assert _titles(client.get("/calls/?status=upcoming")) == ["Not yet"]
    assert "Sooner" in _titles(client.get("/calls/?status=closing"))
    assert "Later" not in _titles(client.get("/calls/?status=closing"))


def test_open_eu_calls_for_municipalities_on_open_data(app, client):
    _call(app, title="Match", level="eu", themes=["open-data"], applicants=["municipalities"])
    _call(app, title="National", level="national", themes=["open-data"],
          applicants=["municipalities"])
    _call(app, title="Mobility", level="eu", themes=["mobility"], applicants=["municipalities"])
    _call(app, title="Businesses", level="eu", themes=["open-data"], applicants=["businesses"])
    _call(app, title="Closed match", level="eu", themes=["open-data"],
          applicants=["municipalities"], closes_in=timedelta(days=-1))
    response = client.get("/calls/?status=open&level=eu&theme=open-data&applicant=municipalities")
    assert _titles(response) == ["Match"]


@pytest.mark.parametrize("query", ["status=soonish", "level=galactic", "theme=nope",
                                   "applicant=robots", "page=0", "page=x"])
def test_unknown_filter_values_are_a_400(client, query):
    assert client.get(f"/calls/?{query}").status_code == 400


def test_pending_and_missing_calls_are_404(app, client, make_user):
    proposer = make_user()
    with app.app_context():
        from forum.accounts.models import User

        pending = make_call(db.session.get(User, proposer.id), title="Proposal")
        db.session.commit()
        pending_id = pending.id
    assert client.get(f"/calls/{pending_id}").status_code == 404
    assert client.get("/calls/999999").status_code == 404
    assert "Proposal" not in text_of(client.get("/calls/?status=all"))


# --- a call's page ------------------------------------------------------------------------


def _practice(app, title, theme):
    from forum.practices.models import Practice

    with app.app_context():
        db.session.add(Practice(kind="offer", title=title, summary="Una pratica", themes=theme))
        db.session.commit()


def test_call_page_shows_facts_practices_and_twinnings_sharing_a_theme(app, client):
    from tests.fixtures.twinnings import bergamo_lecce

    bergamo_lecce(app, events=False)
    title = "La Governance della Smart City and Community. BG-LE"
    _practice(app, "Cruscotto di governance", "governance")
    _practice(app, "Piano di evacuazione", "safety-emergency")
    call_id = _call(app, title="Governance call", themes=["governance"],
                    total_budget=15659005, is_example=True,
                    deadline=datetime(2026, 10, 25, 12, 0), opens_on=date(2026, 1, 1))
    response = client.get(f"/calls/{call_id}?lang=en")
    text = text_of(response)
    assert response.status_code == 200
    assert "25 October 2026, 12:00, Italian time" in text
    assert "€15,659,005" in text
    assert "Example" in text
    fundable = [a.get_text(strip=True) for a in page(response).select("#call-fundable ~ ul a")]
    assert fundable == ["Cruscotto di governance", title]
    unrelated = _call(app, title="Safety call", themes=["safety-emergency"])
    assert title not in text_of(client.get(f"/calls/{unrelated}"))


def test_follow_and_unfollow_then_see_it_in_the_account(app, client, make_user, login):
    call_id = _call(app, title="Regional open data call")
    client.get("/?lang=en")  # the language cookie: the texts below are English
    login(make_user())
    response = submit(client, f"/calls/{call_id}/follow", {}, form_url=f"/calls/{call_id}")
    assert response.status_code == 200
    assert "Stop following" in text_of(response)
    account = client.get("/account/calls?lang=en")
    assert "Regional open data call" in text_of(account)
    response = submit(client, f"/calls/{call_id}/unfollow", {}, form_url=f"/calls/{call_id}")
    assert "Follow: remind me" in text_of(response)
    assert "Regional open data call" not in text_of(client.get("/account/calls"))


def test_visitors_are_sent_to_sign_in_to_follow(app, client):
    call_id = _call(app)
    token = page(client.get("/auth/login")).find("input", attrs={"name": "csrf_token"})
    response = client.post(f"/calls/{call_id}/follow", data={"csrf_token": token["value"]})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_query_counts_do_not_grow_with_the_data(app, client, count_queries):
    from tests.fixtures.twinnings import bergamo_lecce

    bergamo_lecce(app, events=False)
    _practice(app, "Practice 0", "governance")
    first = _call(app, title="Call 0", themes=["governance"])

    def measure():
        with count_queries() as index_queries:
            assert client.get("/calls/").status_code == 200
        with count_queries() as show_queries:
            assert client.get(f"/calls/{first}").status_code == 200
        return len(index_queries), len(show_queries)

    few = measure()
    for n in range(1, 15):
        _call(app, title=f"Call {n}", themes=["governance", "mobility"])
        _practice(app, f"Practice {n}", "governance mobility")
    assert measure() == few


# --- publishing and proposing -------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {"title": "Open data for cities", "issuer": "European Commission", "level": "eu",
            "programme": "Horizon Europe", "summary": "Data spaces", "body": "Text",
            "applicants": ["municipalities"], "themes": ["open-data"],
            "total_budget": "1000000", "max_grant": "200000", "cofunding_rate": "80",
            "opens_on": "2030-03-01", "deadline": "2030-03-31T12:00",
            "official_url": "https://example.org/call"}
    data.update(overrides)
    return data


def test_staff_publish_a_call_with_its_deadline_in_rome_time(app, client, make_user, login):
    _staff(make_user, login)
    response = submit(client, "/calls/new?lang=en", _form())
    assert response.status_code == 200
    assert "The call was published." in text_of(response)
    assert "31 March 2030, 12:00, Italian time" in text_of(response)
    with app.app_context():
        call = db.session.scalar(select(Call).where(Call.title == "Open data for cities"))
        assert call.visibility == "published"
        assert call.deadline == datetime(2030, 3, 31, 10, 0, tzinfo=call.deadline.tzinfo)


@pytest.mark.parametrize("change, field, message", [
    ({"deadline": "2030-02-30T12:00"}, "deadline", "Enter a real date and time"),
    ({"opens_on": "2030-13-01"}, "opens_on", "Enter a real date"),
    ({"opens_on": "2030-04-01"}, "deadline", "cannot come before the opening date"),
    ({"total_budget": "-5"}, "total_budget", "cannot be negative"),
    ({"level": "galactic"}, "level", "Choose one of the values in the list"),
    # 31 March 2030 is the night summer time starts: 02:30 never happens in Italy.
    ({"deadline": "2030-03-31T02:30"}, "deadline", "does not exist in Italy"),
])
def test_form_errors_keep_the_input(client, make_user, login, change, field, message):
    _staff(make_user, login)
    response = submit(client, "/calls/new?lang=en", _form(title="Kept title", **change))
    assert response.status_code == 200
    html = page(response)
    error = html.find(id=f"{field}-error")
    assert error is not None and message in error.get_text()
    assert html.find(id="title")["value"] == "Kept title"
    if field in ("deadline", "opens_on", "total_budget"):
        key = next(iter(change))
        assert html.find(id=key)["value"] == change[key]


def test_a_members_proposal_waits_for_staff_approval(app, client, make_user, login):
    member = make_user()
    login(member)
    response = submit(client, "/calls/new?lang=en", _form(title="Proposed call"))
    assert "once staff have checked it" in text_of(response)
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.title == "Proposed call"))
    shown = client.get(f"/calls/{call_id}?lang=en")  # its author sees it, marked as waiting
    assert "waiting for staff to check it" in text_of(shown)
    assert client.get(f"/calls/{call_id}/edit").status_code == 403
    submit(client, "/auth/logout", {}, form_url="/")
    assert "Proposed call" not in text_of(client.get("/calls/?status=all"))
    assert client.get(f"/calls/{call_id}").status_code == 404
    _staff(make_user, login)
    assert "Proposed call" in text_of(client.get("/calls/pending"))
    response = submit(client, f"/calls/{call_id}/approve?lang=en", {}, form_url="/calls/pending")
    assert response.status_code == 200
    assert "No proposals are waiting." in text_of(response)
    with app.app_context():
        assert db.session.get(Call, call_id).visibility == "published"


def test_members_cannot_approve_or_open_the_queue(app, client, make_user, login):
    login(make_user())
    assert client.get("/calls/pending").status_code == 403


def test_staff_edit_moves_the_deadline(app, client, make_user, login):
    _staff(make_user, login)
    call_id = _call(app, title="To edit")
    form = page(client.get(f"/calls/{call_id}/edit"))
    assert form.find(id="title")["value"] == "To edit"
    response = submit(client, f"/calls/{call_id}/edit?lang=en",
                      _form(title="Edited", deadline="2030-10-27T12:00"))
    assert "27 October 2030, 12:00" in text_of(response)


# --- saved searches and unsubscribe links -------------------------------------------------


def test_saved_search_is_alerted_for_a_matching_call_only(app, client, make_user, login,
                                                           outbox):
    searcher = make_user("searcher", preferred_language="en")
    client.get("/?lang=en")
    login(searcher)
    query = "level=eu&theme=open-data&applicant=municipalities"
    response = submit(client, f"/calls/searches?{query}", {}, form_url=f"/calls/?{query}")
    assert "Search saved" in text_of(response)
    assert "European Union · Open data · Municipalities" in text_of(
        client.get("/account/calls?lang=en"))
    with app.app_context():
        make_call(title="Not matching", level="regional", themes=["open-data"])
        make_call(title="Matching", level="eu", themes=["open-data"],
                  applicants=["municipalities", "businesses"])
        db.session.commit()
    mails = outbox()
    assert [(to, subject) for to, subject, _body in mails] == [
        ("searcher@example.org", "New call for funding: Matching")]


def test_unsubscribe_link_works_without_sign_in_and_once(app, client, make_user, outbox):
    member = make_user("reminded")
    now = utcnow()
    with app.app_context():
        from forum.accounts.models import User

        call = make_call(title="Closing", closes_in=timedelta(days=3))
        services.follow(db.session.get(User, member.id), call)
        services.send_reminders(now=now)
        db.session.commit()
        call_id = call.id
    (_to, _subject, body), = outbox()
    link = link_in(body, "calls/unsubscribe/")
    client.get("/?lang=en")
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Closing" in text_of(confirm)
    response = submit(client, link, {})
    assert "no longer follow" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CallFollow)
                                 .where(CallFollow.call_id == call_id)) == 0
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in text_of(again)
    assert client.get("/calls/unsubscribe/forged.token").status_code == 410


def test_calls_remind_command_twice_gives_one_reminder(app, make_user, outbox):
    member = make_user("cli-follower")
    with app.app_context():
        from forum.accounts.models import User

        call = make_call(title="Six days", closes_in=timedelta(days=6))
        services.follow(db.session.get(User, member.id), call)
        db.session.commit()
    runner = app.test_cli_runner()
    assert "Reminders queued: 1" in runner.invoke(args=["calls", "remind"]).output
    assert "Reminders queued: 0" in runner.invoke(args=["calls", "remind"]).output
    later = (utcnow() + timedelta(days=5, hours=12)).isoformat()
    assert "Reminders queued: 1" in runner.invoke(args=["calls", "remind", "--at", later]).output
    subjects = [subject for _to, subject, _body in outbox()]
    assert len(subjects) == 2
    assert "http://localhost/calls/" in outbox()[0][2]


# --- calendars and feed -------------------------------------------------------------------


def _event_start(data: bytes):
    calendar = Calendar.from_ical(data)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Rome"]
    (event,) = calendar.walk("VEVENT")
    return event, event["DTSTART"]


@pytest.mark.parametrize("wall, utc_hour", [
    (datetime(2026, 3, 29, 12, 0), 10),   # the day summer time starts: UTC+2
    (datetime(2026, 10, 25, 12, 0), 11),  # the day it ends: UTC+1
])
def test_call_calendar_times_in_rome_across_dst(app, client, wall, utc_hour):
    call_id = _call(app, title="DST", deadline=wall, opens_on=date(2026, 1, 1))
    event, start = _event_start(client.get(f"/calls/{call_id}.ics").data)
    assert start.params["TZID"] == "Europe/Rome"
    assert start.dt.replace(tzinfo=None) == wall
    assert start.dt.astimezone(services.UTC).hour == utc_hour
    assert str(event["UID"]) == f"call-{call_id}-deadline@calls.gemellaggi"


def test_calendar_of_open_and_upcoming_calls(app, client):
    soon = _call(app, title="Open one", closes_in=timedelta(days=20))
    later = _call(app, title="Upcoming one", opens_on=date.today() + timedelta(days=5),
                  closes_in=timedelta(days=90))
    _call(app, title="Gone", closes_in=timedelta(days=-2))
    response = client.get("/calls.ics?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"call-{soon}-deadline@calls.gemellaggi",
                           f"call-{later}-deadline@calls.gemellaggi"}
    assert str(events[f"call-{soon}-deadline@calls.gemellaggi"]["SUMMARY"]) == \
        "Deadline: Open one"
    for event in events.values():
        assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    # Stable: fetching again gives the same events, so calendar programs see no change; only
    # DTSTAMP, the file's creation time, may move.
    assert _without_stamp(client.get("/calls.ics?lang=en").data) == _without_stamp(response.data)


def _without_stamp(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines() if not line.startswith(b"DTSTAMP"))


def test_a_deadline_is_a_point_in_time_stamped_when_the_file_is_made(app, client):
    """RFC 5545: a zero DURATION, no DTEND (khal made each deadline without a DURATION a
    one-hour meeting), DTSTAMP the file's."""
    call_id = _call(app, title="Point")
    before = utcnow().replace(microsecond=0)
    calendar = Calendar.from_ical(client.get(f"/calls/{call_id}.ics").data)
    (event,) = calendar.walk("VEVENT")
    assert "DTEND" not in event and event["DURATION"].dt == timedelta(0)
    stamp = event["DTSTAMP"].dt
    assert stamp.utcoffset() == timedelta(0) and before <= stamp <= utcnow()
    with app.app_context():
        assert event["LAST-MODIFIED"].dt == db.session.get(Call, call_id).updated_at.replace(
            microsecond=0)


def test_a_deadline_in_the_repeated_hour_is_written_in_utc(app, client):
    """25 October 2026, 02:30 in Rome happens twice (clocks go back at 03:00 CEST)."""
    first = datetime(2026, 10, 25, 0, 30, tzinfo=services.UTC)  # 02:30 CEST
    call_id = _call(app, title="Ambiguous", deadline=rome_wall(first),
                    opens_on=date(2026, 1, 1))
    with app.app_context():
        stored = db.session.get(Call, call_id).deadline
    event, start = _event_start_any(client.get(f"/calls/{call_id}.ics").data)
    assert "TZID" not in start.params
    assert start.dt.utcoffset() == timedelta(0) and start.dt == stored
    assert b"DTSTART:" + stored.strftime("%Y%m%dT%H%M%SZ").encode() in \
        client.get(f"/calls/{call_id}.ics").data


def _event_start_any(data: bytes):
    (event,) = Calendar.from_ical(data).walk("VEVENT")
    return event, event["DTSTART"]


def test_one_calls_calendar_has_one_event_at_the_deadline(app, client):
    deadline = rome_wall(utcnow() + timedelta(days=9)).replace(hour=13, minute=0, second=0,
                                                                microsecond=0)
    call_id = _call(app, title="Single", deadline=deadline)
    calendar = Calendar.from_ical(client.get(f"/calls/{call_id}.ics").data)
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.replace(tzinfo=None) == deadline
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert str(event["URL"]).endswith(f"/calls/{call_id}")
    assert client.get("/calls/999999.ics").status_code == 404


def test_atom_feed_lists_newly_published_calls(app, client):
    _call(app, title="First published", now=utcnow() - timedelta(days=1))
    _call(app, title="Second published")
    response = client.get("/feeds/calls.atom?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{tag}").text
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Second published",
                                                              "First published"]
    for entry in entries:
        assert entry.find(f"{ATOM}id").text.startswith("http://localhost/calls/")
        assert entry.find(f"{ATOM}updated").text.endswith("Z")
        assert entry.find(f"{ATOM}link").get("href") == entry.find(f"{ATOM}id").text


# --- home page and navigation -------------------------------------------------------------


def test_home_lists_calls_closing_soon_and_the_nav_links_calls(app, client):
    _call(app, title="Closing this week", closes_in=timedelta(days=4))
    _call(app, title="Closing much later", closes_in=timedelta(days=50))
    response = client.get("/?lang=en")
    section = page(response).find(id="closing-calls").find_parent("section")
    text = section.get_text(" ")
    assert "Closing this week" in text and "Closing much later" not in text
    nav = [a.get_text(strip=True) for a in page(response).select("#main-menu a.nav-link")]
    assert "Calls" in nav


def test_demo_calls_are_examples_across_the_levels(app):
    from forum import seed

    with app.test_request_context():
        run = seed.run()
        db.session.commit()
        assert run.created["calls"] >= 8
        calls = list(db.session.scalars(select(Call).where(Call.is_example.is_(True))))
        statuses = [call.status(run.now) for call in calls]
        assert {"eu", "national", "regional", "foundation"} <= {c.level for c in calls}
        assert statuses.count("closing") >= 1 and statuses.count("upcoming") >= 1
        assert statuses.count("closed") >= 2 and statuses.count("open") >= 2
        again = seed.run()
        assert again.created["calls"] == 0


# --- search -------------------------------------------------------------------------------


def test_published_calls_are_found_and_proposals_are_not(app, client, make_user,
                                                          search_index):
    from forum.accounts.models import User

    proposer = make_user("proposer")
    call_id = _call(app, title="Bando rigenerazione urbana", summary="Piazze e quartieri")
    with app.app_context():
        make_call(db.session.get(User, proposer.id), title="Bando rigenerazione proposto")
        db.session.commit()
    response = client.get("/search?q=rigenerazione&type=call")
    assert response.status_code == 200
    links = [a["href"] for a in page(response).select("a[href^='/calls/']")]
    assert f"/calls/{call_id}" in links
    assert "Bando rigenerazione proposto" not in text_of(response)
