"""Account forms: they parse and check fields; rules about other rows live in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from forum.accounts.models import ROLES
from forum.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from forum.core.bounds import IdSelectField
from forum.places.models import ORGANISATION_KINDS

REQUIRED = _l("This field is required.")
USERNAME_RULE = _l("Use 3 to 30 letters, digits or the characters _ . -")
TOO_LONG = _l("Use at most %(max)d characters.")
EMAIL_LABEL = _l("E-mail address")


def _password(label, **kwargs):
    return PasswordField(label, validators=[
        DataRequired(message=REQUIRED),
        Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
               message=_l("Use between %(min)d and %(max)d characters.")),
    ], **kwargs)


def _email(label=EMAIL_LABEL):
    return EmailField(label, validators=[
        DataRequired(message=REQUIRED),
        Length(max=254, message=TOO_LONG),
        Email(message=_l("Enter a valid e-mail address.")),
    ])


class OrganisationFields:
    """Pick an organisation, or name a new one and say what kind it is."""

    organisation_id = IdSelectField(_l("Organisation"), optional=True, choices=[])
    new_organisation = StringField(
        _l("Or add your organisation"),
        validators=[Optional(), Length(max=200, message=TOO_LONG)],
    )
    organisation_kind = SelectField(
        _l("Kind of the new organisation"),
        choices=[("", _l("Choose…"))] + list(ORGANISATION_KINDS.items()),
        validators=[Optional()],
    )
    city_id = IdSelectField(_l("City"), optional=True, choices=[])

    def set_choices(self, organisations, cities) -> None:
        self.organisation_id.choices = [(0, _l("None"))] + [(o.id, o.name) for o in organisations]
        self.city_id.choices = [(0, _l("None"))] + [(c.id, c.name) for c in cities]


class RegisterForm(OrganisationFields, FlaskForm):
    username = StringField(_l("Username"), validators=[
        DataRequired(message=REQUIRED),
        Regexp(r"^[A-Za-z0-9_.-]{3,30}$", message=USERNAME_RULE),
    ])
    email = _email()
    password = _password(_l("Password"))
    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(message=REQUIRED),
                                        Length(max=120, message=TOO_LONG)])
    profession = StringField(_l("Profession"),
                             validators=[Optional(), Length(max=120, message=TOO_LONG)])
    listed = BooleanField(_l("List my profile in the members directory and in search"),
                          default=False)
    accept_privacy = BooleanField(_l("I have read the privacy notice and accept it"),
                                  validators=[DataRequired(
                                      message=_l("You must accept the privacy notice."))])
    # Honeypot: hidden from people, filled in by naive bots.
    website = StringField(_l("Leave this field empty"))


class LoginForm(FlaskForm):
    login = StringField(_l("Username or e-mail address"),
                        validators=[DataRequired(message=REQUIRED), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=REQUIRED)])
    remember = BooleanField(_l("Remember me on this device"))


class ResetRequestForm(FlaskForm):
    email = _email()


class ResetPasswordForm(FlaskForm):
    password = _password(_l("New password"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(message=REQUIRED)])
    new_password = _password(_l("New password"))


class EmailForm(FlaskForm):
    email = _email(_l("New e-mail address"))
    password = PasswordField(_l("Current password"), validators=[DataRequired(message=REQUIRED)])


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(message=REQUIRED)])


class ProfileForm(OrganisationFields, FlaskForm):
    full_name = StringField(_l("Full name"),
                            validators=[DataRequired(message=REQUIRED),
                                        Length(max=120, message=TOO_LONG)])
    profession = StringField(_l("Profession"),
                             validators=[Optional(), Length(max=120, message=TOO_LONG)])
    bio = TextAreaField(_l("About you"), validators=[
        Optional(), Length(max=4000, message=TOO_LONG)
    ])
    preferred_language = SelectField(_l("Language"), choices=[
        ("", _l("As chosen on the site")), ("it", "Italiano", {"lang": "it"}),
        ("en", "English", {"lang": "en"}),
    ])
    listed = BooleanField(_l("List my profile in the members directory and in search"))
    opendata_named = BooleanField(_l("Name me as the author of my practices in the open data"))
    on_leaderboard = BooleanField(_l("Show me on the public leaderboards"))
    avatar = FileField(_l("Picture (PNG, JPEG or WebP)"))
    remove_avatar = BooleanField(_l("Remove my picture"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=list(ROLES.items()),
                       validators=[InputRequired(message=REQUIRED)])


class ButtonForm(FlaskForm):
    """A POST with nothing but its CSRF token (sign out, resend, sign out everywhere)."""
