"""Practices as members report them: their kind, registered by create_app."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum.core.reportable import ReportKind, city_place
from forum.practices.models import Practice

PRACTICES = ReportKind(
    "practice", Practice, _l("Practice"), title=lambda p: p.title,
    url=lambda p: url_for("practices.show", practice_id=p.id),
    author=lambda p: p.author, content_html=lambda p: p.body_html, place=city_place,
    eager=lambda: (selectinload(Practice.city),))

REPORT_KINDS = (PRACTICES,)
