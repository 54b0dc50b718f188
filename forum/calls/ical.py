"""iCalendar files of call deadlines: one event per call, at the deadline, in Europe/Rome.

UIDs name the call, not the deadline, so a calendar that subscribed to /calls.ics moves the
event when the deadline moves instead of showing both dates. The time zone is written out
as a VTIMEZONE, so programs without their own copy of the tz database get it right too.
"""
from collections.abc import Iterable
from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from forum.calls.models import ROME, Call

PRODID = "-//Gemellaggi//Calls for funding//EN"
UID_DOMAIN = "calls.gemellaggi"
MARGIN = timedelta(days=400)


def event_uid(call: Call) -> str:
    return f"call-{call.id}-deadline@{UID_DOMAIN}"


def _event(call: Call, url: str) -> Event:
    event = Event()
    event.add("uid", event_uid(call))
    # The last change of the call, not the time of the request: the file is the same every
    # time it is fetched until the call changes.
    event.add("dtstamp", call.updated_at)
    event.add("last-modified", call.updated_at)
    deadline = call.deadline.astimezone(ROME)
    event.add("dtstart", deadline)
    event.add("dtend", deadline)
    event.add("summary", _("Deadline: %(title)s", title=call.title))
    lines = [call.summary or "", _("Issued by %(issuer)s", issuer=call.issuer)]
    if call.programme:
        lines.append(_("Programme: %(programme)s", programme=call.programme))
    lines.append(url)
    event.add("description", "\n".join(line for line in lines if line))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def calendar(calls: Iterable[tuple[Call, str]], name: str) -> bytes:
    """An iCalendar file with one event per (call, page address)."""
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
        cal.add_component(_event(call, url))
        days.append(call.deadline.astimezone(ROME).date())
    # The time zone's rules for the years the events span (not a fixed 1970-2038 default):
    # the file stays small and stays right for deadlines after 2038.
    if days:
        cal.add_missing_timezones(first_date=min(days) - MARGIN, last_date=max(days) + MARGIN)
    return cal.to_ical()
