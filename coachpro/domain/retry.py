"""When to try again after a failed delivery."""

from datetime import timedelta

MAX_RETRY_DELAY = timedelta(hours=6)


def retry_delay(attempt: int, base_seconds: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base… after the 1st, 2nd, 3rd failed attempt; capped."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    # Cap the exponent too, so a huge attempt count cannot overflow timedelta.
    delay = timedelta(seconds=base_seconds * 2 ** min(attempt - 1, 30))
    return min(delay, MAX_RETRY_DELAY)
