"""A change refused for reasons that belong to particular fields of the form that asked."""

from flask_babel import gettext as _


class FieldProblems(ValueError):
    """`problems`: field name → what is wrong with it, in words for the person who typed it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(_("Please correct the highlighted fields."))
        self.problems = problems
