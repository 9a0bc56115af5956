"""A change refused for reasons that belong to particular fields of the form that asked."""


class FieldProblems(ValueError):
    """`problems`: field name → what is wrong with it, in words for the person who typed it."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("Please correct the highlighted fields.")
        self.problems = problems
