from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coachpro.domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from coachpro.forms import Form


def new_password_field(label: str) -> PasswordField:
    """A password being chosen: the length rules every account follows, said in words."""
    return PasswordField(
        label,
        validators=[
            DataRequired("Choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"Use between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters.",
            ),
        ],
    )


class LoginForm(Form):
    email = EmailField(
        "Email", validators=[DataRequired("Enter your email address."), Length(max=254)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD_LENGTH)],
    )
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class ForgotPasswordForm(Form):
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter the email address you sign in with."),
            Email("That does not look like an email address."),
            Length(max=254),
        ],
    )
    submit = SubmitField("Email me a reset link")


def repeat_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Repeat the password."),
            EqualTo("password", "The passwords differ."),
        ],
    )


class ResetPasswordForm(Form):
    password = new_password_field("New password")
    confirm = repeat_password_field("Repeat the new password")
    submit = SubmitField("Set new password")


class ChangePasswordForm(Form):
    current = PasswordField(
        "Your current password", validators=[DataRequired("Enter your current password.")]
    )
    password = new_password_field("New password")
    confirm = repeat_password_field("Repeat the new password")
    submit = SubmitField("Change password")


class AcceptInviteForm(Form):
    password = new_password_field("Choose a password")
    confirm = repeat_password_field("Repeat it")
    submit = SubmitField("Open my portal")


class CodeForm(Form):
    code = StringField(
        "Code from your authenticator app (or a recovery code)",
        validators=[DataRequired("Enter the code."), Length(max=20)],
    )
    submit = SubmitField("Continue")


class SetupForm(Form):
    code = StringField(
        "Setup code",
        validators=[DataRequired("Enter the setup code from the server's log."), Length(max=40)],
    )
    name = StringField("Your name", validators=[DataRequired("Enter your name."), Length(max=120)])
    email = EmailField(
        "Your email",
        validators=[
            DataRequired("Enter the email address you will sign in with."),
            Email("That does not look like an email address."),
            Length(max=254),
        ],
    )
    password = new_password_field("Choose a password")
    practice_name = StringField(
        "Your practice's name",
        validators=[DataRequired("Give the practice a name."), Length(max=120)],
    )
    timezone = SelectField(
        "The practice's time zone", choices=[], render_kw={"data-zone-search": ""}
    )
    submit = SubmitField("Set up CoachPro")
