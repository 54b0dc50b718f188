"""Practices in the site search: one registration, read by the search package's registry."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from forum.core import visibility
from forum.practices.models import Practice
from forum.search.documents import _path, text
from forum.search.registry import Document, SearchType, register


def _practice_doc(p: Practice) -> Document | None:
    if p.visibility == visibility.DELETED:
        return None
    return Document(title=p.title, summary=p.summary or "", body=text(p.body_html),
                    cities=[p.city.slug] if p.city else [], themes=p.theme_codes, kind=p.kind,
                    twinning=p.twinning.slug if p.twinning else None, author_id=p.author_id,
                    date=p.created_at, visibility=p.visibility)


register(SearchType(
    name="practice", model=Practice, label=_l("Practices"),
    build=_practice_doc,
    url=lambda p: _path("practices", p.id),
    options=lambda: [joinedload(Practice.city), joinedload(Practice.twinning)],
    fields=("title", "summary", "body_html", "city_id", "twinning_id", "themes", "kind",
            "visibility", "author_id"),
))
