"""The base every form of the app derives from.

Every one-line text field is cleaned with `single_line` before validation, so a name or a
subject typed with a line break, a control character or a bidi override is stored as one
clean line: no later header, page, log or CSV has to cope with it. Multi-line fields
(`TextAreaField`) keep their line breaks and lose only control characters. Every date field
refuses dates outside 1900-2200 (domain/calendar_bounds) with a message.
"""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField, SubmitField, TelField, TextAreaField
from wtforms.validators import Length, StopValidation

from coachpro.domain.calendar_bounds import OUT_OF_RANGE, in_range
from coachpro.domain.text import multi_line, single_line


def _single_line(value):
    return single_line(value) if isinstance(value, str) else value


def _multi_line(value):
    return multi_line(value) if isinstance(value, str) else value


def _date_in_range(form, field) -> None:
    # Year 1 or 9999 parses, then overflows the moment a zone or a day is added to it.
    if field.data is not None and not in_range(field.data):
        raise StopValidation(gettext(OUT_OF_RANGE))


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, DateField):
                validators = (*unbound_field.kwargs.get("validators", ()), _date_in_range)
                options["validators"] = validators
            # Passwords are taken exactly as typed; what they contain is the person's business.
            if issubclass(field_class, TextAreaField):
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), _multi_line)
            elif issubclass(field_class, StringField) and not issubclass(
                field_class, PasswordField
            ):
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), _single_line)
            return unbound_field.bind(form=form, **options)

    # A service's names for its fields, where they differ from the form's.
    FIELD_FOR: dict[str, str] = {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Messages marked for translation arrive as lazy strings, which Jinja would print
        # unescaped (they claim to be HTML): make them plain text, translated now.
        for field in self:
            field.errors = [str(error) for error in field.errors]
        self.form_errors = [str(error) for error in self.form_errors]  # type: ignore[has-type]
        return valid

    def show_errors(self, fields: dict[str, str]) -> None:
        """Put a service's per-field messages (e.g. FieldProblems) next to the inputs."""
        for name, message in fields.items():
            field = getattr(self, self.FIELD_FOR.get(name, name), None)
            if field is not None:
                field.errors = [*field.errors, message]


class TextNumberForm(Form):
    """A mobile number for text reminders; the code that confirms it is asked next."""

    number = TelField(
        _l("Mobile number"),
        validators=[Length(max=40, message=_l("That is too long for a phone number."))],
    )
    submit = SubmitField(_l("Text me a code"))


class TextCodeForm(Form):
    code = StringField(
        _l("The code we texted you"),
        validators=[Length(max=12, message=_l("The code has six digits."))],
    )
    submit = SubmitField(_l("Turn text reminders on"))
