from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from coachpro.domain.availability import parse_ranges
from coachpro.domain.formats import LOCALE_CHOICES
from coachpro.domain.money import CURRENCIES
from coachpro.forms import Form
from coachpro.services.working_hours import WEEKDAYS


def _ranges(form, field) -> None:
    try:
        field.ranges = parse_ranges(field.data or "")
    except ValueError as exc:
        field.ranges = []
        raise ValidationError(str(exc)) from None


def _minutes(label: str, low: int, high: int, message: str | None = None) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired("Enter a number."),
            NumberRange(low, high, message or f"Use a number from {low} to {high}."),
        ],
    )


class AvailabilityForm(Form):
    consult_minutes = _minutes("Consult length (minutes)", 10, 240)
    step_minutes = _minutes("Offer a start time every (minutes)", 5, 240)
    buffer_before_minutes = _minutes("Free time before each consult (minutes)", 0, 240)
    buffer_after_minutes = _minutes("Free time after each consult (minutes)", 0, 240)
    min_notice_hours = _minutes("Minimum notice (hours)", 0, 720)
    horizon_days = _minutes("Bookable this many days ahead", 1, 365)
    max_per_day = IntegerField(
        "At most this many consults a day (empty: no limit)",
        validators=[Optional(), NumberRange(1, 50, "Use a number from 1 to 50.")],
    )
    reminder_hours = _minutes("Send a reminder this many hours before", 1, 168)
    hours_0 = StringField(WEEKDAYS[0], validators=[Length(max=200), _ranges])
    hours_1 = StringField(WEEKDAYS[1], validators=[Length(max=200), _ranges])
    hours_2 = StringField(WEEKDAYS[2], validators=[Length(max=200), _ranges])
    hours_3 = StringField(WEEKDAYS[3], validators=[Length(max=200), _ranges])
    hours_4 = StringField(WEEKDAYS[4], validators=[Length(max=200), _ranges])
    hours_5 = StringField(WEEKDAYS[5], validators=[Length(max=200), _ranges])
    hours_6 = StringField(WEEKDAYS[6], validators=[Length(max=200), _ranges])
    submit = SubmitField("Save availability")

    def weekday_fields(self):
        return [getattr(self, f"hours_{d}") for d in range(7)]


class OverrideForm(Form):
    day = DateField("Date", validators=[DataRequired("Choose a date.")])
    closed = BooleanField("Closed all day")
    hours = StringField("Or open only these hours", validators=[Length(max=200), _ranges])
    note = StringField("Note for yourself (optional)", validators=[Length(max=200)])
    submit = SubmitField("Save this date")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.closed.data and not self.hours.ranges:
            self.hours.errors.append("Tick 'closed all day' or enter the hours for this date.")
            return False
        return True


class ActionForm(Form):
    """A button that changes something: CSRF and nothing else."""

    submit = SubmitField()


class LanguageForm(Form):
    """The coach's own language and formats (None: as the browser asks)."""

    locale = SelectField(
        _l("Language and formats"),
        choices=[SelectChoice("", _l("As my browser asks"))]
        + [SelectChoice(tag, name) for tag, name in LOCALE_CHOICES],
    )
    submit = SubmitField(_l("Save"))


class ConvertForm(Form):
    package = SelectField("Package", choices=[])
    submit = SubmitField("Make them a client couple")


class CoachRescheduleForm(Form):
    start = HiddenField(validators=[DataRequired("Choose a new time.")])


class PackageForm(Form):
    name = StringField(
        "Name", validators=[DataRequired("Give the package a name."), Length(max=120)]
    )
    audience = StringField(
        "Who it is for", validators=[DataRequired("Say who it is for."), Length(max=300)]
    )
    description = TextAreaField(
        "Description", validators=[DataRequired("Describe the package."), Length(max=4000)]
    )
    price = StringField("Price", validators=[DataRequired("Enter a price, e.g. 1,200.00")])
    currency = SelectField(
        "Currency",
        choices=[SelectChoice(code) for code in CURRENCIES],
    )
    sessions_included = IntegerField(
        "Coaching sessions included",
        validators=[InputRequired("Enter a number."), NumberRange(1, 100, "Use 1 to 100.")],
    )
    session_minutes = IntegerField(
        "Minutes per session",
        validators=[InputRequired("Enter a number."), NumberRange(15, 480, "Use 15 to 480.")],
    )
    active = BooleanField("Offered to new couples (shown on the public page)")
    submit = SubmitField("Save package")


PARTNER_FIELDS = ("first_name", "last_name", "email", "phone", "pronouns")


class CoupleForm(Form):
    partner1_first_name = StringField("First name", validators=[Length(max=80)])
    partner1_last_name = StringField("Last name", validators=[Length(max=80)])
    partner1_email = EmailField("Email", validators=[Length(max=254)])
    partner1_phone = TelField("Phone (optional)", validators=[Length(max=40)])
    partner1_pronouns = StringField("Pronouns (optional)", validators=[Length(max=40)])
    partner2_first_name = StringField("First name", validators=[Length(max=80)])
    partner2_last_name = StringField("Last name", validators=[Length(max=80)])
    partner2_email = EmailField("Email", validators=[Length(max=254)])
    partner2_phone = TelField("Phone (optional)", validators=[Length(max=40)])
    partner2_pronouns = StringField("Pronouns (optional)", validators=[Length(max=40)])
    timezone = SelectField("Their time zone", choices=[], render_kw={"data-zone-search": ""})
    source = StringField("How they found you (optional)", validators=[Length(max=200)])
    submit = SubmitField("Save couple")

    def partner_fields(self, n: int):
        return [getattr(self, f"partner{n}_{name}") for name in PARTNER_FIELDS]


class StatusForm(Form):
    status = SelectField(
        "Status",
        choices=[
            SelectChoice(s, s.capitalize())
            for s in ("lead", "active", "paused", "completed", "archived")
        ],
    )
    submit = SubmitField("Change status")


class EnrollForm(Form):
    package = SelectField("Package", choices=[], validate_choice=True)
    start_date = DateField("Start date", validators=[DataRequired("Choose a start date.")])
    submit = SubmitField("Enroll")


class NoteForm(Form):
    body = TextAreaField(
        "Private note",
        validators=[DataRequired("Write something first."), Length(max=10000)],
    )
    submit = SubmitField("Save note")


class SessionForm(Form):
    day = DateField("Date", validators=[DataRequired("Choose a date.")])
    time = StringField(
        "Time (your time zone)",
        validators=[DataRequired("Enter a time, like 7pm or 19:00.")],
        render_kw={"list": "session-times", "autocomplete": "off", "inputmode": "text"},
    )
    location = StringField("Video link or place (optional)", validators=[Length(max=300)])
    confirmed = HiddenField()  # "yes" once the coach has seen the warnings about this time
    # Only asked on the fall-back night, when the time happens twice: which one is meant.
    occurrence = RadioField(
        "That time happens twice that night. Which one?",
        choices=[SelectChoice("0", "The first"), SelectChoice("1", "The second")],
        validators=[Optional()],
        validate_choice=False,
    )
    submit = SubmitField("Schedule session")


class SessionNotesForm(Form):
    notes = TextAreaField("Session notes (only you see these)", validators=[Length(max=10000)])
    submit = SubmitField("Save notes")


class EraseForm(Form):
    confirmation = StringField(
        "Type the couple's names to confirm", validators=[DataRequired("Type their names.")]
    )
    submit = SubmitField("Erase this couple for good")


class EraseProspectForm(Form):
    submit = SubmitField("Erase this consult for good")


KIND_CHOICES = [
    SelectChoice("reflection", "Reflection"),
    SelectChoice("checklist", "Checklist (the numbered or bulleted steps)"),
    SelectChoice("gratitude", "Gratitude log"),
    SelectChoice("promise", "Promise tracker"),
    SelectChoice("jar", "Vulnerability jar"),
    SelectChoice("timer", "Timer (length = duration)"),
    SelectChoice("milestone", "Milestone"),
]
VISIBILITY_CHOICES = [
    SelectChoice("me", "Only the partner who writes it"),
    SelectChoice("us", "Both partners"),
    SelectChoice("coach", "Both partners and you"),
]


class ExerciseForm(Form):
    title = StringField("Title", validators=[DataRequired("Give it a title."), Length(max=120)])
    theme = StringField("Theme", validators=[DataRequired("Name a theme."), Length(max=80)])
    summary = StringField("Summary", validators=[DataRequired("Sum it up."), Length(max=300)])
    instructions = TextAreaField(
        "Instructions",
        validators=[DataRequired("Write the steps."), Length(max=8000)],
    )
    why = TextAreaField("Why it matters", validators=[DataRequired("Say why."), Length(max=4000)])
    default_cadence = SelectField(
        "Usual cadence",
        choices=[SelectChoice(c, c.capitalize()) for c in ("daily", "weekly", "monthly", "any")],
    )
    mode = SelectField(
        "Who does it",
        choices=[SelectChoice("each", "Each partner"), SelectChoice("together", "Together")],
    )
    duration_minutes = IntegerField(
        "Minutes", validators=[InputRequired("Enter a number."), NumberRange(1, 240, "1 to 240.")]
    )
    kind = SelectField("Interactive kind", choices=KIND_CHOICES)
    default_visibility = SelectField("Reflections readable by", choices=VISIBILITY_CHOICES)
    submit = SubmitField("Save exercise")


WEEKDAY_CHOICES = [
    SelectChoice(str(i), name)
    for i, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
]


class AssignForm(Form):
    exercise = SelectField("Exercise", choices=[])
    cadence = SelectField(
        "How often",
        choices=[
            SelectChoice("daily", "Every day"),
            SelectChoice("weekly", "Weekly, on chosen days"),
            SelectChoice("once", "Once"),
        ],
    )
    weekdays = SelectMultipleField("On these days (weekly)", choices=WEEKDAY_CHOICES)
    start_date = DateField("Starting", validators=[DataRequired("Choose a start date.")])
    end_date = DateField("Until (optional)", validators=[Optional()])
    occurrences_limit = IntegerField(
        "Or this many times (optional)", validators=[Optional(), NumberRange(1, 365, "1 to 365.")]
    )
    mode = SelectField(
        "Who does it",
        choices=[SelectChoice("each", "Each partner"), SelectChoice("together", "Together")],
    )
    visibility = SelectField("Reflections readable by (default)", choices=VISIBILITY_CHOICES)
    note = TextAreaField("A personal note (optional)", validators=[Length(max=2000)])
    submit = SubmitField("Assign")


class CommentForm(Form):
    body = TextAreaField(
        "Send encouragement", validators=[DataRequired("Write a few words."), Length(max=4000)]
    )
    submit = SubmitField("Send to both")


class MilestoneForm(Form):
    title = StringField("Milestone", validators=[DataRequired("Name it."), Length(max=200)])
    reached_on = DateField("Reached on", validators=[DataRequired("Choose the date.")])
    submit = SubmitField("Add milestone")


class ManualPaymentForm(Form):
    amount = StringField("Amount", validators=[DataRequired("Enter the amount received.")])
    method = SelectField(
        "How",
        choices=[SelectChoice("bank_transfer", "Bank transfer"), SelectChoice("cash", "Cash")],
    )
    paid_on = DateField("Received on", validators=[DataRequired("Choose the date.")])
    note = StringField("Note (optional)", validators=[Length(max=300)])
    # Set by the confirmation page when the coach agrees to record more than is due.
    credit_confirmed = HiddenField()
    submit = SubmitField("Record payment")


class RefundForm(Form):
    amount = StringField("Amount to refund", validators=[DataRequired("Enter an amount.")])


class PracticeForm(Form):
    name = StringField(
        "Practice name",
        validators=[DataRequired("Give the practice a name."), Length(max=120)],
    )
    tagline = StringField("Tagline", validators=[Optional(), Length(max=200)])
    timezone = SelectField(
        "The practice's time zone", choices=[], render_kw={"data-zone-search": ""}
    )
    default_locale = SelectField(
        "Language and formats for everyone else",
        choices=[SelectChoice(tag, name) for tag, name in LOCALE_CHOICES],
    )
    currency = SelectField("Currency", choices=[SelectChoice(code) for code in CURRENCIES])
    contact_email = EmailField(
        "Contact email", validators=[Optional(), Email("Enter an email address."), Length(max=254)]
    )
    reply_to = EmailField(
        "Replies to emails go to",
        validators=[Optional(), Email("Enter an email address."), Length(max=254)],
    )
    sender_name = StringField("Sender name on emails", validators=[Optional(), Length(max=120)])
    bank_transfer_instructions = TextAreaField(
        "Bank-transfer details", validators=[Optional(), Length(max=2000)]
    )
    cards_offered = BooleanField("Offer card payments")
    accent_color = StringField("Accent colour", validators=[Optional(), Length(max=7)])
    logo = FileField("Logo")
    remove_logo = BooleanField("Remove the logo")
    prospect_retention_months = IntegerField(
        "Delete consults that never became couples after (months)",
        validators=[
            InputRequired("Enter a number of months."),
            NumberRange(1, 120, "Use 1 to 120."),
        ],
    )
    sent_email_retention_days = IntegerField(
        "Delete sent emails after (days)",
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(7, 3650, "Use 7 to 3650."),
        ],
    )
    submit = SubmitField("Save settings")


class EmailTemplateForm(Form):
    subject = StringField("Subject", validators=[DataRequired("Write a subject."), Length(max=200)])
    body = TextAreaField(
        "Email",
        validators=[DataRequired("Write the email."), Length(max=10_000)],
        render_kw={"rows": 14},
    )
    preview = SubmitField("Preview")
    save = SubmitField("Save this email")
