"""What we accept as a password. Length over composition rules, as NIST SP 800-63B advises."""

from coachpro.domain.common_passwords import is_common

MIN_PASSWORD_LENGTH = 8
# Generous, so passphrases are never truncated; bounded, so hashing cannot be used to stall us.
MAX_PASSWORD_LENGTH = 1024


def password_problem(password: str) -> str | None:
    """Why `password` is not acceptable, or None if it is."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    if is_common(password):
        return "That password is one of the most common ones; choose something less guessable."
    return None
