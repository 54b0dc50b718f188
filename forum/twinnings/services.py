"""Rules about twinnings, their participants and events. Services flush, never commit."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.attachments import services as attachments
from forum.core.db import utcnow
from forum.core.errors import BadFilter, ServiceError
from forum.core.markup import render_markdown
from forum.core.visibility import can_see, visible_to
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.notifications import events, follows
from forum.places import services as places
from forum.places.models import City, Network
from forum.places.services import check_slug, check_url
from forum.twinnings.models import (
    CITY_ROLES,
    STATUSES,
    Event,
    EventAttendance,
    Twinning,
    TwinningCity,
    TwinningParticipant,
)

LATEST_PARTICIPANTS = 12
ROME = ZoneInfo("Europe/Rome")
TEXT_FIELDS = ("description", "objectives", "results")
PLAIN_FIELDS = ("title", "summary", "status", "start_date", "end_date", "is_example")


def _with_cities(query):
    return query.options(selectinload(Twinning.cities).joinedload(TwinningCity.city),
                         joinedload(Twinning.network))


def twinning_by_slug(slug: str, viewer) -> Twinning | None:
    twinning = db.session.scalar(_with_cities(select(Twinning).where(Twinning.slug == slug)))
    return twinning if twinning is not None and can_see(viewer, twinning) else None


# --- lists --------------------------------------------------------------------------------


def resolve_filters(city: str | None, network: str | None, status: str | None) -> dict:
    """Filter values from the query string, turned into rows; unknown ones raise."""
    found = {}
    if city:
        found["city"] = db.session.scalar(select(City).where(City.slug == city))
        if found["city"] is None:
            raise BadFilter("city")
    if network:
        found["network"] = db.session.scalar(select(Network).where(Network.slug == network))
        if found["network"] is None:
            raise BadFilter("network")
    if status:
        if status not in STATUSES:
            raise BadFilter("status")
        found["status"] = status
    return found


def list_twinnings(viewer, page: int = 1, *, city: City | None = None,
                   network: Network | None = None, status: str | None = None,
                   per_page: int = PAGE_SIZE):
    query = select(Twinning).where(visible_to(Twinning, viewer))
    if city is not None:
        query = query.where(exists().where(TwinningCity.twinning_id == Twinning.id,
                                           TwinningCity.city_id == city.id))
    if network is not None:
        query = query.where(Twinning.network_id == network.id)
    if status:
        query = query.where(Twinning.status == status)
    query = _with_cities(query.order_by(Twinning.created_at.desc(), Twinning.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def latest_twinnings(limit: int, viewer) -> list[Twinning]:
    """The newest twinnings, with their cities, in two queries whatever their number."""
    query = _with_cities(select(Twinning).where(visible_to(Twinning, viewer))
                         .order_by(Twinning.created_at.desc(), Twinning.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def twinnings_of_city(city: City, viewer) -> list[tuple[Twinning, str]]:
    """The twinnings a city takes part in, with its role in each."""
    query = (select(Twinning, TwinningCity.role)
             .join(TwinningCity, TwinningCity.twinning_id == Twinning.id)
             .where(TwinningCity.city_id == city.id, visible_to(Twinning, viewer))
             .order_by(Twinning.created_at.desc(), Twinning.id.desc()))
    return [(t, role) for t, role in db.session.execute(query)]


def twinnings_of_member(member, viewer) -> list[Twinning]:
    """The twinnings a member takes part in, for the profile."""
    query = (select(Twinning)
             .join(TwinningParticipant, TwinningParticipant.twinning_id == Twinning.id)
             .where(TwinningParticipant.user_id == member.id, visible_to(Twinning, viewer))
             .order_by(Twinning.title))
    return list(db.session.scalars(query))


accounts.register_profile_content("twinnings", twinnings_of_member)


def twinnings_of_network(network: Network, viewer) -> list[Twinning]:
    query = (select(Twinning).where(Twinning.network_id == network.id,
                                    visible_to(Twinning, viewer))
             .order_by(Twinning.created_at.desc(), Twinning.id.desc()))
    return list(db.session.scalars(query))


def discussions_of(space, viewer, page: int = 1):
    """The discussions of a twinning or a network (the discussions package decides who sees)."""
    from forum.discussions.services import discussions_in

    return discussions_in(space, viewer, page)


# --- creating and editing -----------------------------------------------------------------


def _city_rows(entries) -> list[tuple[City, str]]:
    """(city, role) pairs from rows of {"city": City or id, "role": …}; blank rows skipped."""
    rows = []
    for entry in entries or ():
        city = entry.get("city")
        if not city:
            continue
        if not isinstance(city, City):
            city = db.session.get(City, city)
            if city is None:
                raise ServiceError(_("Choose the cities from the list."), field="cities")
        if entry.get("role") not in CITY_ROLES:
            raise ServiceError(_("Choose a role for each city."), field="cities")
        rows.append((city, entry["role"]))
    ids = [city.id for city, _role in rows]
    roles = {role for _city, role in rows}
    if len(set(ids)) != len(ids):
        raise ServiceError(_("Each city can appear only once."), field="cities")
    if len(rows) < 2:
        raise ServiceError(_("A twinning links at least two cities."), field="cities")
    if not {"transferring", "beneficiary"} <= roles:
        raise ServiceError(_("Give at least one transferring city and one "
                                          "beneficiary city."), field="cities")
    return rows


def _network(value) -> Network | None:
    if not value:
        return None
    if isinstance(value, Network):
        return value
    network = db.session.get(Network, value)
    if network is None:
        raise ServiceError(_("Choose a network from the list."), field="network")
    return network


def _set_twinning(twinning: Twinning, data: dict, rows) -> None:
    for name in PLAIN_FIELDS:
        if name in data:
            setattr(twinning, name, data[name])
    for name in TEXT_FIELDS:
        if name in data:
            setattr(twinning, name, data[name] or "")
            setattr(twinning, f"{name}_html", render_markdown(data[name]))
    if "themes" in data:
        twinning.theme_codes = data["themes"] or []
    if "network" in data:
        twinning.network = _network(data["network"])
    wanted = {city.id: role for city, role in rows}
    twinning.cities = [link for link in twinning.cities if link.city_id in wanted]
    for link in twinning.cities:
        link.role = wanted.pop(link.city_id)
    by_id = {city.id: city for city, _role in rows}
    for city_id, role in wanted.items():
        twinning.cities.append(TwinningCity(city=by_id[city_id], role=role))


def create_twinning(author, data: dict, files=()) -> Twinning:
    """A twinning with its cities and roles, its files and its general discussion."""
    from forum.discussions.services import create_general_discussion

    rows = _city_rows(data.get("cities"))
    checked = attachments.check_files(files)
    twinning = Twinning(slug=check_slug(Twinning, data.get("slug"), source=data.get("title", "")),
                        author_id=getattr(author, "id", None), created_at=utcnow())
    _set_twinning(twinning, data, rows)
    db.session.add(twinning)
    db.session.flush()
    attachments.store(author, "twinning", twinning.id, checked)
    create_general_discussion(author, twinning)
    db.session.flush()
    return twinning


def update_twinning(actor, twinning: Twinning, data: dict, files=()) -> Twinning:
    rows = _city_rows(data.get("cities"))
    checked = attachments.check_files(files)
    twinning.slug = check_slug(Twinning, data.get("slug"), current=twinning,
                               source=data.get("title", ""))
    _set_twinning(twinning, data, rows)
    db.session.flush()
    attachments.store(actor, "twinning", twinning.id, checked)
    return twinning


# --- participants -------------------------------------------------------------------------


def is_participant(user, twinning: Twinning) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(TwinningParticipant, (twinning.id, user.id)) is not None


def join(user, twinning: Twinning) -> bool:
    """Add the member; False if already there. The count moves in SQL, safe under concurrency."""
    if is_participant(user, twinning):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(TwinningParticipant(twinning_id=twinning.id, user_id=user.id,
                                               joined_at=utcnow()))
    except IntegrityError:
        return False
    _move_count(twinning, +1)
    follows.follow_automatically([user.id], twinning, "joined")
    return True


def leave(user, twinning: Twinning) -> bool:
    participant = db.session.get(TwinningParticipant, (twinning.id, user.id))
    if participant is None:
        return False
    db.session.delete(participant)
    db.session.flush()
    _move_count(twinning, -1)
    follows.forget_automatic(user, twinning, "joined")
    return True


def _move_count(twinning: Twinning, step: int) -> None:
    db.session.execute(update(Twinning).where(Twinning.id == twinning.id)
                       .values(participant_count=Twinning.participant_count + step))
    db.session.refresh(twinning, ["participant_count"])


def latest_participants(twinning: Twinning, limit: int = LATEST_PARTICIPANTS) -> list[User]:
    query = (select(User).join(TwinningParticipant, TwinningParticipant.user_id == User.id)
             .where(TwinningParticipant.twinning_id == twinning.id, User.deleted_at.is_(None))
             .order_by(TwinningParticipant.joined_at.desc(), User.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def participations_of(user) -> list[tuple[Twinning, datetime]]:
    query = (select(Twinning, TwinningParticipant.joined_at)
             .join(TwinningParticipant, TwinningParticipant.twinning_id == Twinning.id)
             .where(TwinningParticipant.user_id == user.id).order_by(Twinning.title))
    return [(t, joined) for t, joined in db.session.execute(query)]


@accounts.exporter
def export_memberships(user) -> tuple[str, list]:
    """The twinnings a member joined, for the account export."""
    return "twinning_memberships", [
        {"twinning": t.title, "slug": t.slug, "joined_at": joined.isoformat()}
        for t, joined in participations_of(user)]


@accounts.exporter
def export_attachments(user) -> tuple[str, list]:
    """The files a member attached, to anything, for the account export."""
    return "attachments", attachments.export_rows(user)


@accounts.eraser
def erase_memberships(user) -> None:
    """Deleting an account ends its memberships; attached files stay, as contributions do."""
    for twinning, _joined in participations_of(user):
        leave(user, twinning)


# --- events -------------------------------------------------------------------------------


def rome_to_utc(value: datetime) -> datetime:
    """A wall-clock time typed in Italy, as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ROME)
    return value.astimezone(UTC)


def utc_to_rome(value: datetime) -> datetime:
    """For filling the edit form: the naive Italian wall-clock time."""
    return value.astimezone(ROME).replace(tzinfo=None)


def events_of(space, now: datetime | None = None) -> list[Event]:
    """Live events first, then the coming ones soonest first, then past ones latest first."""
    now = now or utcnow()
    column = Event.twinning_id if isinstance(space, Twinning) else Event.network_id
    events = list(db.session.scalars(select(Event).where(column == space.id)))

    def order(event: Event):
        if event.is_live(now):
            return (0, event.starts_at.timestamp())
        if event.starts_at > now:
            return (1, event.starts_at.timestamp())
        return (2, -event.starts_at.timestamp())

    return sorted(events, key=order)


def _set_event(event: Event, data: dict) -> None:
    event.title = data["title"]
    for name in ("description", "place", "stream_url"):
        if name in data:
            setattr(event, name, data[name] or None)
    event.stream_url = check_url("stream_url", event.stream_url)
    event.starts_at = rome_to_utc(data["starts_at"])
    event.ends_at = rome_to_utc(data["ends_at"])
    if event.ends_at < event.starts_at:
        raise ServiceError(_("The end cannot come before the start."), field="ends_at")


def create_event(actor, space, data: dict) -> Event:
    event = Event(twinning_id=space.id if isinstance(space, Twinning) else None,
                  network_id=space.id if isinstance(space, Network) else None,
                  organiser_id=getattr(actor, "id", None))
    _set_event(event, data)
    db.session.add(event)
    db.session.flush()
    events.emit("event.created", actor, event)
    return event


def update_event(actor, event: Event, data: dict) -> Event:
    _set_event(event, data)
    db.session.flush()
    return event


def delete_event(actor, event: Event) -> None:
    """The attendance goes first, through the session: the engagement hook sees each row and
    takes back a confirmed one's points (the database's cascade would leave them)."""
    for attendance in db.session.scalars(
            select(EventAttendance).where(EventAttendance.event_id == event.id)):
        db.session.delete(attendance)
    db.session.flush()
    db.session.delete(event)
    db.session.flush()


def attendance_of(user, event: Event) -> EventAttendance | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(EventAttendance).where(
        EventAttendance.event_id == event.id, EventAttendance.user_id == user.id))


def attend(user, event: Event) -> bool:
    """The member says they will attend (or attended); False if they had said so already."""
    if attendance_of(user, event) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(EventAttendance(event_id=event.id, user_id=user.id))
    except IntegrityError:
        return False
    return True


def withdraw(user, event: Event) -> bool:
    """The member takes their word back; a confirmed attendance is the organiser's to undo."""
    attendance = attendance_of(user, event)
    if attendance is None:
        return False
    if attendance.confirmed_at is not None:
        raise ServiceError(_("Your attendance was confirmed: ask the organiser to change it."))
    db.session.delete(attendance)
    db.session.flush()
    return True


def attendance_by_id(event: Event, attendance_id: int) -> EventAttendance | None:
    attendance = db.session.get(EventAttendance, attendance_id)
    return attendance if attendance is not None and attendance.event_id == event.id else None


def confirm_attendance(actor, attendance: EventAttendance, confirmed: bool) -> bool:
    """The organiser or staff confirm that the member attended (which earns the points), or
    take the confirmation back; False if nothing changed."""
    if confirmed and attendance.event.starts_at > utcnow():
        raise ServiceError(_("Attendance can be confirmed once the event has started."))
    if (attendance.confirmed_at is not None) == confirmed:
        return False
    attendance.confirmed_at = utcnow() if confirmed else None
    attendance.confirmed_by_id = actor.id if confirmed else None
    db.session.flush()
    return True


def attendances_of(event: Event) -> list[EventAttendance]:
    """Who said they attend, with their accounts, for the organiser's page; one query."""
    return list(db.session.scalars(
        select(EventAttendance).where(EventAttendance.event_id == event.id)
        .options(joinedload(EventAttendance.user)).order_by(EventAttendance.created_at,
                                                             EventAttendance.id)))


def attendance_summary(space, viewer) -> dict[int, dict]:
    """For the events of a twinning or network, in one query whatever their number: how
    many members said they attend, how many were confirmed, and the viewer's own word
    (`mine`: its `confirmed_at`, or None). Events nobody attends are missing: the template
    reads them as zero."""
    column = Event.twinning_id if isinstance(space, Twinning) else Event.network_id
    viewer_id = viewer.id if getattr(viewer, "is_authenticated", False) else None
    mine = EventAttendance.user_id == viewer_id
    rows = db.session.execute(
        select(EventAttendance.event_id, func.count(EventAttendance.id),
               func.count(EventAttendance.confirmed_at),
               func.max(case((mine, EventAttendance.id))),
               func.max(case((mine, EventAttendance.confirmed_at))))
        .join(Event, Event.id == EventAttendance.event_id).where(column == space.id)
        .group_by(EventAttendance.event_id))
    return {event_id: {"declared": declared, "confirmed": confirmed,
                       "mine": None if own is None else {"confirmed_at": own_confirmed}}
            for event_id, declared, confirmed, own, own_confirmed in rows}


def attendance_rows(user) -> list[tuple[Event, EventAttendance]]:
    return list(db.session.execute(
        select(Event, EventAttendance).join(EventAttendance, EventAttendance.event_id == Event.id)
        .where(EventAttendance.user_id == user.id).order_by(EventAttendance.id)))


@accounts.exporter
def export_attendances(user) -> tuple[str, list]:
    """The events a member said they attend, and whether the organiser confirmed it."""
    return "event_attendances", [
        {"event": event.title, "event_id": event.id, "starts_at": event.starts_at.isoformat(),
         "declared_at": row.created_at.isoformat(),
         "confirmed_at": row.confirmed_at.isoformat() if row.confirmed_at else None}
        for event, row in attendance_rows(user)]


@accounts.eraser
def erase_attendances(user) -> None:
    """A deleted account's attendance goes (its points go with the ledger's own eraser);
    confirmations they gave stay, without their name."""
    db.session.execute(delete(EventAttendance).where(EventAttendance.user_id == user.id))
    db.session.execute(update(EventAttendance).where(EventAttendance.confirmed_by_id == user.id)
                       .values(confirmed_by_id=None))


def event_space(event: Event, viewer):
    """The twinning or network an event belongs to, if the viewer may see it."""
    space = (db.session.get(Twinning, event.twinning_id) if event.twinning_id
             else db.session.get(Network, event.network_id))
    return space if space is not None and can_see(viewer, space) else None


# --- attachment owners --------------------------------------------------------------------


def _twinning_url(twinning: Twinning) -> str:
    from flask import url_for

    return url_for("twinnings.show", slug=twinning.slug)


attachments.register_owner("twinning", lambda tid: db.session.get(Twinning, tid), can_see,
                           _twinning_url)


# The city and network pages (places) show what this package holds about them.
places.register_city_content("twinnings", twinnings_of_city)
places.register_network_content(
    "twinnings", lambda network, viewer, _page: twinnings_of_network(network, viewer))
places.register_network_content("events", lambda network, _viewer, _page: events_of(network))
places.register_network_content("discussion_page", discussions_of)
places.register_network_content(
    "attendance", lambda network, viewer, _page: attendance_summary(network, viewer))
