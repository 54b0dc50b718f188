"""Forms for discussions and posts: they parse fields, nothing more."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from forum.discussions.services import BODY_MAX, TITLE_MAX


class PostForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[DataRequired(_l("Write something before sending.")),
                    Length(max=BODY_MAX, message=_l("The text is too long."))],
        render_kw={"rows": 8},
    )
    attachments = MultipleFileField(_l("Attach files"))
    # The idempotency key: the same form sent twice posts once (forum.discussions.services).
    submission = HiddenField()
    submit = SubmitField(_l("Send reply"))
    preview = SubmitField(_l("Preview"))


class DiscussionForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the discussion a title.")),
                    Length(max=TITLE_MAX, message=_l("The title is too long."))],
    )
    body = TextAreaField(
        _l("Opening post"),
        validators=[DataRequired(_l("Write something before sending.")),
                    Length(max=BODY_MAX, message=_l("The text is too long."))],
        render_kw={"rows": 10},
    )
    attachments = MultipleFileField(_l("Attach files"))
    submission = HiddenField()
    submit = SubmitField(_l("Start the discussion"))
    preview = SubmitField(_l("Preview"))


class EditPostForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[Length(max=TITLE_MAX, message=_l("The title is too long."))],
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(_l("Write something before sending.")),
                    Length(max=BODY_MAX, message=_l("The text is too long."))],
        render_kw={"rows": 10},
    )
    attachments = MultipleFileField(_l("Attach more files"))
    submit = SubmitField(_l("Save changes"))
    preview = SubmitField(_l("Preview"))


class StateForm(FlaskForm):
    """A button-only POST that sets a flag on or off (pin, lock)."""

    state = HiddenField(validators=[AnyOf(("on", "off"))])


class ActionForm(FlaskForm):
    """A button-only POST (delete, restore): just the CSRF token."""
