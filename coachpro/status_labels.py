"""The words shown for a stored status ("no_show" → "No-show", "Nicht erschienen"): one
table for couples, consults, sessions, assignments, cadences and payments, in the reader's language.
The stored values stay English identifiers; only their labels are translated."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # couples
    "lead": _l("Lead"),
    "active": _l("Active"),
    "paused": _l("Paused"),
    "completed": _l("Completed"),
    "archived": _l("Archived"),
    # consults and sessions
    "booked": _l("Booked"),
    "scheduled": _l("Scheduled"),
    "held": _l("Held"),
    "no_show": _l("No-show"),
    "cancelled": _l("Cancelled"),
    "late_cancelled": _l("Cancelled late (counts as used)"),
    # assignments
    "ended": _l("Ended"),
    # payments and refunds
    "pending": _l("Pending"),
    "paid": _l("Paid"),
    "failed": _l("Failed"),
    "expired": _l("Expired"),
    "voided": _l("Voided"),
    "succeeded": _l("Refunded"),
    # how often an exercise comes round
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
    "any": _l("Any time"),
    # kinds of exercise
    "reflection": _l("Reflection"),
    "checklist": _l("Checklist"),
    "gratitude": _l("Gratitude log"),
    "promise": _l("Promise tracker"),
    "jar": _l("Vulnerability jar"),
    "timer": _l("Timer"),
    "milestone": _l("Milestone"),
    "reveal": _l("Answer, then reveal"),
    # who does an exercise
    "each": _l("each partner"),
    "together": _l("together"),
    # how a payment was made
    "card": _l("Card"),
    "cash": _l("Cash"),
    "bank_transfer": _l("Bank transfer"),
}


def status_label(value: str | None) -> str:
    """The label for a status; an unknown one readable rather than raw."""
    if not value:
        return ""
    label = LABELS.get(str(value))
    return str(label) if label is not None else str(value).replace("_", " ").capitalize()
