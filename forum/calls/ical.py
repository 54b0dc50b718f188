"""iCalendar files of call deadlines: one event per call, at the deadline, in Europe/Rome.

A deadline is a point in time: the event has a DTSTART and a zero DURATION (RFC 5545 3.6.1
and 3.8.2.5). With DTEND = DTSTART, or with neither, khal (0.14) made each deadline a
one-hour meeting on import; with DURATION:PT0S it keeps a point in time.
A deadline whose wall-clock time in Rome happens twice (the hour the clocks go back) is
written in UTC, so no program has to guess which of the two it is.

UIDs name the call, not the deadline, so a calendar that subscribed to /calls.ics moves the
event when the deadline moves instead of showing both dates. The time zone is written out
as a VTIMEZONE, so programs without their own copy of the tz database get it right too.
"""
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from forum.calls.models import ROME, Call
from forum.core.db import utcnow

PRODID = "-//Gemellaggi//Calls for funding//EN"
UID_DOMAIN = "calls.gemellaggi"
MARGIN = timedelta(days=400)


def event_uid(call: Call) -> str:
    return f"call-{call.id}-deadline@{UID_DOMAIN}"


def deadline_value(deadline: datetime) -> datetime:
    """The deadline in Rome's time, or in UTC when that wall-clock time is ambiguous."""
    local = deadline.astimezone(ROME)
    other = local.replace(fold=1 - local.fold)
    return deadline.astimezone(UTC) if other.utcoffset() != local.utcoffset() else local


def _event(call: Call, url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", event_uid(call))
    # RFC 5545 3.8.7.2: with a METHOD, DTSTAMP is when this file was made; the call's own last
    # change is LAST-MODIFIED.
    event.add("dtstamp", stamp)
    event.add("last-modified", call.updated_at)
    event.add("dtstart", deadline_value(call.deadline))
    event.add("duration", timedelta(0))
    event.add("summary", _("Deadline: %(title)s", title=call.title))
    lines = [call.summary or "", _("Issued by %(issuer)s", issuer=call.issuer)]
    if call.programme:
        lines.append(_("Programme: %(programme)s", programme=call.programme))
    lines.append(url)
    event.add("description", "\n".join(line for line in lines if line))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def calendar(calls: Iterable[tuple[Call, str]], name: str,
             now: datetime | None = None) -> bytes:
    """An iCalendar file with one event per (call, page address), made at `now`."""
    stamp = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # A calendar's name is one line: a line break in a call's title would break the file.
    cal.add("x-wr-calname", " ".join(name.split()))
    cal.add("x-wr-timezone", "Europe/Rome")
    days = []
    for call, url in calls:
        cal.add_component(_event(call, url, stamp))
        days.append(call.deadline.astimezone(ROME).date())
    # The time zone's rules for the years the events span (not a fixed 1970-2038 default):
    # the file stays small and stays right for deadlines after 2038.
    if days:
        cal.add_missing_timezones(first_date=min(days) - MARGIN, last_date=max(days) + MARGIN)
    return cal.to_ical()
