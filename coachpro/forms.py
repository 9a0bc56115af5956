"""The base every form of the app derives from.

Every one-line text field is cleaned with `single_line` before validation, so a name or a
subject typed with a line break, a control character or a bidi override is stored as one
clean line: no later header, page, log or CSV has to cope with it. Multi-line fields
(`TextAreaField`) keep their line breaks and lose only control characters.
"""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from coachpro.domain.text import multi_line, single_line


def _single_line(value):
    return single_line(value) if isinstance(value, str) else value


def _multi_line(value):
    return multi_line(value) if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            # Passwords are taken exactly as typed; what they contain is the person's business.
            if issubclass(field_class, TextAreaField):
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), _multi_line)
            elif issubclass(field_class, StringField) and not issubclass(
                field_class, PasswordField
            ):
                options["filters"] = (*unbound_field.kwargs.get("filters", ()), _single_line)
            return unbound_field.bind(form=form, **options)
