"""Calls for funding as members report them: their kind, registered by create_app."""
from flask import url_for
from flask_babel import lazy_gettext as _l

from forum.calls.models import Call
from forum.core.reportable import ReportKind

CALLS = ReportKind(
    "call", Call, _l("Call for funding"), title=lambda c: c.title,
    url=lambda c: url_for("calls.show", call_id=c.id),
    author=lambda c: c.author, content_html=lambda c: c.body_html)

REPORT_KINDS = (CALLS,)
