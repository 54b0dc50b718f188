"""Fields and validators the forms of every package share; like all forms, they parse fields
and query nothing."""
from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forum.core.themes import theme_choices

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def strip(value):
    return value.strip() if isinstance(value, str) else value


class HttpUrl:
    """Only http and https addresses: no javascript:, data: or other schemes in links."""

    def __call__(self, form, field):
        if not field.data:
            return
        parsed = urlparse(field.data)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValidationError(_l("Enter an address starting with http:// or https://."))


class EndNotBeforeStart:
    def __init__(self, start_field: str):
        self.start_field = start_field

    def __call__(self, form, field):
        start = form[self.start_field].data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end cannot come before the start."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def slug_field():
    return StringField(
        _l("Address name (slug)"), filters=[strip],
        validators=[Optional(), Length(max=120),
                    Regexp(SLUG_PATTERN, message=_l("Use lower-case letters, digits and "
                                                    "hyphens, e.g. lecce-smart-city."))])


def url_field(label):
    return StringField(label, filters=[strip], validators=[Optional(), Length(max=300), HttpUrl()])


def themes_field():
    return MultiCheckboxField(_l("Themes"), choices=theme_choices(), validate_choice=True)


def initial_data(form_class, obj, **overrides) -> dict:
    """A form's starting values from a row, with some fields given explicitly.

    WTForms prefers `obj` attributes over keyword data, so fields whose stored shape differs
    from the form's (themes as a string, times in UTC, related rows) are passed here instead.
    """
    names = [name for name in dir(form_class)
             if isinstance(getattr(form_class, name, None), UnboundField)]
    data = {name: getattr(obj, name) for name in names
            if name not in overrides and name != "attachments" and hasattr(obj, name)}
    return {**data, **overrides}
