from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, MultipleFileField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from coachpro.forms import Form
from coachpro.models.messages import MAX_MESSAGE_CHARS


class MessageForm(Form):
    body = TextAreaField(_l("Your message"), render_kw={"rows": 4, "maxlength": MAX_MESSAGE_CHARS})
    files = MultipleFileField(
        _l("Photos or PDFs (optional)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/gif,application/pdf"},
    )
    submit = SubmitField(_l("Send"))


class EditMessageForm(Form):
    body = TextAreaField(_l("Your message"), render_kw={"rows": 4, "maxlength": MAX_MESSAGE_CHARS})
    submit = SubmitField(_l("Save the change"))


class AcceptPolicyForm(Form):
    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("I have read it and I accept"))
