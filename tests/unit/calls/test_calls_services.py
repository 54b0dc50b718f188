"""Calls for funding: status from the dates, Rome time across DST, reminders, alerts."""
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from forum.accounts.services import create_user
from forum.calls import services
from forum.calls.models import ROME, Call, CallReminder, status_at
from forum.calls.views import time_left
from forum.core.errors import BadFilter, ServiceError
from forum.extensions import db
from forum.notifications.models import OutboxMessage
from tests.fixtures.calls import at, call_data, make_call
from tests.fixtures.twinnings import staff_user


def _member(name="follower", language=None):
    return create_user(name, f"{name}@example.org", "x" * 12, confirmed=True,
                       preferred_language=language)


def _mails():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


# --- status -------------------------------------------------------------------------------


def test_status_follows_the_dates():
    deadline = at("2026-05-31 10:00")
    opens = date(2026, 5, 1)
    assert status_at(opens, deadline, at("2026-04-30 21:59")) == "upcoming"
    # The opening day starts at midnight in Italy, 22:00 UTC the day before in summer.
    assert status_at(opens, deadline, at("2026-04-30 22:00")) == "open"
    assert status_at(opens, deadline, at("2026-05-17 10:00")) == "closing"  # 14 days left
    assert status_at(opens, deadline, at("2026-05-17 09:59")) == "open"
    assert status_at(opens, deadline, at("2026-05-31 10:00")) == "closed"
    assert status_at(None, deadline, at("2026-01-01 00:00")) == "open"


# --- Europe/Rome across the changes of time ---------------------------------------------


@pytest.mark.parametrize("wall, utc", [
    # 29 March 2026: clocks go forward at 02:00; noon is summer time, UTC+2.
    (datetime(2026, 3, 29, 12, 0), at("2026-03-29 10:00")),
    (datetime(2026, 3, 29, 1, 30), at("2026-03-29 00:30")),
    # 25 October 2026: clocks go back at 03:00; noon is winter time again, UTC+1.
    (datetime(2026, 10, 25, 12, 0), at("2026-10-25 11:00")),
    (datetime(2026, 10, 24, 12, 0), at("2026-10-24 10:00")),
])
def test_deadline_typed_in_rome_is_stored_in_utc(ctx, wall, utc):
    call = make_call(deadline=wall, opens_on=date(2026, 1, 1))
    db.session.expire_all()
    stored = db.session.get(Call, call.id)
    assert stored.deadline == utc
    assert services.deadline_in_rome(stored) == wall


def test_a_time_skipped_by_summer_time_is_refused(ctx):
    with pytest.raises(ServiceError) as error:
        make_call(deadline=datetime(2026, 3, 29, 2, 30), opens_on=date(2026, 1, 1))
    assert error.value.field == "deadline"


def test_a_repeated_hour_is_its_first_occurrence(ctx):
    call = make_call(deadline=datetime(2026, 10, 25, 2, 30), opens_on=date(2026, 1, 1))
    assert call.deadline == at("2026-10-25 00:30")  # still summer time, UTC+2


def test_days_left_are_counted_across_the_change_of_time(ctx):
    # From noon on 24 October to noon on 29 October: 5 calendar days, one of them 25 hours.
    call = make_call(deadline=datetime(2026, 10, 29, 12, 0), opens_on=date(2026, 1, 1))
    now = datetime(2026, 10, 24, 12, 0, tzinfo=ROME).astimezone(UTC)
    with force_locale("en"):
        assert time_left(call, now) == "closes in 5 days"
    with force_locale("it"):
        # The sentence comes from the catalog; the count and its words from Babel.
        assert time_left(call, now).endswith("tra 5 giorni")


def test_time_left_words_in_both_languages(ctx):
    call = make_call(deadline=datetime(2026, 3, 3, 12, 0), opens_on=date(2026, 1, 1))
    with force_locale("en"):
        assert time_left(call, at("2026-03-10 10:00")) == "closed on 3 March 2026"
        assert time_left(call, at("2026-02-19 10:00")) == "closes in 12 days"
        assert time_left(call, at("2026-03-03 08:00")) == "closes in 3 hours"
    with force_locale("it"):
        assert time_left(call, at("2026-03-10 10:00")).endswith("3 marzo 2026")


# --- reminders ----------------------------------------------------------------------------


def test_due_threshold():
    deadline = at("2026-06-10 10:00")
    assert services.due_threshold(deadline, at("2026-06-03 09:59")) is None  # > 7 days
    assert services.due_threshold(deadline, at("2026-06-03 10:00")) == 7
    assert services.due_threshold(deadline, at("2026-06-09 09:59")) == 7
    assert services.due_threshold(deadline, at("2026-06-09 10:00")) == 1
    assert services.due_threshold(deadline, at("2026-06-10 10:00")) is None  # closed


def _reminders(user):
    rows = db.session.scalars(select(CallReminder).where(CallReminder.user_id == user.id)
                              .order_by(CallReminder.id))
    return [(r.threshold_days, r.deadline) for r in rows]


def test_reminders_with_a_fixed_clock_and_a_moving_deadline(ctx):
    start = at("2026-06-01 08:00")
    call = make_call(now=start, closes_in=timedelta(days=6))  # followed with 6 days left
    member = _member(language="en")
    services.follow(member, call, now=start)
    first_deadline = call.deadline

    assert services.send_reminders(now=start).sent == 1
    assert services.send_reminders(now=start + timedelta(hours=1)).sent == 0
    assert _reminders(member) == [(7, first_deadline)]
    mail = _mails()[-1]
    assert mail.recipient == "follower@example.org"
    assert "One week or less" in mail.subject
    assert "/calls/unsubscribe/" in mail.body

    # Five days later: within a day of the deadline, the 1-day reminder, once.
    later = start + timedelta(days=5, hours=1)
    assert services.send_reminders(now=later).sent == 1
    assert services.send_reminders(now=later).sent == 0
    assert _reminders(member) == [(7, first_deadline), (1, first_deadline)]
    assert "Tomorrow is the deadline" in _mails()[-1].subject

    # Staff move the deadline ten days on: reminders for the new date are due again.
    data = call_data(now=start, deadline=datetime(2026, 6, 17, 12, 0))
    services.update_call(staff_user(), call, data, now=later)
    moved = at("2026-06-17 10:00")
    assert services.send_reminders(now=later).sent == 0  # 10 days left: nothing yet
    assert services.send_reminders(now=at("2026-06-11 08:00")).sent == 1
    assert services.send_reminders(now=at("2026-06-12 08:00")).sent == 0
    assert _reminders(member)[-1] == (7, moved)
    assert services.send_reminders(now=at("2026-06-16 12:00")).sent == 1
    assert _reminders(member)[-1] == (1, moved)
    assert len(_reminders(member)) == 4


def test_following_in_the_last_day_gets_only_the_one_day_reminder(ctx):
    start = at("2026-06-01 08:00")
    call = make_call(now=start, closes_in=timedelta(hours=20))
    member = _member()
    services.follow(member, call, now=start)
    assert services.send_reminders(now=start).sent == 1
    assert services.send_reminders(now=start + timedelta(hours=2)).sent == 0
    assert _reminders(member) == [(1, call.deadline)]


def test_reminders_skip_unpublished_and_closed_calls(ctx):
    start = at("2026-06-01 08:00")
    member = _member()
    closed = make_call(now=start - timedelta(days=20), closes_in=timedelta(days=10),
                       title="Old call")
    services.follow(member, closed, now=start - timedelta(days=20))
    proposer = _member("proposer")
    pending = make_call(proposer, now=start, closes_in=timedelta(days=3), title="Proposed")
    assert pending.visibility == "pending"
    db.session.add(services.CallFollow(user_id=member.id, call_id=pending.id))
    db.session.flush()
    assert services.send_reminders(now=start).sent == 0


def test_reminder_is_written_in_the_followers_language(ctx):
    start = at("2026-06-01 08:00")
    call = make_call(now=start, closes_in=timedelta(days=3))
    services.follow(_member("italiano", language="it"), call, now=start)
    services.follow(_member("english", language="en"), call, now=start)
    services.send_reminders(now=start)
    bodies = {m.recipient: m.body for m in _mails()}
    # The deadline's month is written by Babel in the follower's language.
    assert "giugno 2026" in bodies["italiano@example.org"]
    assert "June 2026" in bodies["english@example.org"]
    assert "giugno" not in bodies["english@example.org"]


# --- saved searches -----------------------------------------------------------------------


def test_saved_search_alerts_only_for_a_matching_call_and_once(ctx):
    member = _member("searcher", language="en")
    filters = services.Filters(level="eu", theme="open-data", applicant="municipalities")
    assert services.save_search(member, filters) is not None
    assert services.save_search(member, filters) is None  # already saved

    make_call(title="Regional mobility", level="regional", themes=["mobility"])
    assert _mails() == []
    call = make_call(title="EU open data for cities", themes=["open-data", "governance"],
                     applicants=["municipalities", "associations"])
    mails = _mails()
    assert [(m.recipient, m.subject) for m in mails] == [
        ("searcher@example.org", "New call for funding: EU open data for cities")]
    assert "/calls/unsubscribe/" in mails[0].body
    assert services.alert_saved_searches(call) == 0  # published again: no second mail


def test_a_members_proposal_alerts_only_when_approved(ctx):
    member = _member("searcher")
    services.save_search(member, services.Filters(theme="open-data"))
    proposer = _member("proposer")
    call = make_call(proposer, title="Proposed open data call")
    assert call.visibility == "pending" and _mails() == []
    assert services.approve_call(staff_user(), call)
    assert [m.recipient for m in _mails()] == ["searcher@example.org"]


def test_unsubscribe_token_works_once_and_only_for_its_row(ctx):
    member = _member()
    call = make_call()
    services.follow(member, call)
    token = services.unsubscribe_token(services.follow_of(member, call))
    assert services.unsubscribe(token + "x") is False
    assert services.unsubscribe(token) is True
    assert services.follow_of(member, call) is None
    assert services.unsubscribe(token) is False
    services.follow(member, call)  # following again does not revive the old link
    assert services.unsubscribe(token) is False


def test_filters_refuse_unknown_values():
    for args in ({"status": "soon"}, {"level": "galactic"}, {"theme": "x"},
                 {"applicant": "robots"}):
        with pytest.raises(BadFilter):
            services.parse_filters(args)
    assert services.parse_filters({}).status == "open"


# --- personal data ------------------------------------------------------------------------


def test_export_and_erasure_cover_follows_searches_and_reminders(ctx):
    from forum.accounts.services import erase_member, export_data

    member = _member("leaving")
    call = make_call(title="Followed", closes_in=timedelta(days=2))
    services.follow(member, call)
    services.save_search(member, services.Filters(level="eu"))
    services.send_reminders()
    exported = export_data(member)["calls"]
    assert [row["title"] for row in exported["followed"]] == ["Followed"]
    assert exported["saved_searches"][0]["level"] == "eu"
    assert exported["reminders_sent"][0]["days_before"] == 7
    erase_member(member)
    assert services.followed_calls(member) == []
    assert services.saved_searches_of(member) == []
    assert db.session.scalars(select(CallReminder)).all() == []
    assert db.session.get(Call, call.id) is not None
