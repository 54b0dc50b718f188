"""Twinnings in the site search: their type, registered by create_app."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from forum.core import visibility
from forum.core.searchable import Document, SearchType, city_names, join, site_path, strictest, text
from forum.twinnings.models import Twinning, TwinningCity


def _twinning_doc(t: Twinning) -> Document | None:
    if t.visibility == visibility.DELETED:
        return None
    return Document(
        title=t.title, summary=t.summary or "",
        body=join(text(t.description_html), text(t.objectives_html), text(t.results_html)),
        cities=sorted(tc.city.slug for tc in t.cities),
        network=t.network.slug if t.network else None, twinning=t.slug,
        themes=t.theme_codes, author_id=t.author_id, date=t.created_at,
        visibility=strictest(t.visibility, t.network.visibility if t.network else None),
    )


TWINNINGS = SearchType(
    name="twinning", model=Twinning, label=_l("Twinnings"),
    build=_twinning_doc,
    url=lambda t: site_path("twinnings", t.slug),
    options=lambda: [selectinload(Twinning.cities).joinedload(TwinningCity.city),
                     joinedload(Twinning.network)],
    related={TwinningCity: lambda tc: [("twinning", tc.twinning_id)]},
    fields=("title", "slug", "summary", "description_html", "objectives_html", "results_html",
            "network_id", "themes", "visibility", "author_id"),
    place_of=lambda t: city_names(tc.city for tc in t.cities),
)


SEARCH_TYPES = (TWINNINGS,)
