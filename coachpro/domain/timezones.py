"""Time zone names people may choose from."""

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+){0,2}$")


def is_valid_timezone(name: str) -> bool:
    # Checked by shape first: ZoneInfo turns the name into a file path, and some inputs
    # (very long ones, say) fail there with OSError rather than "not found".
    if not isinstance(name, str) or len(name) > 64 or not _NAME.match(name):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def timezone_choices() -> tuple[str, ...]:
    """Canonical region/city zones, sorted, without the legacy aliases (US/Eastern, EST5EDT…)."""
    return tuple(
        sorted(
            z
            for z in available_timezones()
            if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
    )
