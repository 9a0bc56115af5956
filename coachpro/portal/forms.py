from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from coachpro.domain.formats import LOCALE_CHOICES
from coachpro.forms import Form

VISIBILITY_CHOICES = [
    SelectChoice("me", _l("Only me")),
    SelectChoice("us", _l("Me and my partner")),
    SelectChoice("coach", _l("Me, my partner and our coach")),
]


class BookSessionForm(Form):
    start = HiddenField(validators=[DataRequired(_l("Choose a time."))])
    confirmed = HiddenField()  # "yes" once the partner has seen what booking will use


class IntakeForm(Form):
    """Answers come as `answer-<question id>`; the questions are the coach's."""

    submit = SubmitField(_l("Save my answers"))


class ActionForm(Form):
    """CSRF for a button."""


REVEAL_CHOICES = [
    SelectChoice("us", _l("The two of us")),
    SelectChoice("coach", _l("The two of us and our coach")),
]


class EntryForm(Form):
    reflection = TextAreaField(
        _l("Your reflection (optional)"), validators=[Optional(), Length(max=5000)]
    )
    rating = RadioField(
        _l("How did it go?"),
        choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
        validators=[Optional()],
    )
    visibility = RadioField(_l("Who may read this?"), choices=VISIBILITY_CHOICES)
    submit = SubmitField(_l("Mark as done"))


class PromiseForm(Form):
    promise = StringField(_l("Today's promise"), validators=[Optional(), Length(max=300)])
    visibility = RadioField(
        _l("Who may read it?"), choices=VISIBILITY_CHOICES, validators=[Optional()]
    )


SCALE = [SelectChoice(str(n), str(n)) for n in range(1, 11)]


class PulseForm(Form):
    connected = RadioField(_l("How connected did you feel this week?"), choices=SCALE)
    safe = RadioField(_l("How safe did you feel being yourself?"), choices=SCALE)
    trust = RadioField(_l("How much did you trust each other?"), choices=SCALE)
    word = StringField(
        _l("One word for the week (optional)"), validators=[Optional(), Length(max=40)]
    )
    visibility = RadioField(_l("Who may see your answers?"), choices=VISIBILITY_CHOICES)
    submit = SubmitField(_l("Save my pulse"))


class EmailChoicesForm(Form):
    hour = SelectField(
        _l("Daily homework email"),
        choices=[SelectChoice("", _l("No daily email"))]
        + [
            SelectChoice(str(h), _l("Every day at %(hour)s", hour=f"{h:02d}:00"))
            for h in range(5, 23)
        ],
    )
    encouragement = BooleanField(_l("Notes of encouragement from your coach"))
    sessions = BooleanField(_l("Session invitations and changes (they keep your calendar right)"))
    submit = SubmitField(_l("Save email choices"))


class TimezoneForm(Form):
    timezone = SelectField(_l("Your time zone"), choices=[], render_kw={"data-zone-search": ""})
    locale = SelectField(
        _l("Language and formats"),
        choices=[SelectChoice("", _l("As my browser asks"))]
        + [SelectChoice(tag, name) for tag, name in LOCALE_CHOICES],
    )
    submit = SubmitField(_l("Save"))


class MeasureStartForm(Form):
    """Before the first question: may the other partner see this partner's score?"""

    partner_may_see = RadioField(
        _l("May your partner see your score?"),
        choices=[
            SelectChoice("no", _l("No, only my coach and I see it")),
            SelectChoice("yes", _l("Yes, my partner may see my score (never my answers)")),
        ],
        default="no",
        validators=[DataRequired(_l("Choose who may see your score."))],
    )


class MeasureAnswerForm(Form):
    """One question; its choices are the item's answers, set by the view."""

    # Checked against the item's answers by the service; empty is allowed when pausing.
    answer = RadioField(validate_choice=False, coerce=int, validators=[Optional()])
    pause = SubmitField(_l("Stop here, finish later"))
    submit = SubmitField(_l("Next"))
