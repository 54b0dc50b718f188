"""Rules about cities, projects and networks. Services flush, never commit, and take the actor."""
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlparse

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.accounts import services as accounts
from forum.attachments import services as attachments
from forum.core.db import utcnow
from forum.core.errors import ServiceError
from forum.core.markup import render_markdown
from forum.core.visibility import PUBLISHED, can_see, visible_to
from forum.core.web import PAGE_SIZE
from forum.extensions import db
from forum.places.models import (
    City,
    Network,
    NetworkMember,
    NetworkParticipant,
    Organisation,
    Project,
    ProjectNews,
)

# Words the URLs use next to slugs: a city or network called "new" would be unreachable.
RESERVED_SLUGS = {"new", "edit"}


def slugify(text: str, max_length: int = 120) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def check_slug(model, slug: str, *, current=None, source: str = "") -> str:
    """The slug asked for (or made from `source`), refused if taken or reserved."""
    slug = slug or slugify(source)
    if not slug or slug in RESERVED_SLUGS:
        raise ServiceError(_("Choose another address name."), field="slug")
    taken = db.session.scalar(select(model.id).where(model.slug == slug))
    if taken is not None and (current is None or taken != current.id):
        raise ServiceError(_("This address name is already in use."), field="slug")
    return slug


def check_url(field: str, value: str | None) -> str | None:
    """Links printed on pages: http(s) only, whoever calls the service (forms check it too)."""
    if not value:
        return None
    parsed = urlparse(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ServiceError(_("Enter an address starting with http:// or https://."), field=field)
    return value.strip()


# --- cities -------------------------------------------------------------------------------

CITY_FIELDS = ("name", "region", "province", "population", "description", "website",
               "declared_projects", "declared_investment", "totals_source", "totals_as_of")


def city_by_slug(slug: str) -> City | None:
    return db.session.scalar(select(City).where(City.slug == slug))


def _set_city(city: City, data: dict) -> None:
    for name in CITY_FIELDS:
        if name in data:
            setattr(city, name, None if data[name] == "" else data[name])
    city.website = check_url("website", city.website)
    city.description_html = render_markdown(city.description)


def create_city(actor, data: dict) -> City:
    city = City(slug=check_slug(City, data.get("slug"), source=data.get("name", "")))
    _set_city(city, data)
    db.session.add(city)
    db.session.flush()
    return city


def update_city(actor, city: City, data: dict) -> City:
    city.slug = check_slug(City, data.get("slug"), current=city, source=data.get("name", ""))
    _set_city(city, data)
    db.session.flush()
    return city


def list_cities(page: int):
    """A page of cities by name, and their numbers of published projects by city id."""
    pagination = db.paginate(select(City).order_by(City.name, City.id), page=page,
                             per_page=PAGE_SIZE, error_out=False)
    ids = [city.id for city in pagination.items]
    counts = dict(db.session.execute(
        select(Project.city_id, func.count(Project.id))
        .where(Project.city_id.in_(ids), Project.visibility == PUBLISHED)
        .group_by(Project.city_id)).all()) if ids else {}
    return pagination, counts


@dataclass
class CityTotals:
    held_projects: int
    held_investment: Decimal
    declared: bool
    projects: int
    investment: Decimal | None


def city_totals(city: City, viewer) -> CityTotals:
    """Declared totals when the city has them, else what the site holds, in one query."""
    row = db.session.execute(
        select(func.count(Project.id), func.coalesce(func.sum(Project.investment), 0))
        .where(Project.city_id == city.id, visible_to(Project, viewer))).one()
    held, invested = int(row[0]), Decimal(row[1] or 0)
    declared = city.declared_projects is not None or city.declared_investment is not None
    return CityTotals(
        held_projects=held, held_investment=invested, declared=declared,
        projects=city.declared_projects if city.declared_projects is not None else held,
        investment=(city.declared_investment if city.declared_investment is not None
                    else invested),
    )


def city_projects(city: City, viewer, page: int):
    query = (select(Project).where(Project.city_id == city.id, visible_to(Project, viewer))
             .order_by(Project.start_date.desc().nulls_last(), Project.id.desc()))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


# What the packages above this one hold about a city (twinnings, practices) or a network
# (its twinnings, events and discussions), shown on its page: each registers
# name -> loader(city, viewer) or loader(network, viewer, page), so places never imports them.
CITY_CONTENT: dict = {}
NETWORK_CONTENT: dict = {}


def register_city_content(name: str, loader) -> None:
    CITY_CONTENT[name] = loader


def register_network_content(name: str, loader) -> None:
    NETWORK_CONTENT[name] = loader


def city_content(city: City, viewer) -> dict:
    return {name: load(city, viewer) for name, load in CITY_CONTENT.items()}


def network_content(network: Network, viewer, page: int) -> dict:
    """`page`: the ?page= of the network page (its discussions are paged)."""
    return {name: load(network, viewer, page) for name, load in NETWORK_CONTENT.items()}


def organisations_of_city(city: City) -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.city_id == city.id)
                                   .order_by(Organisation.name)))


def networks_of_city(city: City, viewer) -> list[Network]:
    query = (select(Network).join(NetworkMember, NetworkMember.network_id == Network.id)
             .where(NetworkMember.city_id == city.id, visible_to(Network, viewer))
             .distinct().order_by(Network.name))
    return list(db.session.scalars(query))


# --- projects -----------------------------------------------------------------------------

PROJECT_FIELDS = ("title", "description", "investment", "target_areas", "status", "start_date",
                  "end_date", "source_url")


def project_in_city(city: City, project_id: int, viewer) -> Project | None:
    project = db.session.get(Project, project_id)
    if project is None or project.city_id != city.id or not can_see(viewer, project):
        return None
    return project


def _set_project(project: Project, data: dict) -> None:
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    if "themes" in data:
        project.theme_codes = data["themes"] or []
    project.source_url = check_url("source_url", project.source_url)
    project.description_html = render_markdown(project.description)


def create_project(actor, city: City, data: dict, files=()) -> Project:
    """A project of `city`; its files are checked before anything is written."""
    checked = attachments.check_files(files)
    project = Project(city=city, author_id=getattr(actor, "id", None))
    _set_project(project, data)
    db.session.add(project)
    db.session.flush()
    attachments.store(actor, "project", project.id, checked)
    return project


def update_project(actor, project: Project, data: dict, files=()) -> Project:
    checked = attachments.check_files(files)
    _set_project(project, data)
    db.session.flush()
    attachments.store(actor, "project", project.id, checked)
    return project


def add_news(actor, project: Project, data: dict) -> ProjectNews:
    news = ProjectNews(project=project, title=data["title"], body=data["body"],
                       body_html=render_markdown(data["body"]))
    db.session.add(news)
    db.session.flush()
    return news


def project_news(project: Project) -> list[ProjectNews]:
    query = (select(ProjectNews).where(ProjectNews.project_id == project.id)
             .order_by(ProjectNews.published_at.desc(), ProjectNews.id.desc()))
    return list(db.session.scalars(query))


# --- networks -----------------------------------------------------------------------------

NETWORK_FIELDS = ("name", "summary", "description", "website")


def network_by_slug(slug: str, viewer) -> Network | None:
    network = db.session.scalar(select(Network).where(Network.slug == slug))
    return network if network is not None and can_see(viewer, network) else None


def list_networks(viewer, page: int):
    query = select(Network).where(visible_to(Network, viewer)).order_by(Network.name)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def _set_network(network: Network, data: dict) -> None:
    for name in NETWORK_FIELDS:
        if name in data:
            setattr(network, name, data[name])
    network.website = check_url("website", network.website)
    network.description_html = render_markdown(network.description)


def create_network(actor, data: dict) -> Network:
    network = Network(slug=check_slug(Network, data.get("slug"), source=data.get("name", "")))
    _set_network(network, data)
    db.session.add(network)
    db.session.flush()
    return network


def update_network(actor, network: Network, data: dict) -> Network:
    network.slug = check_slug(Network, data.get("slug"), current=network,
                              source=data.get("name", ""))
    _set_network(network, data)
    db.session.flush()
    return network


# --- people who joined a network -----------------------------------------------------------

def is_network_participant(user, network: Network) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(NetworkParticipant, (network.id, user.id)) is not None


def network_participant_count(network: Network) -> int:
    return db.session.scalar(select(func.count()).select_from(NetworkParticipant)
                             .where(NetworkParticipant.network_id == network.id))


def join_network(user, network: Network) -> bool:
    """Add the member; False when already there (a second click changes nothing)."""
    if is_network_participant(user, network):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(NetworkParticipant(network_id=network.id, user_id=user.id,
                                              joined_at=utcnow()))
    except IntegrityError:
        return False
    return True


def leave_network(user, network: Network) -> bool:
    participant = db.session.get(NetworkParticipant, (network.id, user.id))
    if participant is None:
        return False
    db.session.delete(participant)
    db.session.flush()
    return True


def networks_of_member(member, viewer) -> list[Network]:
    return list(db.session.scalars(
        select(Network).join(NetworkParticipant, NetworkParticipant.network_id == Network.id)
        .where(NetworkParticipant.user_id == member.id, visible_to(Network, viewer))
        .order_by(Network.name)))


accounts.register_profile_content("networks", networks_of_member)


@accounts.exporter
def export_networks(user) -> tuple[str, list]:
    rows = db.session.execute(select(Network.slug, NetworkParticipant.joined_at)
                              .join(Network, Network.id == NetworkParticipant.network_id)
                              .where(NetworkParticipant.user_id == user.id)
                              .order_by(Network.slug))
    return "networks_joined", [{"network": slug, "joined_at": joined.isoformat()}
                               for slug, joined in rows]


@accounts.eraser
def erase_networks(user) -> None:
    db.session.execute(delete(NetworkParticipant).where(NetworkParticipant.user_id == user.id))


def network_members(network: Network) -> list[NetworkMember]:
    query = (select(NetworkMember).where(NetworkMember.network_id == network.id)
             .options(joinedload(NetworkMember.city), joinedload(NetworkMember.organisation))
             .order_by(NetworkMember.joined_at, NetworkMember.id))
    return list(db.session.scalars(query))


def organisation_named(name: str, kind: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == name.strip().lower()))
    if found is None:
        found = Organisation(name=name.strip(), kind=kind)
        db.session.add(found)
        db.session.flush()
    return found


def add_network_member(actor, network: Network, *, city: City | None = None,  # noqa: PLR0913 (a member named one of three ways)
                       city_id: int | None = None, organisation: Organisation | None = None,
                       organisation_name: str | None = None, organisation_kind: str = "",
                       is_example: bool = False) -> NetworkMember:
    """A city (by row or id) or an organisation (by row, or by name: created if new)."""
    if city is None and city_id:
        city = db.session.get(City, city_id)
        if city is None:
            raise ServiceError(_("Choose a city from the list."), field="city")
    if organisation is None and organisation_name:
        organisation = organisation_named(organisation_name,
                                          organisation_kind or "public-administration")
    if (city is None) == (organisation is None):
        raise ServiceError(_("Choose a city or name an organisation."), field="city")
    query = select(NetworkMember).where(NetworkMember.network_id == network.id)
    query = query.where(NetworkMember.city_id == city.id) if city else query.where(
        NetworkMember.organisation_id == organisation.id)
    if db.session.scalar(query) is not None:
        raise ServiceError(_("This member is already in the network."), field="city")
    member = NetworkMember(network=network, city=city, organisation=organisation,
                           is_example=is_example)
    db.session.add(member)
    db.session.flush()
    return member


def remove_network_member(actor, member: NetworkMember) -> None:
    db.session.delete(member)
    db.session.flush()


def city_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.session.scalars(select(City).order_by(City.name))]


def filter_options(viewer) -> dict:
    """(slug, name) pairs of the cities and networks, for filter menus."""
    cities = db.session.execute(select(City.slug, City.name).order_by(City.name))
    networks = db.session.execute(select(Network.slug, Network.name)
                                  .where(visible_to(Network, viewer)).order_by(Network.name))
    return {"city_options": [tuple(r) for r in cities],
            "network_options": [tuple(r) for r in networks]}


def network_choices(viewer) -> list[tuple[int, str]]:
    query = select(Network).where(visible_to(Network, viewer)).order_by(Network.name)
    return [(n.id, n.name) for n in db.session.scalars(query)]


# --- attachment owners --------------------------------------------------------------------


def _project_url(project: Project) -> str:
    from flask import url_for

    return url_for("places.project", slug=project.city.slug, project_id=project.id)


attachments.register_owner("project", lambda pid: db.session.get(Project, pid), can_see,
                           _project_url)
