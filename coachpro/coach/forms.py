from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
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
from coachpro.i18n import explain
from coachpro.status_labels import LABELS as STATUS_LABELS


def _ranges(form, field) -> None:
    try:
        field.ranges = parse_ranges(field.data or "")
    except ValueError as exc:
        field.ranges = []
        raise ValidationError(explain(exc)) from None


def _minutes(label: str, low: int, high: int, message: str | None = None) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Enter a number.")),
            NumberRange(
                low,
                high,
                message or _l("Use a number from %(low)s to %(high)s.", low=low, high=high),
            ),
        ],
    )


# The week's days as the coach reads them (the stored rules number them 0-6 from Monday).
WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


class AvailabilityForm(Form):
    consult_minutes = _minutes(_l("Consult length (minutes)"), 10, 240)
    step_minutes = _minutes(_l("Offer a start time every (minutes)"), 5, 240)
    buffer_before_minutes = _minutes(_l("Free time before each consult (minutes)"), 0, 240)
    buffer_after_minutes = _minutes(_l("Free time after each consult (minutes)"), 0, 240)
    min_notice_hours = _minutes(_l("Minimum notice (hours)"), 0, 720)
    horizon_days = _minutes(_l("Bookable this many days ahead"), 1, 365)
    max_per_day = IntegerField(
        _l("At most this many consults a day (empty: no limit)"),
        validators=[
            Optional(),
            NumberRange(1, 50, _l("Use a number from %(low)s to %(high)s.", low=1, high=50)),
        ],
    )
    reminder_hours = _minutes(_l("Send a reminder this many hours before"), 1, 168)
    session_notice_hours = _minutes(
        _l("Couples may move or cancel a session online until this many hours before"), 0, 168
    )
    second_reminder_hours = IntegerField(
        _l("And again this many hours before (optional)"),
        validators=[Optional(), NumberRange(1, 167, _l("Use a number from %(low)s to %(high)s.",
                                                       low=1, high=167))],
    )  # fmt: skip
    hours_0 = StringField(WEEKDAYS[0], validators=[Length(max=200), _ranges])
    hours_1 = StringField(WEEKDAYS[1], validators=[Length(max=200), _ranges])
    hours_2 = StringField(WEEKDAYS[2], validators=[Length(max=200), _ranges])
    hours_3 = StringField(WEEKDAYS[3], validators=[Length(max=200), _ranges])
    hours_4 = StringField(WEEKDAYS[4], validators=[Length(max=200), _ranges])
    hours_5 = StringField(WEEKDAYS[5], validators=[Length(max=200), _ranges])
    hours_6 = StringField(WEEKDAYS[6], validators=[Length(max=200), _ranges])
    submit = SubmitField(_l("Save availability"))

    def weekday_fields(self):
        return [getattr(self, f"hours_{d}") for d in range(7)]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        second, first = self.second_reminder_hours.data, self.reminder_hours.data
        if second is not None and second >= first:
            self.second_reminder_hours.errors.append(
                str(_l("Make the second reminder closer to the time than the first."))
            )
            return False
        return True


class OverrideForm(Form):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose a date."))])
    closed = BooleanField(_l("Closed all day"))
    hours = StringField(_l("Or open only these hours"), validators=[Length(max=200), _ranges])
    note = StringField(_l("Note for yourself (optional)"), validators=[Length(max=200)])
    submit = SubmitField(_l("Save this date"))

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.closed.data and not self.hours.ranges:
            self.hours.errors.append(
                str(_l("Tick 'closed all day' or enter the hours for this date."))
            )
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
    package = SelectField(_l("Package"), choices=[])
    submit = SubmitField(_l("Make them a client couple"))


class CoachRescheduleForm(Form):
    start = HiddenField(validators=[DataRequired(_l("Choose a new time."))])


class PackageForm(Form):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the package a name.")), Length(max=120)]
    )
    audience = StringField(
        _l("Who it is for"), validators=[DataRequired(_l("Say who it is for.")), Length(max=300)]
    )
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(_l("Describe the package.")), Length(max=4000)]
    )
    price = StringField(_l("Price"), validators=[DataRequired(_l("Enter a price, e.g. 1,200.00"))])
    currency = SelectField(
        _l("Currency"),
        choices=[SelectChoice(code) for code in CURRENCIES],
    )
    sessions_included = IntegerField(
        _l("Coaching sessions included"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(1, 100, "Use 1 to 100.")],
    )
    session_minutes = IntegerField(
        _l("Minutes per session"),
        validators=[InputRequired(_l("Enter a number.")), NumberRange(15, 480, "Use 15 to 480.")],
    )
    active = BooleanField(_l("Offered to new couples (shown on the public page)"))
    submit = SubmitField(_l("Save package"))


PARTNER_FIELDS = ("first_name", "last_name", "email", "phone", "pronouns")


class CoupleForm(Form):
    partner1_first_name = StringField(_l("First name"), validators=[Length(max=80)])
    partner1_last_name = StringField(_l("Last name"), validators=[Length(max=80)])
    partner1_email = EmailField(_l("Email"), validators=[Length(max=254)])
    partner1_phone = TelField(_l("Phone (optional)"), validators=[Length(max=40)])
    partner1_pronouns = StringField(_l("Pronouns (optional)"), validators=[Length(max=40)])
    partner2_first_name = StringField(_l("First name"), validators=[Length(max=80)])
    partner2_last_name = StringField(_l("Last name"), validators=[Length(max=80)])
    partner2_email = EmailField(_l("Email"), validators=[Length(max=254)])
    partner2_phone = TelField(_l("Phone (optional)"), validators=[Length(max=40)])
    partner2_pronouns = StringField(_l("Pronouns (optional)"), validators=[Length(max=40)])
    timezone = SelectField(_l("Their time zone"), choices=[], render_kw={"data-zone-search": ""})
    source = StringField(_l("How they found you (optional)"), validators=[Length(max=200)])
    submit = SubmitField(_l("Save couple"))

    def partner_fields(self, n: int):
        return [getattr(self, f"partner{n}_{name}") for name in PARTNER_FIELDS]


class StatusForm(Form):
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(s, STATUS_LABELS[s])
            for s in ("lead", "active", "paused", "completed", "archived")
        ],
    )
    submit = SubmitField(_l("Change status"))


class EnrollForm(Form):
    package = SelectField(_l("Package"), choices=[], validate_choice=True)
    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Choose a start date."))])
    submit = SubmitField(_l("Enroll"))


class NoteForm(Form):
    body = TextAreaField(
        _l("Private note"),
        validators=[DataRequired(_l("Write something first.")), Length(max=10000)],
    )
    submit = SubmitField(_l("Save note"))


class SessionForm(Form):
    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose a date."))])
    time = StringField(
        _l("Time (your time zone)"),
        validators=[DataRequired(_l("Enter a time, like 7pm or 19:00."))],
        render_kw={"list": "session-times", "autocomplete": "off", "inputmode": "text"},
    )
    location = StringField(_l("Video link or place (optional)"), validators=[Length(max=300)])
    repeat = IntegerField(
        _l("Sessions in all, one a week at this time (optional)"),
        validators=[Optional(), NumberRange(1, 52, _l("Use a number from %(low)s to %(high)s.",
                                                      low=1, high=52))],
    )  # fmt: skip
    confirmed = HiddenField()  # "yes" once the coach has seen the warnings about this time
    # Only asked on the fall-back night, when the time happens twice: which one is meant.
    occurrence = RadioField(
        _l("That time happens twice that night. Which one?"),
        choices=[SelectChoice("0", _l("The first")), SelectChoice("1", _l("The second"))],
        validators=[Optional()],
        validate_choice=False,
    )
    submit = SubmitField(_l("Schedule session"))


class SessionNotesForm(Form):
    notes = TextAreaField(_l("Session notes (only you see these)"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Save notes"))


class EraseForm(Form):
    confirmation = StringField(
        _l("Type the couple's names to confirm"), validators=[DataRequired(_l("Type their names."))]
    )
    submit = SubmitField(_l("Erase this couple for good"))


class EraseProspectForm(Form):
    submit = SubmitField(_l("Erase this consult for good"))


KIND_CHOICES = [
    SelectChoice("reflection", _l("Reflection")),
    SelectChoice("checklist", _l("Checklist (the numbered or bulleted steps)")),
    SelectChoice("gratitude", _l("Gratitude log")),
    SelectChoice("promise", _l("Promise tracker")),
    SelectChoice("jar", _l("Vulnerability jar")),
    SelectChoice("timer", _l("Timer (length = duration)")),
    SelectChoice("milestone", _l("Milestone")),
    SelectChoice("reveal", _l("Answer, then reveal (each answers alone; both see both)")),
]
VISIBILITY_CHOICES = [
    SelectChoice("me", _l("Only the partner who writes it")),
    SelectChoice("us", _l("Both partners")),
    SelectChoice("coach", _l("Both partners and you")),
]


class ExerciseForm(Form):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give it a title.")), Length(max=120)]
    )
    theme = StringField(_l("Theme"), validators=[DataRequired(_l("Name a theme.")), Length(max=80)])
    summary = StringField(
        _l("Summary"), validators=[DataRequired(_l("Sum it up.")), Length(max=300)]
    )
    instructions = TextAreaField(
        _l("Instructions"),
        validators=[DataRequired(_l("Write the steps.")), Length(max=8000)],
    )
    why = TextAreaField(
        _l("Why it matters"), validators=[DataRequired(_l("Say why.")), Length(max=4000)]
    )
    default_cadence = SelectField(
        _l("Usual cadence"),
        choices=[SelectChoice(c, STATUS_LABELS[c]) for c in ("daily", "weekly", "monthly", "any")],
    )
    mode = SelectField(
        _l("Who does it"),
        choices=[
            SelectChoice("each", _l("Each partner")),
            SelectChoice("together", _l("Together")),
        ],
    )
    duration_minutes = IntegerField(
        _l("Minutes"),
        validators=[
            InputRequired(_l("Enter a number.")),
            NumberRange(1, 240, _l("Use a number from %(low)s to %(high)s.", low=1, high=240)),
        ],
    )
    kind = SelectField(_l("Interactive kind"), choices=KIND_CHOICES)
    default_visibility = SelectField(_l("Reflections readable by"), choices=VISIBILITY_CHOICES)
    submit = SubmitField(_l("Save exercise"))


WEEKDAY_CHOICES = [
    SelectChoice(str(i), name)
    for i, name in enumerate(
        (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))
    )
]


class AssignForm(Form):
    exercise = SelectField(_l("Exercise"), choices=[])
    cadence = SelectField(
        _l("How often"),
        choices=[
            SelectChoice("daily", _l("Every day")),
            SelectChoice("weekly", _l("Weekly, on chosen days")),
            SelectChoice("once", _l("Once")),
        ],
    )
    weekdays = SelectMultipleField(_l("On these days (weekly)"), choices=WEEKDAY_CHOICES)
    start_date = DateField(_l("Starting"), validators=[DataRequired(_l("Choose a start date."))])
    end_date = DateField(_l("Until (optional)"), validators=[Optional()])
    occurrences_limit = IntegerField(
        _l("Or this many times (optional)"),
        validators=[
            Optional(),
            NumberRange(1, 365, _l("Use a number from %(low)s to %(high)s.", low=1, high=365)),
        ],
    )
    mode = SelectField(
        _l("Who does it"),
        choices=[
            SelectChoice("each", _l("Each partner")),
            SelectChoice("together", _l("Together")),
        ],
    )
    visibility = SelectField(_l("Reflections readable by (default)"), choices=VISIBILITY_CHOICES)
    note = TextAreaField(_l("A personal note (optional)"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Assign"))


class CommentForm(Form):
    body = TextAreaField(
        _l("Send encouragement"),
        validators=[DataRequired(_l("Write a few words.")), Length(max=4000)],
    )
    submit = SubmitField(_l("Send to both"))


class MilestoneForm(Form):
    title = StringField(_l("Milestone"), validators=[DataRequired(_l("Name it.")), Length(max=200)])
    reached_on = DateField(_l("Reached on"), validators=[DataRequired(_l("Choose the date."))])
    submit = SubmitField(_l("Add milestone"))


class ManualPaymentForm(Form):
    amount = StringField(_l("Amount"), validators=[DataRequired(_l("Enter the amount received."))])
    method = SelectField(
        _l("How"),
        choices=[
            SelectChoice("bank_transfer", _l("Bank transfer")),
            SelectChoice("cash", _l("Cash")),
        ],
    )
    paid_on = DateField(_l("Received on"), validators=[DataRequired(_l("Choose the date."))])
    note = StringField(_l("Note (optional)"), validators=[Length(max=300)])
    # Set by the confirmation page when the coach agrees to record more than is due.
    credit_confirmed = HiddenField()
    submit = SubmitField(_l("Record payment"))


class RefundForm(Form):
    amount = StringField(_l("Amount to refund"), validators=[DataRequired(_l("Enter an amount."))])


class PracticeForm(Form):
    name = StringField(
        _l("Practice name"),
        validators=[DataRequired(_l("Give the practice a name.")), Length(max=120)],
    )
    tagline = StringField(_l("Tagline"), validators=[Optional(), Length(max=200)])
    timezone = SelectField(
        _l("The practice's time zone"), choices=[], render_kw={"data-zone-search": ""}
    )
    default_locale = SelectField(
        _l("Language and formats for everyone else"),
        choices=[SelectChoice(tag, name) for tag, name in LOCALE_CHOICES],
    )
    currency = SelectField(_l("Currency"), choices=[SelectChoice(code) for code in CURRENCIES])
    contact_email = EmailField(
        _l("Contact email"),
        validators=[Optional(), Email(_l("Enter an email address.")), Length(max=254)],
    )
    reply_to = EmailField(
        _l("Replies to emails go to"),
        validators=[Optional(), Email(_l("Enter an email address.")), Length(max=254)],
    )
    sender_name = StringField(_l("Sender name on emails"), validators=[Optional(), Length(max=120)])
    bank_transfer_instructions = TextAreaField(
        _l("Bank-transfer details"), validators=[Optional(), Length(max=2000)]
    )
    cards_offered = BooleanField(_l("Offer card payments"))
    accent_color = StringField(_l("Accent colour"), validators=[Optional(), Length(max=7)])
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the logo"))
    prospect_retention_months = IntegerField(
        _l("Delete consults that never became couples after (months)"),
        validators=[
            InputRequired(_l("Enter a number of months.")),
            NumberRange(1, 120, _l("Use a number from %(low)s to %(high)s.", low=1, high=120)),
        ],
    )
    sent_email_retention_days = IntegerField(
        _l("Delete sent emails after (days)"),
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(7, 3650, _l("Use a number from %(low)s to %(high)s.", low=7, high=3650)),
        ],
    )
    video_mode = RadioField(
        _l("How appointments meet"),
        choices=[
            SelectChoice("none", _l("No link: I send it myself, or we meet in person")),
            SelectChoice("fixed", _l("The same link for every appointment")),
            SelectChoice("jitsi", _l("A private Jitsi room for each appointment")),
        ],
        default="none",
    )
    video_link = StringField(
        _l("Your meeting link"),
        validators=[Optional(), Length(max=300)],
        render_kw={"inputmode": "url"},
    )
    jitsi_host = StringField(_l("Jitsi server"), validators=[Optional(), Length(max=253)])
    submit = SubmitField(_l("Save settings"))


class EmailTemplateForm(Form):
    subject = StringField(
        _l("Subject"), validators=[DataRequired(_l("Write a subject.")), Length(max=200)]
    )
    body = TextAreaField(
        _l("Email"),
        validators=[DataRequired(_l("Write the email.")), Length(max=10_000)],
        render_kw={"rows": 14},
    )
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save this email"))


class SubscriptionForm(Form):
    """An iCalendar subscription address (read-only busy time)."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    url = StringField(
        _l("Subscription address"),
        validators=[
            DataRequired(_l("Paste the calendar's address.")),
            Length(max=1000, message=_l("That address is too long.")),
        ],
    )
    submit = SubmitField(_l("Add the subscription"))


class CalDavForm(Form):
    """A CalDAV calendar: read, and written to when the coach ticks it."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    url = StringField(
        _l("Calendar address"),
        validators=[
            DataRequired(_l("Enter the calendar's CalDAV address.")),
            Length(max=1000, message=_l("That address is too long.")),
        ],
    )
    username = StringField(
        _l("User name"),
        validators=[DataRequired(_l("Enter the user name.")), Length(max=200)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter the password.")), Length(max=500)],
    )
    writes = BooleanField(_l("Put my CoachPro consults and sessions in this calendar"))
    submit = SubmitField(_l("Connect the calendar"))


class SecretsPolicyForm(Form):
    body = TextAreaField(_l("Your policy, in your words"), render_kw={"rows": 8, "maxlength": 4000})
    submit = SubmitField(_l("Save the policy"))
