"""N_: marks a string for the translation catalogue where it cannot be translated yet (a
constant set once, read later, or stored): whoever shows it passes it through gettext then.
A module of its own, importable from anywhere without pulling in Flask-Babel or the app."""


def N_(message: str) -> str:
    return message
