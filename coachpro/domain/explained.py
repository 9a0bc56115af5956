"""Errors that explain themselves in any language: the message is a catalogue template
(marked with N_) and its values, so the domain stays free of Flask and speaks English in
logs and tests, while the app says the same thing in the reader's language
(`coachpro.i18n.explain`)."""

from typing import Any


class Explained(ValueError):
    def __init__(self, template: str, **values: Any):
        super().__init__(template % values if values else template)
        self.template = template
        self.values = values
