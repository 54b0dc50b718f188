"""The e-mail settings form: one choice per kind of event."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from forum.notifications.models import DAILY, INSTANT, NEVER, WEEKLY

DELIVERY_LABELS = [(INSTANT, _l("At once")), (DAILY, _l("Daily digest")),
                   (WEEKLY, _l("Weekly digest")), (NEVER, _l("Never"))]


class PreferencesForm(FlaskForm):
    """Built per request: the kinds are registered by code (forum.notifications.events)."""

    @classmethod
    def build(cls, kinds, current: dict[str, str]):
        class Form(cls):
            pass

        for kind in kinds:
            setattr(Form, f"kind_{kind.code}", SelectField(kind.label, choices=DELIVERY_LABELS,
                                                           default=current.get(kind.code)))
        form = Form()
        form.kind_codes = [kind.code for kind in kinds]
        return form

    def choices(self) -> dict[str, str]:
        return {code: getattr(self, f"kind_{code}").data for code in self.kind_codes}
