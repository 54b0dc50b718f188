"""Forms for practices, interest and "matched": they parse fields; rules on rows are services'."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from forum.core.bounds import IdSelectField, to_id
from forum.core.forms import MultiCheckboxField, strip
from forum.core.themes import THEMES, theme_choices
from forum.practices.models import KINDS, LANGUAGES, MESSAGE_MAX, STATUSES, SUMMARY_MAX

RELATED_REFERENCE = re.compile(r"(?:/practices/)?(\d+)/?$")


def parse_related(text: str) -> list[int]:
    """Practice numbers or addresses ("12", ".../practices/12"), separated by commas or spaces.

    Raises ValueError naming the first piece that is neither.
    """
    ids = []
    for piece in re.split(r"[,\s]+", text or ""):
        if not piece:
            continue
        found = RELATED_REFERENCE.search(piece)
        if not found:
            raise ValueError(piece)
        try:
            ids.append(to_id(found.group(1)))
        except ValueError:
            raise ValueError(piece) from None  # past the range of ids: no such practice
    return ids


class KnownThemes:
    """A clear message for a theme code that is not in the vocabulary (a forged request, an
    old bookmark), instead of WTForms' generic "not a valid choice"."""

    def __call__(self, form, field):
        unknown = [code for code in field.data or () if code not in THEMES]
        if unknown:
            raise ValidationError(_l("Unknown theme: %(codes)s. Choose themes from the list.",
                                     codes=", ".join(unknown)))


class RelatedPractices:
    def __call__(self, form, field):
        try:
            parse_related(field.data)
        except ValueError as error:
            raise ValidationError(_l("%(piece)s is not a practice number or address.",
                                     piece=str(error))) from None


class PracticeForm(FlaskForm):
    kind = RadioField(_l("What are you posting?"), choices=list(KINDS.items()),
                      validators=[InputRequired(_l("Choose whether you offer, seek or tell a "
                                                   "story."))])
    title = StringField(_l("Title"), filters=[strip],
                        validators=[DataRequired(_l("Give the practice a title.")),
                                    Length(max=200)])
    summary = TextAreaField(
        _l("Summary"), filters=[strip],
        validators=[DataRequired(_l("Write a short summary.")),
                    Length(max=SUMMARY_MAX, message=_l(
                        "The summary can be at most %(max)d characters long."))])
    body = TextAreaField(_l("Description (Markdown)"),
                         validators=[DataRequired(_l("Describe the practice.")),
                                     Length(max=50000)])
    themes = MultiCheckboxField(_l("Themes"), choices=theme_choices(), validate_choice=False,
                                validators=[KnownThemes()])
    city = IdSelectField(_l("City"), choices=[], validate_choice=False)
    organisation = IdSelectField(_l("Organisation"), choices=[],
                               validate_choice=False)
    language = SelectField(_l("Language of the text"), choices=list(LANGUAGES.items()))
    status = SelectField(_l("Status"), choices=list(STATUSES.items()), default="open")
    twinning = IdSelectField(_l("Twinning (optional)"), choices=[], validate_choice=False)
    related = StringField(_l("Related practices (optional)"), filters=[strip],
                          validators=[Optional(), Length(max=500), RelatedPractices()])
    attachments = MultipleFileField(_l("Attachments"))

    def service_data(self) -> dict:
        data = {name: self[name].data for name in
                ("kind", "title", "summary", "body", "themes", "language", "status")}
        data["city"] = self.city.data or None
        data["organisation"] = self.organisation.data or None
        data["twinning"] = self.twinning.data or None
        data["related"] = parse_related(self.related.data)
        return data


class InterestForm(FlaskForm):
    message = TextAreaField(_l("A short message"), filters=[strip],
                            validators=[Length(max=MESSAGE_MAX)])


class MatchedForm(FlaskForm):
    answer_practice = IdSelectField(_l("The practice that answered it"), choices=[],
                                  validate_choice=False)
    answer_user = IdSelectField(_l("The member who answered it"), choices=[],
                              validate_choice=False)
