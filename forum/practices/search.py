"""Practices in the site search: their type, registered by create_app."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum.core import visibility
from forum.core.searchable import Document, SearchType, site_path, text
from forum.practices.models import Practice


def _practice_doc(p: Practice) -> Document | None:
    if p.visibility == visibility.DELETED:
        return None
    return Document(title=p.title, summary=p.summary or "", body=text(p.body_html),
                    cities=[p.city.slug] if p.city else [], themes=p.theme_codes, kind=p.kind,
                    twinning=p.twinning.slug if p.twinning else None, author_id=p.author_id,
                    date=p.created_at, visibility=p.visibility)


PRACTICES = SearchType(
    name="practice", model=Practice, label=_l("Practices"),
    build=_practice_doc,
    url=lambda p: site_path("practices", p.id),
    options=lambda: [joinedload(Practice.city), joinedload(Practice.twinning)],
    fields=("title", "summary", "body_html", "city_id", "twinning_id", "themes", "kind",
            "visibility", "author_id"),
    place_of=lambda p: p.city.name if p.city else None,
    shows_author=True,
)

SEARCH_TYPES = (PRACTICES,)
