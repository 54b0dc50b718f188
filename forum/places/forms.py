"""Forms for curating cities, projects, news and networks: they parse fields, nothing more."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from forum.core.bounds import DateField, DecimalField, IdSelectField, IntegerField
from forum.core.forms import EndNotBeforeStart, slug_field, strip, themes_field, url_field
from forum.places.models import ORGANISATION_KINDS, PROJECT_STATUSES


class CityForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    slug = slug_field()
    region = StringField(_l("Region"), filters=[strip], validators=[Optional(), Length(max=80)])
    province = StringField(_l("Province"), filters=[strip],
                           validators=[Optional(), Length(max=80)])
    population = IntegerField(_l("Population"), validators=[Optional(), NumberRange(min=0)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=20000)])
    website = url_field(_l("Website"))
    declared_projects = IntegerField(_l("Declared number of projects"),
                                     validators=[Optional(), NumberRange(min=0)])
    declared_investment = DecimalField(_l("Declared total investment (EUR)"), places=2,
                                       validators=[Optional(), NumberRange(min=0)])
    totals_source = StringField(_l("Source of the declared totals"), filters=[strip],
                                validators=[Optional(), Length(max=300)])
    totals_as_of = DateField(_l("Date of the declared totals"), validators=[Optional()])

    def validate(self, extra_validators=None):
        # Not inline validators: Optional() on these fields would stop them when empty.
        valid = super().validate(extra_validators)
        if self.declared_projects.data is None and self.declared_investment.data is None:
            return valid
        if not self.totals_source.data:
            self.totals_source.errors.append(_l("Say where the declared totals come from."))
            valid = False
        if not self.totals_as_of.data and not self.totals_as_of.errors:
            self.totals_as_of.errors.append(_l("Give the date of the declared totals."))
            valid = False
        return valid


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=50000)])
    investment = DecimalField(_l("Investment (EUR)"), places=2,
                              validators=[Optional(), NumberRange(min=0)])
    target_areas = TextAreaField(_l("Target areas"), validators=[Length(max=5000)])
    status = SelectField(_l("Status"), choices=list(PROJECT_STATUSES.items()))
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional(), EndNotBeforeStart("start_date")])
    source_url = url_field(_l("Source page"))
    themes = themes_field()
    attachments = MultipleFileField(_l("Attachments"))


class NewsForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[DataRequired(), Length(max=20000)])


class NetworkForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    slug = slug_field()
    summary = StringField(_l("Summary"), filters=[strip], validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Length(max=50000)])
    website = url_field(_l("Website"))


class NetworkMemberForm(FlaskForm):
    """A city chosen from the list, or an organisation by name (created if new)."""

    city = IdSelectField(_l("City"), choices=[], validate_choice=False)
    organisation_name = StringField(_l("Organisation"), filters=[strip],
                                    validators=[Optional(), Length(max=200)])
    organisation_kind = SelectField(_l("Kind of organisation"),
                                    choices=list(ORGANISATION_KINDS.items()))
    is_example = BooleanField(_l("Fictional example (shown as such)"))

    def validate_organisation_name(self, field):
        if not field.data and not self.city.data:
            raise ValidationError(_l("Choose a city or name an organisation."))
        if field.data and self.city.data:
            raise ValidationError(_l("Add a city or an organisation, not both at once."))
