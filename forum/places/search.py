"""Networks, cities and projects in the site search: their types, registered by create_app."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum.core import visibility
from forum.core.searchable import Document, SearchType, join, site_path, text
from forum.places.models import City, Network, Project


def _network_doc(n: Network) -> Document | None:
    if n.visibility == visibility.DELETED:
        return None
    return Document(title=n.name, summary=n.summary or "", body=text(n.description_html),
                    network=n.slug, date=n.created_at, visibility=n.visibility)


NETWORKS = SearchType(
    name="network", model=Network, label=_l("Networks"),
    build=_network_doc,
    url=lambda n: site_path("networks", n.slug),
)


def _city_doc(c: City) -> Document:
    return Document(title=c.name, summary=join(c.province, c.region),
                    body=text(c.description_html) or (c.description or ""), cities=[c.slug])


CITIES = SearchType(
    name="city", model=City, label=_l("Cities"),
    build=_city_doc,
    url=lambda c: site_path("cities", c.slug),
    can_see=lambda user, c: True,  # city profiles are public facts, with no visibility state
    place_of=lambda c: c.region,
)


def _project_doc(p: Project) -> Document | None:
    if p.visibility == visibility.DELETED:
        return None
    return Document(title=p.title, summary=p.target_areas or "", body=text(p.description_html),
                    cities=[p.city.slug], themes=p.theme_codes, author_id=p.author_id,
                    date=p.created_at, visibility=p.visibility)


PROJECTS = SearchType(
    name="project", model=Project, label=_l("Projects"),
    build=_project_doc,
    url=lambda p: site_path("cities", p.city.slug, "projects", p.id),
    options=lambda: [joinedload(Project.city)],
    place_of=lambda p: p.city.name,
)


SEARCH_TYPES = (NETWORKS, CITIES, PROJECTS)
