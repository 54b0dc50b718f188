"""Forms for twinnings and events: they parse fields; rules on other rows live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forum.core.bounds import DateField, DateTimeLocalField, IdSelectField
from forum.core.forms import EndNotBeforeStart, slug_field, strip, themes_field, url_field
from forum.twinnings.models import CITY_ROLES, STATUSES

# Empty rows are ignored: staff fill as many cities as the twinning has, without script.
CITY_ROWS = 5


class CityRoleForm(Form):
    city = IdSelectField(_l("City"), choices=[], validate_choice=False)
    # Checked in validate_cities, only for the rows that name a city.
    role = SelectField(_l("Role"), choices=list(CITY_ROLES.items()), validate_choice=False)


class TwinningForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    slug = slug_field()
    summary = StringField(_l("Summary"), filters=[strip], validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=50000)])
    objectives = TextAreaField(_l("Objectives (Markdown)"), validators=[Length(max=50000)])
    results = TextAreaField(_l("Results (Markdown)"), validators=[Length(max=50000)])
    status = SelectField(_l("Status"), choices=list(STATUSES.items()), default="active")
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional(), EndNotBeforeStart("start_date")])
    network = IdSelectField(_l("Network"), choices=[], validate_choice=False)
    themes = themes_field()
    cities = FieldList(FormField(CityRoleForm), label=_l("Cities and their roles"),
                       min_entries=CITY_ROWS, max_entries=20)
    is_example = BooleanField(_l("Fictional example (shown as such on the page)"))
    attachments = MultipleFileField(_l("Attachments"))

    def validate_cities(self, field):
        rows = [row for row in field.data if row.get("city")]
        if any(row.get("role") not in CITY_ROLES for row in rows):
            raise ValidationError(_l("Choose a role for each city."))
        ids = [row["city"] for row in rows]
        roles = {row["role"] for row in rows}
        if len(set(ids)) != len(ids):
            raise ValidationError(_l("Each city can appear only once."))
        if len(rows) < 2:
            raise ValidationError(_l("A twinning links at least two cities."))
        if "transferring" not in roles or "beneficiary" not in roles:
            raise ValidationError(_l("Give at least one transferring city and one beneficiary "
                                     "city."))


class EventForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_at = DateTimeLocalField(_l("Start (Italian time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("End (Italian time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(), EndNotBeforeStart("starts_at")])
    place = StringField(_l("Place"), filters=[strip], validators=[Optional(), Length(max=200)])
    stream_url = url_field(_l("Live-streaming link"))
