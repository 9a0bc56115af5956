"""Forms for the coach's questionnaires: uploading one, its reliable-change figures, and when
it is asked."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from coachpro.forms import Form


class InstrumentUploadForm(Form):
    document = FileField(_l("Questionnaire file (JSON, in the documented format)"))


class ChangeFiguresForm(Form):
    sd = DecimalField(_l("Standard deviation"), places=None, validators=[Optional()])
    reliability = DecimalField(
        _l("Reliability (for example 0.9)"), places=None, validators=[Optional()]
    )
    critical = DecimalField(
        _l("Or a published reliable-change threshold, in points"),
        places=None,
        validators=[Optional()],
    )
    source = StringField(_l("Where the figures come from"), validators=[Optional()])
    gap = DecimalField(
        _l("Gap between partners that counts as drifting apart, in points"),
        places=None,
        validators=[Optional()],
    )


class ScheduleForm(Form):
    """When to ask an instrument of a package's couples or of one couple."""

    instrument = SelectField(_l("Questionnaire"), coerce=int)
    package = SelectField(_l("Package"), coerce=int, validate_choice=False)
    at_intake = BooleanField(_l("At the start"), default=True)
    every_weeks = IntegerField(
        _l("Every how many weeks (empty: not repeated)"),
        validators=[Optional(), NumberRange(1, 52, _l("From 1 to 52 weeks."))],
    )
    at_end = BooleanField(_l("When the package is completed"), default=True)


class AskNowForm(Form):
    instrument = SelectField(_l("Questionnaire"), coerce=int)
