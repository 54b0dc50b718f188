"""Profiles as members report them: their kind, registered by create_app."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum.accounts.models import User
from forum.core.reportable import ReportKind, city_place

PROFILES = ReportKind(
    "user", User, _l("Profile"),
    title=lambda u: u.display_name,
    url=lambda u: url_for("accounts.member", username=u.username),
    author=lambda u: u, content_html=lambda u: u.bio_html,
    exists=lambda u: not u.is_deleted, place=city_place)

REPORT_KINDS = (PROFILES,)
