"""Moderation forms: they parse fields; rules about rows live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forum.core.bounds import IntegerField
from forum.moderation.models import REASONS
from forum.moderation.services import MAX_SUSPENSION_DAYS, NOTE_MAX, REASON_MAX

REQUIRED = _l("This field is required.")
TOO_LONG = _l("Use at most %(max)d characters.")


REASON = _l("Reason")


def _reason(label=REASON, required=True):
    validators = [DataRequired(message=REQUIRED)] if required else [Optional()]
    return StringField(label, validators=[*validators, Length(max=REASON_MAX, message=TOO_LONG)])


class ReportForm(FlaskForm):
    reason = RadioField(_l("What is wrong?"), choices=list(REASONS.items()),
                        validators=[InputRequired(message=_l("Choose a reason."))])
    note = TextAreaField(_l("Anything staff should know (optional)"),
                         validators=[Optional(), Length(max=NOTE_MAX, message=TOO_LONG)])


class ReasonForm(FlaskForm):
    """Hide, permanent deletion: the reason is required."""

    reason = _reason()


class OptionalReasonForm(FlaskForm):
    """Dismiss, restore, lock, pin, lift a suspension."""

    reason = _reason(_l("Reason (optional)"), required=False)


class StateForm(OptionalReasonForm):
    state = SelectField(choices=[("on", "on"), ("off", "off")],
                        validators=[InputRequired()])


class EditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(message=REQUIRED)])
    reason = _reason(_l("Reason for the edit"))


class MoveForm(FlaskForm):
    space = SelectField(_l("Move to"), choices=[], validators=[InputRequired(message=REQUIRED)])
    reason = _reason(_l("Reason (optional)"), required=False)

    def set_choices(self, choices) -> None:
        self.space.choices = choices


class SuspendForm(FlaskForm):
    days = IntegerField(_l("Number of days"), validators=[
        Optional(), NumberRange(min=1, max=MAX_SUSPENSION_DAYS,
                                message=_l("Choose between %(min)s and %(max)s days."))])
    indefinitely = BooleanField(_l("Suspend indefinitely"))
    reason = _reason()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.days.data is None and not self.indefinitely.data:
            self.days.errors = [*self.days.errors,
                                _l("Give a number of days, or suspend indefinitely.")]
            return False
        return True
