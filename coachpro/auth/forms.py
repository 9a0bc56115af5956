from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coachpro.domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from coachpro.forms import Form


def new_password_field(label: str) -> PasswordField:
    """A password being chosen: the length rules every account follows, said in words."""
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Use between %(least)s and %(most)s characters.",
                    least=MIN_PASSWORD_LENGTH,
                    most=MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
    )


class LoginForm(Form):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_PASSWORD_LENGTH)],
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter the email address you sign in with.")),
            Email(_l("That does not look like an email address.")),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Email me a reset link"))


def repeat_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords differ.")),
        ],
    )


class ResetPasswordForm(Form):
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Your current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    password = new_password_field(_l("New password"))
    confirm = repeat_password_field(_l("Repeat the new password"))
    submit = SubmitField(_l("Change password"))


class AcceptInviteForm(Form):
    password = new_password_field(_l("Choose a password"))
    confirm = repeat_password_field(_l("Repeat it"))
    submit = SubmitField(_l("Open my portal"))


class CodeForm(Form):
    code = StringField(
        _l("Code from your authenticator app (or a recovery code)"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
    )
    submit = SubmitField(_l("Continue"))


class SetupForm(Form):
    code = StringField(
        _l("Setup code"),
        validators=[
            DataRequired(_l("Enter the setup code from the server's log.")),
            Length(max=40),
        ],
    )
    name = StringField(
        _l("Your name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)]
    )
    email = EmailField(
        _l("Your email"),
        validators=[
            DataRequired(_l("Enter the email address you will sign in with.")),
            Email(_l("That does not look like an email address.")),
            Length(max=254),
        ],
    )
    password = new_password_field(_l("Choose a password"))
    practice_name = StringField(
        _l("Your practice's name"),
        validators=[DataRequired(_l("Give the practice a name.")), Length(max=120)],
    )
    timezone = SelectField(
        _l("The practice's time zone"), choices=[], render_kw={"data-zone-search": ""}
    )
    submit = SubmitField(_l("Set up CoachPro"))
