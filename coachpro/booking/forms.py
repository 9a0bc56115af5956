from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from coachpro.forms import Form


class ConsultForm(Form):
    start = HiddenField()
    timezone = HiddenField()
    partner_one = StringField(
        _l("Your first name"),
        validators=[DataRequired(_l("Enter your first name.")), Length(max=80)],
    )
    partner_two = StringField(
        _l("Your partner's first name"),
        validators=[DataRequired(_l("Enter your partner's first name.")), Length(max=80)],
    )
    email = EmailField(
        _l("Email for the confirmation"),
        validators=[
            DataRequired(_l("Enter an email address we can reach you at.")),
            Email(_l("That does not look like an email address.")),
            Length(max=254),
        ],
    )
    partner_email = EmailField(
        _l("Your partner's email (optional)"),
        validators=[
            Optional(),
            Email(_l("That does not look like an email address.")),
            Length(max=254),
        ],
    )
    phone = TelField(_l("Phone (optional)"), validators=[Optional(), Length(max=40)])
    package = SelectField(
        _l("Which package are you curious about?"), choices=[], validate_choice=True
    )
    message = TextAreaField(
        _l("What would you like to work on together? (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("Keep this under 2000 characters."))],
    )
    # A honeypot: hidden from people, irresistible to bots.
    website = StringField(_l("Leave this empty"), validators=[Optional()])
    submit = SubmitField(_l("Book our free consult"))

    def as_request_data(self) -> dict:
        return {
            "start": self.start.data,
            "timezone": self.timezone.data,
            "partner_names": [self.partner_one.data or "", self.partner_two.data or ""],
            "email": self.email.data,
            "partner_email": self.partner_email.data or None,
            "phone": self.phone.data or None,
            "package": self.package.data or None,
            "message": self.message.data or None,
        }

    FIELD_FOR = {
        "partner_names": "partner_one",
        "start": "start",
        "timezone": "timezone",
    }


class RescheduleForm(Form):
    start = HiddenField(validators=[DataRequired(_l("Choose a new time."))])
    confirmed = HiddenField()  # "yes" once the visitor has seen the old and the new time
    submit = SubmitField(_l("Move our consult here"))


class CancelForm(Form):
    reason = TextAreaField(
        _l("Anything you would like your coach to know? (optional)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Please keep it under 500 characters.")),
        ],
        render_kw={"rows": 3, "maxlength": 500},
    )
    submit = SubmitField(_l("Yes, cancel our consult"))
