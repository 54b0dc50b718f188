"""The datasets: what each holds, its documented columns, and its public rows.

A dataset's column set is a contract with the people who harvest it: new columns go at the
end, none is renamed or removed. Rows are read in batches of `BATCH` ordered by id (keyset
pagination), so a dataset of any size streams in bounded memory on every database.

Only published content leaves the site (`core/visibility.PUBLISHED`, the state `can_see`
shows to a visitor), and people only by the public name they chose, when they are listed in
the directory and did not opt out (`permissions.may_name`).
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from forum.accounts.models import User
from forum.calls.models import APPLICANTS, LEVELS, ROME, Call
from forum.calls.models import STATUSES as CALL_STATUSES
from forum.core.db import utcnow
from forum.core.themes import THEMES
from forum.core.visibility import PUBLISHED
from forum.extensions import db
from forum.opendata.permissions import ANONYMOUS_AUTHOR, may_name
from forum.places.models import (
    ORGANISATION_KINDS,
    PROJECT_STATUSES,
    City,
    Network,
    Organisation,
    Project,
)
from forum.practices.models import KINDS, LANGUAGES, STATUSES, STORY, Practice
from forum.twinnings.models import CITY_ROLES, Event, Twinning, TwinningCity
from forum.twinnings.models import STATUSES as TWINNING_STATUSES

BATCH = 500


@dataclass(frozen=True)
class Column:
    name: str
    description: object  # a lazy string: what the column means
    # The vocabulary of its codes: the JSON gives each code with its Italian and English label.
    labels: dict | None = None


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    columns: tuple[Column, ...]
    model: type
    # EU data themes (publications.europa.eu data-theme vocabulary), for dcat:theme.
    eu_themes: tuple[str, ...]
    keywords: tuple[object, ...]
    # Models whose changes can alter the rows (the version hook watches them).
    watched: tuple[type, ...]
    query: Callable[[], Select]
    # Turns a batch of result rows into dicts; may query more through the session it is given.
    to_rows: Callable[[list, Session], list[dict]]
    # Columns of the model holding the time of the last change of a row, for Last-Modified.
    time_columns: tuple[str, ...] = ("created_at",)
    extra: dict = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _rome(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(ROME).isoformat()


def _amount(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _codes(text: str | None) -> list[str]:
    return [code for code in (text or "").split() if code]


# --- twinnings -------------------------------------------------------------------------------

def _twinnings_query() -> Select:
    network = aliased(Network)
    return (select(Twinning, network.slug)
            .outerjoin(network, (network.id == Twinning.network_id)
                       & (network.visibility == PUBLISHED))
            .where(Twinning.visibility == PUBLISHED))


def _twinning_rows(batch: list, session: Session) -> list[dict]:
    ids = [twinning.id for twinning, _ in batch]
    cities: dict[int, list[tuple[str, str]]] = {}
    query = (select(TwinningCity.twinning_id, City.slug, TwinningCity.role)
             .join(City, City.id == TwinningCity.city_id)
             .where(TwinningCity.twinning_id.in_(ids))
             .order_by(TwinningCity.twinning_id, TwinningCity.role.desc(), City.slug))
    for twinning_id, slug, role in session.execute(query):
        cities.setdefault(twinning_id, []).append((slug, role))
    rows = []
    for twinning, network_slug in batch:
        pairs = cities.get(twinning.id, [])
        rows.append({
            "id": twinning.id, "slug": twinning.slug, "title": twinning.title,
            "summary": twinning.summary or "", "status": twinning.status,
            "themes": _codes(twinning.themes), "start_date": _iso(twinning.start_date),
            "end_date": _iso(twinning.end_date), "network": network_slug or "",
            "cities": [slug for slug, _ in pairs], "city_roles": [role for _, role in pairs],
            "participants": twinning.participant_count, "created_at": _iso(twinning.created_at),
            "url": ("twinnings.show", {"slug": twinning.slug}),
            "example": twinning.is_example,
        })
    return rows


TWINNINGS = Dataset(
    name="twinnings",
    title=_l("Twinnings between cities"),
    description=_l("Transfers of a practice between cities: the cities with their role "
                   "(transferring or beneficiary), themes, dates, status and network."),
    columns=(
        Column("id", _l("Stable number of the twinning on this site.")),
        Column("slug", _l("Short name used in the twinning's address.")),
        Column("title", _l("Title of the twinning.")),
        Column("summary", _l("One-line summary.")),
        Column("status", _l("Proposed, active or concluded."), TWINNING_STATUSES),
        Column("themes", _l("Theme codes, separated by semicolons in CSV."), THEMES),
        Column("start_date", _l("Start date (YYYY-MM-DD), if known.")),
        Column("end_date", _l("End date (YYYY-MM-DD), if known.")),
        Column("network", _l("Short name of the network the twinning belongs to, if any.")),
        Column("cities", _l("Short names of the cities taking part, separated by semicolons "
                            "in CSV.")),
        Column("city_roles", _l("The role of each city, in the same order: transferring or "
                                "beneficiary."), CITY_ROLES),
        Column("participants", _l("Number of members who joined the twinning.")),
        Column("created_at", _l("When the twinning was published (UTC).")),
        Column("url", _l("Address of the twinning's page.")),
        Column("example", _l("True for fictional demonstration content.")),
    ),
    model=Twinning, eu_themes=("GOVE", "REGI"),
    keywords=(_l("twinning"), _l("smart city"), _l("good practices")),
    watched=(Twinning, TwinningCity, City, Network), query=_twinnings_query,
    to_rows=_twinning_rows,
)


# --- practices -------------------------------------------------------------------------------

def _practices_query() -> Select:
    # Plain columns, not entities: the largest dataset streams without ORM bookkeeping.
    twinning = aliased(Twinning)
    return (select(Practice.id, Practice.kind, Practice.title, Practice.summary,
                   Practice.status, Practice.language, Practice.themes, City.slug,
                   Organisation.name, Organisation.kind, twinning.slug, User.full_name,
                   User.username, User.listed, User.deleted_at, User.opendata_named,
                   Practice.interest_count, Practice.adopter_count, Practice.created_at,
                   Practice.updated_at, Practice.is_example)
            .outerjoin(City, City.id == Practice.city_id)
            .outerjoin(Organisation, Organisation.id == Practice.organisation_id)
            .outerjoin(twinning, (twinning.id == Practice.twinning_id)
                       & (twinning.visibility == PUBLISHED))
            .outerjoin(User, User.id == Practice.author_id)
            .where(Practice.visibility == PUBLISHED))


def _practice_rows(batch: list, session: Session) -> list[dict]:
    rows = []
    for (id_, kind, title, summary, status, language, themes, city, organisation,
         organisation_kind, twinning, full_name, username, listed, deleted_at, named,
         interested, adopters, created_at, updated_at, example) in batch:
        named = may_name(listed, deleted_at, named) if username else False
        rows.append({
            "id": id_, "kind": kind, "title": title, "summary": summary or "",
            # A story tells what happened: it has no status of its own.
            "status": "" if kind == STORY else status,
            "language": language, "themes": _codes(themes),
            "city": city or "", "organisation": organisation or "",
            "organisation_kind": organisation_kind or "", "twinning": twinning or "",
            "author": (full_name or username) if named else ANONYMOUS_AUTHOR,
            "interested": interested, "adopters": adopters,
            "created_at": _iso(created_at), "updated_at": _iso(updated_at or created_at),
            "url": ("practices.show", {"practice_id": id_}), "example": example,
        })
    return rows


PRACTICES = Dataset(
    name="practices",
    title=_l("Good practices: offers, requests and stories"),
    description=_l("Practices members offer to pass on, practices they seek, and stories of "
                   "practices applied, with status, themes, city and kind of organisation."),
    columns=(
        Column("id", _l("Stable number of the practice on this site.")),
        Column("kind", _l("offer, seek or story."), KINDS),
        Column("title", _l("Title of the practice.")),
        Column("summary", _l("Short summary written by its author.")),
        Column("status", _l("open, in-progress, matched or closed; empty for stories."),
               STATUSES),
        Column("language", _l("Language it is written in (it or en)."), LANGUAGES),
        Column("themes", _l("Theme codes, separated by semicolons in CSV."), THEMES),
        Column("city", _l("Short name of the city it belongs to, if any.")),
        Column("organisation", _l("Name of the organisation that runs or seeks it, if any.")),
        Column("organisation_kind", _l("Kind of that organisation."), ORGANISATION_KINDS),
        Column("twinning", _l("Short name of the twinning it belongs to, if any.")),
        Column("author", _l("Public name of the member who wrote it, or \"member\" when they "
                            "are not listed or chose not to be named in open data.")),
        Column("interested", _l("Number of members who said they are interested or can "
                                "help.")),
        Column("adopters", _l("Number of other organisations that adopted it.")),
        Column("created_at", _l("When it was published (UTC).")),
        Column("updated_at", _l("When it was last changed (UTC).")),
        Column("url", _l("Address of the practice's page.")),
        Column("example", _l("True for fictional demonstration content.")),
    ),
    model=Practice, eu_themes=("GOVE", "SOCI"),
    keywords=(_l("good practices"), _l("cerco/offro"), _l("smart city")),
    watched=(Practice, City, Organisation, Twinning, User), query=_practices_query,
    to_rows=_practice_rows, time_columns=("created_at", "updated_at"),
)


# --- calls for funding -----------------------------------------------------------------------

def _calls_query() -> Select:
    return select(Call).where(Call.visibility == PUBLISHED)


def _call_rows(batch: list, session: Session) -> list[dict]:
    now = utcnow()
    return [{
        "id": call.id, "title": call.title, "issuer": call.issuer, "level": call.level,
        "programme": call.programme or "", "summary": call.summary or "",
        "applicants": call.applicant_codes, "themes": _codes(call.themes),
        "total_budget": _amount(call.total_budget), "max_grant": _amount(call.max_grant),
        "cofunding_rate": _amount(call.cofunding_rate), "opens_on": _iso(call.opens_on),
        "deadline_rome": _rome(call.deadline), "deadline_utc": _iso(call.deadline),
        "status": call.status(now), "official_url": call.official_url or "",
        "url": ("calls.show", {"call_id": call.id}), "example": call.is_example,
    } for (call,) in batch]


CALLS = Dataset(
    name="calls",
    title=_l("Calls for funding"),
    description=_l("European, national, regional and foundation calls for funding: programme, "
                   "budget, eligible applicants, opening date and deadline."),
    columns=(
        Column("id", _l("Stable number of the call on this site.")),
        Column("title", _l("Title of the call.")),
        Column("issuer", _l("Who issues the call.")),
        Column("level", _l("eu, national, regional, foundation or other."), LEVELS),
        Column("programme", _l("Funding programme, if any.")),
        Column("summary", _l("Short summary.")),
        Column("applicants", _l("Who may apply (codes), separated by semicolons in CSV."),
               APPLICANTS),
        Column("themes", _l("Theme codes, separated by semicolons in CSV."), THEMES),
        Column("total_budget", _l("Total budget in euros, if known.")),
        Column("max_grant", _l("Largest grant per project in euros, if known.")),
        Column("cofunding_rate", _l("Share of the costs the call pays, in per cent.")),
        Column("opens_on", _l("Day applications open (YYYY-MM-DD), if known.")),
        Column("deadline_rome", _l("Deadline as local time in Italy, with its UTC offset.")),
        Column("deadline_utc", _l("The same deadline in UTC.")),
        Column("status", _l("upcoming, open, closing or closed when the file was made."),
               CALL_STATUSES),
        Column("official_url", _l("Address of the official call text.")),
        Column("url", _l("Address of the call's page on this site.")),
        Column("example", _l("True for fictional demonstration content.")),
    ),
    model=Call, eu_themes=("ECON", "GOVE"),
    keywords=(_l("calls for funding"), _l("bandi"), _l("grants")),
    watched=(Call,), query=_calls_query, to_rows=_call_rows,
    time_columns=("created_at", "updated_at"),
)


# --- cities ----------------------------------------------------------------------------------

def _cities_query() -> Select:
    return select(City)


def _city_rows(batch: list, session: Session) -> list[dict]:
    return [{
        "id": city.id, "slug": city.slug, "name": city.name, "region": city.region or "",
        "province": city.province or "", "population": city.population,
        "declared_projects": city.declared_projects,
        "declared_investment": _amount(city.declared_investment),
        "totals_source": city.totals_source or "", "totals_as_of": _iso(city.totals_as_of),
        "website": city.website or "", "url": ("places.city", {"slug": city.slug}),
    } for (city,) in batch]


CITIES = Dataset(
    name="cities",
    title=_l("Cities and their smart-city figures"),
    description=_l("The cities of the community with their population and the smart-city "
                   "totals they declared (projects, investment), with the source and date of "
                   "those figures."),
    columns=(
        Column("id", _l("Stable number of the city on this site.")),
        Column("slug", _l("Short name used in the city's address.")),
        Column("name", _l("Name of the city.")),
        Column("region", _l("Region.")),
        Column("province", _l("Province.")),
        Column("population", _l("Population, if declared.")),
        Column("declared_projects", _l("Number of smart-city projects the city declared.")),
        Column("declared_investment", _l("Total investment the city declared, in euros.")),
        Column("totals_source", _l("Where the declared figures come from.")),
        Column("totals_as_of", _l("Date of the declared figures (YYYY-MM-DD).")),
        Column("website", _l("The city's website.")),
        Column("url", _l("Address of the city's page on this site.")),
    ),
    model=City, eu_themes=("REGI", "GOVE"),
    keywords=(_l("municipalities"), _l("smart city")),
    watched=(City,), query=_cities_query, to_rows=_city_rows, time_columns=(),
)


# --- projects --------------------------------------------------------------------------------

def _projects_query() -> Select:
    return (select(Project, City.slug).join(City, City.id == Project.city_id)
            .where(Project.visibility == PUBLISHED))


def _project_rows(batch: list, session: Session) -> list[dict]:
    return [{
        "id": project.id, "city": city, "title": project.title, "status": project.status,
        "investment": _amount(project.investment), "target_areas": project.target_areas or "",
        "themes": _codes(project.themes), "start_date": _iso(project.start_date),
        "end_date": _iso(project.end_date), "source_url": project.source_url or "",
        "url": ("places.project", {"slug": city, "project_id": project.id}),
    } for project, city in batch]


PROJECTS = Dataset(
    name="projects",
    title=_l("Smart-city projects of the cities"),
    description=_l("Each city's smart-city projects with their investment, target areas, "
                   "themes, status and dates."),
    columns=(
        Column("id", _l("Stable number of the project on this site.")),
        Column("city", _l("Short name of the city running it.")),
        Column("title", _l("Title of the project.")),
        Column("status", _l("planned, in-progress or completed."), PROJECT_STATUSES),
        Column("investment", _l("Investment in euros, if known.")),
        Column("target_areas", _l("Areas the project works on.")),
        Column("themes", _l("Theme codes, separated by semicolons in CSV."), THEMES),
        Column("start_date", _l("Start date (YYYY-MM-DD), if known.")),
        Column("end_date", _l("End date (YYYY-MM-DD), if known.")),
        Column("source_url", _l("Where the project's figures come from.")),
        Column("url", _l("Address of the project's page on this site.")),
    ),
    model=Project, eu_themes=("GOVE", "TECH"),
    keywords=(_l("smart city"), _l("projects")),
    watched=(Project, City), query=_projects_query, to_rows=_project_rows,
)


# --- events ----------------------------------------------------------------------------------

def _events_query() -> Select:
    twinning, network = aliased(Twinning), aliased(Network)
    return (select(Event, twinning.slug, network.slug)
            .outerjoin(twinning, twinning.id == Event.twinning_id)
            .outerjoin(network, network.id == Event.network_id)
            .where((twinning.visibility == PUBLISHED) | (network.visibility == PUBLISHED)))


def _event_rows(batch: list, session: Session) -> list[dict]:
    rows = []
    for event, twinning, network in batch:
        page = (("twinnings.show", {"slug": twinning}) if twinning
                else ("places.network", {"slug": network}))
        rows.append({
            "id": event.id, "title": event.title, "twinning": twinning or "",
            "network": network or "",
            "starts_at": _iso(event.starts_at), "ends_at": _iso(event.ends_at),
            "starts_at_rome": _rome(event.starts_at), "place": event.place or "",
            "stream_url": event.stream_url or "", "url": page,
        })
    return rows


EVENTS = Dataset(
    name="events",
    title=_l("Events of twinnings and networks"),
    description=_l("Meetings of the twinnings and networks, with their time, place and "
                   "live-streaming address."),
    columns=(
        Column("id", _l("Stable number of the event on this site.")),
        Column("title", _l("Title of the event.")),
        Column("twinning", _l("Short name of the twinning holding it, if any.")),
        Column("network", _l("Short name of the network holding it, if any.")),
        Column("starts_at", _l("Start (UTC).")),
        Column("ends_at", _l("End (UTC).")),
        Column("starts_at_rome", _l("Start as local time in Italy, with its UTC offset.")),
        Column("place", _l("Where it takes place.")),
        Column("stream_url", _l("Address of the live stream, if any.")),
        Column("url", _l("Address of the page of the twinning or network.")),
    ),
    model=Event, eu_themes=("GOVE", "SOCI"),
    keywords=(_l("events"), _l("twinning")),
    watched=(Event, Twinning, Network), query=_events_query, to_rows=_event_rows,
    time_columns=(),
)


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (TWINNINGS, PRACTICES, CALLS, CITIES, PROJECTS, EVENTS)
}


def get(name: str) -> Dataset | None:
    return DATASETS.get(name)


def count(dataset: Dataset) -> int:
    rows = dataset.query().subquery()
    return db.session.scalar(select(func.count()).select_from(rows)) or 0


def iter_rows(dataset: Dataset, session: Session, offset: int = 0,
              limit: int | None = None) -> Iterator[dict]:
    """The public rows in id order, read in batches (keyset pagination after `offset`).

    The session is the stream's own: a file is sent after the view has returned, outside the
    request's context and its session."""
    key = dataset.model.id
    base = dataset.query().order_by(key)
    last_id = None
    remaining = limit
    first = True
    while remaining is None or remaining > 0:
        size = BATCH if remaining is None else min(BATCH, remaining)
        query = base.limit(size)
        if first and offset:
            query = query.offset(offset)
        elif last_id is not None:
            query = query.where(key > last_id)
        batch = session.execute(query).all()
        first = False
        if not batch:
            return
        last = batch[-1][0]  # each query's first column is the row's entity or its id
        last_id = getattr(last, "id", last)
        yield from dataset.to_rows(batch, session)
        # Rows already sent are not needed again: keep the stream's identity map small.
        session.expunge_all()
        if remaining is not None:
            remaining -= len(batch)
        if len(batch) < size:
            return


def newest_change(dataset: Dataset) -> datetime | None:
    """The latest time a row says it changed (for a dataset never written through the ORM)."""
    columns = [getattr(dataset.model, name) for name in dataset.time_columns]
    if not columns:
        return None
    values = db.session.execute(select(*[func.max(column) for column in columns])).one()
    found = [value for value in values if value is not None]
    if not found:
        return None
    latest = max(found)
    if isinstance(latest, str):  # SQLite hands back aggregates as text
        latest = datetime.fromisoformat(latest)
    if isinstance(latest, date) and not isinstance(latest, datetime):
        latest = datetime(latest.year, latest.month, latest.day, tzinfo=UTC)
    return latest if latest.tzinfo else latest.replace(tzinfo=UTC)
