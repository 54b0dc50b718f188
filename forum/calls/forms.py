"""Forms for calls: they parse and check fields; rules on other rows live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from forum.calls.models import APPLICANTS, LEVELS
from forum.core.bounds import DateField, DateTimeLocalField, DecimalField
from forum.core.forms import MultiCheckboxField, strip, themes_field, url_field

NEGATIVE = _l("An amount cannot be negative.")


class ClearDateField(DateField):
    """A date typed as 2026-03-29 (what date pickers send) or 29/03/2026."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%d", "%d/%m/%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a real date, for example 2026-03-29.")) from None


class ClearDateTimeField(DateTimeLocalField):
    """A date and time typed as 2026-03-29T12:00 (date-time pickers) or 29/03/2026 12:00."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators,
                         format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a real date and time, for example 2026-03-29T12:00."))\
                from None


class ChoiceSelectField(SelectField):
    """A select whose refusal of an unknown value says what to do."""

    def pre_validate(self, form):
        if self.data not in dict(self.choices):
            raise ValidationError(_l("Choose one of the values in the list."))


def amount_field(label):
    return DecimalField(label, places=2, validators=[Optional(), NumberRange(min=0,
                                                                             message=NEGATIVE)])


class CallForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    issuer = StringField(_l("Issuing body"), filters=[strip],
                         validators=[DataRequired(), Length(max=200)])
    level = ChoiceSelectField(_l("Level"), choices=list(LEVELS.items()))
    programme = StringField(_l("Programme"), filters=[strip],
                            validators=[Optional(), Length(max=200)])
    summary = StringField(_l("Summary"), filters=[strip], validators=[Optional(), Length(max=500)])
    body = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=50000)])
    applicants = MultiCheckboxField(_l("Who can apply"), choices=list(APPLICANTS.items()))
    themes = themes_field()
    total_budget = amount_field(_l("Total budget (EUR)"))
    max_grant = amount_field(_l("Largest grant (EUR)"))
    cofunding_rate = DecimalField(
        _l("Share of the costs funded (%)"), places=2,
        validators=[Optional(), NumberRange(min=0, max=100, message=_l(
            "Give a percentage between 0 and 100."))])
    opens_on = ClearDateField(_l("Opening date"), validators=[Optional()])
    deadline = ClearDateTimeField(_l("Deadline (Italian time)"), validators=[InputRequired(
        message=_l("Give the deadline: a date and a time."))])
    official_url = url_field(_l("Official page of the call"))
    is_example = BooleanField(_l("Fictional example (shown as such on the page)"))
    attachments = MultipleFileField(_l("Attachments"))

    def validate_deadline(self, field):
        opens_on = self.opens_on.data
        if field.data and opens_on and field.data.date() < opens_on:
            raise ValidationError(_l("The deadline cannot come before the opening date."))

    def validate_max_grant(self, field):
        total = self.total_budget.data
        if field.data is not None and total is not None and field.data > total:
            raise ValidationError(_l("The largest grant cannot exceed the total budget."))
