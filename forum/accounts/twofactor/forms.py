"""The forms of two-factor sign-in: a code, a re-authentication, a bare button."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Enter the code.")),
                                               Length(max=20)])


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("This field is required.")), Length(max=200)])
    code = StringField(_l("Code from your app, or a recovery code"),
                       validators=[Optional(), Length(max=20)])


class ButtonForm(FlaskForm):
    pass


