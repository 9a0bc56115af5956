"""What we accept as a password. Length over composition rules, as NIST SP 800-63B advises."""

from coachpro.domain.common_passwords import is_common

MIN_PASSWORD_LENGTH = 8
# Generous, so passphrases are never truncated; bounded, so hashing cannot be used to stall us.
MAX_PASSWORD_LENGTH = 1024

# Which rule a password breaks; the services say it in the reader's language.
TOO_SHORT, TOO_LONG, ONLY_SPACES, TOO_COMMON = "too_short", "too_long", "only_spaces", "common"
MESSAGES = {
    TOO_SHORT: f"Use at least {MIN_PASSWORD_LENGTH} characters.",
    TOO_LONG: f"Use at most {MAX_PASSWORD_LENGTH} characters.",
    ONLY_SPACES: "A password cannot be only spaces.",
    TOO_COMMON: "That password is one of the most common ones; choose something less guessable.",
}


def broken_rule(password: str) -> str | None:
    """The first rule `password` breaks (TOO_SHORT, …), or None if it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG
    if not password.strip():
        return ONLY_SPACES
    if is_common(password):
        return TOO_COMMON
    return None


def password_problem(password: str) -> str | None:
    """Why `password` is not acceptable (in English), or None if it is."""
    rule = broken_rule(password)
    return MESSAGES[rule] if rule else None
