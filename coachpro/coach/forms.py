from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from coachpro.domain.availability import parse_ranges
from coachpro.services.availability import WEEKDAYS


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


class AvailabilityForm(FlaskForm):
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


class OverrideForm(FlaskForm):
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


class ActionForm(FlaskForm):
    """A button that changes something: CSRF and nothing else."""

    submit = SubmitField()


class ConvertForm(FlaskForm):
    package = SelectField("Package", choices=[])
    submit = SubmitField("Make them a client couple")


class CoachRescheduleForm(FlaskForm):
    start = HiddenField(validators=[DataRequired("Choose a new time.")])
