"""Emails the coach rewrites in their own words: a subject and a plain-text body in a small,
sandboxed template language (Jinja's SandboxedEnvironment), with only the variables each kind
documents, as plain text values (never an object whose attributes could be explored).

A template is rendered with sample values before it is saved: one that does not render is
refused on save, never discovered at send time. Without an override, the email is the
built-in one (templates/email/<kind>.txt and .html).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select

from coachpro.domain.formats import format_day, format_instant
from coachpro.domain.rich_text import render_email_text
from coachpro.domain.text import single_line
from coachpro.extensions import db
from coachpro.i18n import current_locale
from coachpro.models import AuditEvent, EmailTemplate, User
from coachpro.services.field_problems import FieldProblems
from coachpro.services.practice_settings import practice
from coachpro.services.unit_of_work import transactional

_SANDBOX = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
MAX_SUBJECT = 200
MAX_BODY = 10_000


def _when(instant: datetime, zone: Any) -> str:
    """The day and time in the recipient's zone, written in the email's language."""
    zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))
    return format_instant(instant, zone, "%A %-d %B %Y, %H:%M", current_locale())


def _consult_values(context: Mapping[str, Any]) -> dict[str, str]:
    consult = context["consult"]
    return {
        "partner_names": _(
            "%(one)s and %(two)s", one=consult.partner_one_name, two=consult.partner_two_name
        ),
        "when": _when(consult.start_at, context["visitor_zone"]),
        "minutes": str(int((consult.end_at - consult.start_at).total_seconds() // 60)),
        "manage_url": context["manage_url"],
        "practice_name": context["practice_name"],
    }


_CONSULT_VARIABLES = {
    "partner_names": _l("both partners' first names, e.g. “Maya and Jordan”"),
    "when": _l("the consult's day and time in the visitor's own time zone"),
    "minutes": _l("how long the consult is"),
    "manage_url": _l("the link to move or cancel the consult"),
    "practice_name": _l("your practice's name"),
}
_CONSULT_SAMPLE = {
    "partner_names": "Maya and Jordan",
    "when": "Tuesday 8 December 2026, 18:30 CET",
    "minutes": "30",
    "manage_url": "https://coaching.example.com/book/sample-link",
    "practice_name": "Kindred Coaching",
}


_PAYMENT_VARIABLES = {
    "amount": _l("the payment's amount, e.g. “$600”"),
    "package": _l("the package it is for"),
    "date": _l("the day it was paid"),
    "reference": _l("its reference, e.g. “KINDREDC-42”"),
    "balance": _l("what is still to pay (empty when nothing is)"),
    "bank_details": _l("your bank-transfer details (from the settings page)"),
    "practice_name": _l("your practice's name"),
}
_PAYMENT_SAMPLE = {
    "amount": "$600",
    "package": "Old Flames",
    "date": "27 November 2026",
    "reference": "KINDREDC-42",
    "balance": "$1,200",
    "bank_details": "Kindred Coaching, IBAN NL00 BANK 0123 4567 89",
    "practice_name": "Kindred Coaching",
}


def _payment_values(context: Mapping[str, Any]) -> dict[str, str]:
    payment = context["payment"]
    return {
        "amount": context["amount"],
        "package": context["package"],
        "date": format_day(payment.paid_on, "%-d %B %Y", current_locale())
        if payment.paid_on
        else "",
        "reference": context["reference"],
        "balance": context.get("balance") or "",
        "bank_details": practice().bank_transfer_instructions or "",
        "practice_name": context["practice_name"],
    }


_SESSION_VARIABLES = {
    "couple_names": _l("the couple's names, e.g. “Maya & Jordan”"),
    "when": _l("the session's day and time in the couple's time zone"),
    "minutes": _l("how long the session is"),
    "location": _l("where it is (a video link or an address; empty when not set)"),
    "portal_url": _l("the link to their portal"),
    "practice_name": _l("your practice's name"),
}
_SESSION_SAMPLE = {
    "couple_names": "Maya & Jordan",
    "when": "Thursday 10 December 2026, 19:00 EST",
    "minutes": "75",
    "location": "https://meet.example.com/rosa",
    "portal_url": "https://coaching.example.com/portal/",
    "practice_name": "Kindred Coaching",
}


def _session_values(context: Mapping[str, Any]) -> dict[str, str]:
    session = context["session"]
    return {
        "couple_names": context["couple"].display_name,
        "when": _when(session.start_at, context["couple_zone"]),
        "minutes": str(session.minutes),
        "location": session.location or "",
        "portal_url": context["portal_url"],
        "practice_name": context["practice_name"],
    }


def _session_kind(title: str, when_sent: str, subject: str, body: str) -> "EmailKind":
    return EmailKind(title, when_sent, _SESSION_VARIABLES, _SESSION_SAMPLE, subject, body,
                     _session_values)  # fmt: skip


@dataclass(frozen=True)
class EmailKind:
    title: str
    when_sent: str
    variables: dict[str, str]  # name → what it holds, shown beside the editor
    sample: dict[str, str]  # for the preview and the check on save
    subject: str  # the built-in subject, as a template
    body: str  # the built-in body, as a template (a starting point for editing)
    values: Callable[[Mapping[str, Any]], dict[str, str]]  # from what the sender has
    # Variables the email is useless without (an invitation without its link): kept in.
    required: tuple[str, ...] = ()


KINDS: dict[str, EmailKind] = {
    "consult_booked": EmailKind(
        _l("Free consult booked"),
        _l("to the couple, as soon as they book a free consult (with the calendar invite)"),
        _CONSULT_VARIABLES,
        _CONSULT_SAMPLE,
        _l("Your free consult is booked: {{ when }}"),
        _l(
            "Hello {{ partner_names }},\n\n"
            "Thank you for booking a free consult with {{ practice_name }}. It is {{ when }}, "
            "for {{ minutes }} minutes. The calendar invite is attached.\n\n"
            "To move or cancel it: {{ manage_url }}\n\n"
            "See you soon,\n{{ practice_name }}"
        ),
        _consult_values,
    ),
    "consult_reminder": EmailKind(
        _l("Free consult reminder"),
        _l("to the couple, before their free consult (the lead time is on the Availability page)"),
        _CONSULT_VARIABLES,
        _CONSULT_SAMPLE,
        _l("Reminder: your free consult is {{ when }}"),
        _l(
            "Hello {{ partner_names }},\n\n"
            "A friendly reminder: your free consult with {{ practice_name }} is {{ when }}, for "
            "{{ minutes }} minutes.\n\n"
            "Can't make it? Move or cancel it here: {{ manage_url }}\n\n"
            "{{ practice_name }}"
        ),
        _consult_values,
    ),
    "consult_rescheduled": EmailKind(
        _l("Free consult moved"),
        _l(
            "to the couple, when their free consult moves to another time (with the updated invite)"
        ),
        _CONSULT_VARIABLES,
        _CONSULT_SAMPLE,
        _l("Your free consult has moved to {{ when }}"),
        _l(
            "Hello {{ partner_names }},\n\n"
            "Your free consult with {{ practice_name }} has a new time: {{ when }}, for "
            "{{ minutes }} minutes. The attached invite updates your calendar.\n\n"
            "Your link still works for any further change: {{ manage_url }}\n\n"
            "{{ practice_name }}"
        ),
        _consult_values,
    ),
    "consult_cancelled": EmailKind(
        _l("Free consult cancelled"),
        _l(
            "to the couple, when their free consult is cancelled (the update removes it from their "
            "calendar)"
        ),
        {
            **{k: v for k, v in _CONSULT_VARIABLES.items() if k not in ("manage_url", "minutes")},
            "book_url": _l("the page where they can book a new time"),
        },
        {
            **{k: v for k, v in _CONSULT_SAMPLE.items() if k not in ("manage_url", "minutes")},
            "book_url": "https://coaching.example.com/book",
        },
        _l("Your free consult on {{ when }} is cancelled"),
        _l(
            "Hello {{ partner_names }},\n\n"
            "Your free consult with {{ practice_name }} on {{ when }} is cancelled.\n\n"
            "Whenever you are ready, you can book a new time: {{ book_url }}\n\n"
            "{{ practice_name }}"
        ),
        lambda context: {
            **_consult_values(context),
            "book_url": f"{context['base_url']}/book",
        },
    ),
    "coach_comment": EmailKind(
        _l("A note from you"),
        _l("to both partners, when you send them a note of encouragement from their page"),
        {
            "couple_names": _l("the couple's names, e.g. “Maya & Jordan”"),
            "coach_name": _l("your name"),
            "note": _l("what you wrote"),
            "portal_url": _l("the link to their portal"),
            "practice_name": _l("your practice's name"),
        },
        {
            "couple_names": "Maya & Jordan",
            "coach_name": "Rosa Delgado",
            "note": "You two kept every evening check-in this week. That is the work.",
            "portal_url": "https://coaching.example.com/portal/",
            "practice_name": "Kindred Coaching",
        },
        _l("A note from your coach at {{ practice_name }}"),
        _l(
            "Hello {{ couple_names }},\n\n"
            "A note from {{ coach_name }}:\n\n"
            "{{ note }}\n\n"
            "Your portal: {{ portal_url }}\n\n"
            "{{ practice_name }}"
        ),
        lambda context: {
            "couple_names": context["couple"].display_name,
            "coach_name": context["coach"].display_name,
            "note": context["comment"].body,
            "portal_url": context["portal_url"],
            "practice_name": context["practice_name"],
        },
    ),
    "session_scheduled": _session_kind(
        _l("Coaching session booked"),
        _l("to the couple, when a coaching session is booked (by you or by them; with the invite)"),
        _l("Coaching session booked: {{ when }}"),
        _l(
            "Hello {{ couple_names }},\n\nA coaching session is booked for you both. The attached "
            "invite adds it to your calendar.\n\nWhen: {{ when }}\nLength: {{ minutes }} minutes\n"
            "{% if location %}Where: {{ location }}\n{% endif %}\n"
            "Your portal: {{ portal_url }}\n\n{{ practice_name }}"
        ),
    ),
    "session_rescheduled": _session_kind(
        _l("Coaching session moved"),
        _l("to the couple, when a coaching session moves (with the updated invite)"),
        _l("Coaching session moved to {{ when }}"),
        _l(
            "Hello {{ couple_names }},\n\nYour coaching session has a new time. The attached "
            "invite updates your calendar.\n\nWhen: {{ when }}\nLength: {{ minutes }} minutes\n"
            "{% if location %}Where: {{ location }}\n{% endif %}\n"
            "Your portal: {{ portal_url }}\n\n{{ practice_name }}"
        ),
    ),
    "session_cancelled": _session_kind(
        _l("Coaching session cancelled"),
        _l("to the couple, when a coaching session is cancelled (it goes back to their package)"),
        _l("Coaching session cancelled: {{ when }}"),
        _l(
            "Hello {{ couple_names }},\n\nYour coaching session is cancelled; it goes back to "
            "your package's sessions. The attached update removes it from your calendar.\n\n"
            "When: {{ when }}\nLength: {{ minutes }} minutes\n"
            "{% if location %}Where: {{ location }}\n{% endif %}\n"
            "Your portal: {{ portal_url }}\n\n{{ practice_name }}"
        ),
    ),
    "session_reminder": _session_kind(
        _l("Coaching session reminder"),
        _l(
            "to the couple, before each coaching session (the lead times are on the "
            "Availability page)"
        ),
        _l("Reminder: coaching session {{ when }}"),
        _l(
            "Hello {{ couple_names }},\n\nA reminder: your coaching session is coming up.\n\n"
            "When: {{ when }}\nLength: {{ minutes }} minutes\n"
            "{% if location %}Where: {{ location }}\n{% endif %}\n"
            "Your portal: {{ portal_url }}\n\n{{ practice_name }}"
        ),
    ),
    "portal_invite": EmailKind(
        _l("Portal invitation"),
        _l("to a partner, when you invite them to their private portal"),
        {
            "first_name": _l("the partner's first name"),
            "link": _l("their link to choose a password (it works once, for 7 days)"),
            "practice_name": _l("your practice's name"),
        },
        {
            "first_name": "Maya",
            "link": "https://coaching.example.com/invite/sample-link",
            "practice_name": "Kindred Coaching",
        },
        _l("Your private space at {{ practice_name }}"),
        _l(
            "Hello {{ first_name }},\n\n"
            "Your coach at {{ practice_name }} has opened a private space for you and your "
            "partner. Choose your password and step in (the link works once, for 7 days):\n"
            "{{ link }}\n\n"
            "{{ practice_name }}"
        ),
        lambda context: {
            "first_name": context["partner"].first_name,
            "link": context["link"],
            "practice_name": context["practice_name"],
        },
        required=("link",),
    ),
    "password_reset": EmailKind(
        _l("Password reset"),
        _l("to you or a client who asked to reset their password"),
        {
            "name": _l("the person's name"),
            "link": _l("their link to choose a new password (it works once)"),
            "minutes": _l("how many minutes the link works for"),
            "practice_name": _l("your practice's name"),
        },
        {
            "name": "Maya Okafor",
            "link": "https://coaching.example.com/password/reset/sample-link",
            "minutes": "60",
            "practice_name": "Kindred Coaching",
        },
        _l("Reset your {{ practice_name }} password"),
        _l(
            "Hello {{ name }},\n\n"
            "Someone (hopefully you) asked to reset the password for your {{ practice_name }} "
            "account. Choose a new one here:\n{{ link }}\n\n"
            "The link works once, for {{ minutes }} minutes. If you did not ask, ignore this "
            "email: your password stays as it is.\n\n{{ practice_name }}"
        ),
        lambda context: {
            "name": context["user"].display_name,
            "link": context["link"],
            "minutes": str(context["minutes"]),
            "practice_name": context["practice_name"],
        },
        required=("link",),
    ),
    "receipt": EmailKind(
        _l("Payment receipt"),
        _l(
            "to whoever paid, when a payment is recorded (by card, or by you for cash or a "
            "transfer)"
        ),
        _PAYMENT_VARIABLES,
        _PAYMENT_SAMPLE,
        _l("Receipt: {{ amount }} to {{ practice_name }}"),
        _l(
            "Thank you for your payment.\n\n"
            "Amount: {{ amount }}\nFor: {{ package }}\nDate: {{ date }}\n"
            "Reference: {{ reference }}\n"
            "{% if balance %}Still to pay: {{ balance }}\n{% endif %}"
            "{% if balance and bank_details %}\nTo pay the rest by bank transfer:\n"
            "{{ bank_details }}\n{% endif %}\n"
            "Keep this email as your receipt.\n\n{{ practice_name }}"
        ),
        lambda context: _payment_values(context),
    ),
    "payment_voided": EmailKind(
        _l("Payment taken back"),
        _l("to whoever paid, when you void a payment you recorded by mistake"),
        {k: v for k, v in _PAYMENT_VARIABLES.items() if k != "date"},
        {k: v for k, v in _PAYMENT_SAMPLE.items() if k != "date"},
        _l("A correction to your payments"),
        _l(
            "A correction to your payments.\n\n"
            "The {{ amount }} payment for {{ package }} (reference {{ reference }}) was recorded "
            "by mistake and has been taken off your account; its receipt no longer stands.\n"
            "{% if balance %}\nStill to pay now: {{ balance }}\n"
            "{% if bank_details %}To pay by bank transfer:\n{{ bank_details }}\n{% endif %}"
            "{% endif %}\n"
            "If this looks wrong, reply to this email and we will sort it out.\n\n"
            "{{ practice_name }}"
        ),
        lambda context: _payment_values(context),
    ),
    "homework_digest": EmailKind(
        _l("Daily homework email"),
        _l("to a partner who asked for it, at the hour they chose, when something is due that day"),
        {
            "first_name": _l("the partner's first name"),
            "today": _l("the day's exercises, one per line"),
            "portal_url": _l("the link to their portal"),
            "unsubscribe_url": _l("the link that stops this email (the law asks for it)"),
            "practice_name": _l("your practice's name"),
        },
        {
            "first_name": "Maya",
            "today": "- Evening check-in (together, about 10 minutes)\n"
            "- Gratitude moment (just you, about 2 minutes)",
            "portal_url": "https://coaching.example.com/portal/",
            "unsubscribe_url": "https://coaching.example.com/email/unsubscribe/sample",
            "practice_name": "Kindred Coaching",
        },
        _l("Today's practice with {{ practice_name }}"),
        _l(
            "Hello {{ first_name }},\n\n"
            "Today's practice:\n{{ today }}\n\n"
            "Open your portal: {{ portal_url }}\n\n"
            "You asked for this daily email. To stop it: {{ unsubscribe_url }}\n"
            "{{ practice_name }}"
        ),
        lambda context: {
            "first_name": context["partner"].first_name,
            "today": "\n".join(
                "- "
                + (
                    _(
                        "%(title)s (together, about %(minutes)s minutes)",
                        title=item.exercise.title,
                        minutes=item.exercise.duration_minutes,
                    )
                    if item.together
                    else _(
                        "%(title)s (just you, about %(minutes)s minutes)",
                        title=item.exercise.title,
                        minutes=item.exercise.duration_minutes,
                    )
                )
                for item in context["items"]
            ),
            "portal_url": context["portal_url"],
            "unsubscribe_url": context["unsubscribe_url"],
            "practice_name": context["practice_name"],
        },
        required=("unsubscribe_url",),
    ),
}


class TemplateRefused(FieldProblems):
    """The wording cannot be used: `problems` for "subject" and "body"."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _render(source: str, values: Mapping[str, str]) -> str:
    return _SANDBOX.from_string(source).render(**values)


def render(kind: EmailKind, subject: str, body: str, values: Mapping[str, str]) -> Rendered:
    """TemplateRefused, per field, when either does not render with these values."""
    subject, body = str(subject), str(body)  # CoachPro's own wording arrives as lazy text
    problems = {}
    rendered = {}
    missing = [
        name for name in kind.required if not re.search(r"\{\{\s*" + name + r"\s*\}\}", body)
    ]
    if missing:
        problems["body"] = _(
            "Keep %(variable)s in the email: without it, it is no use to whoever gets it.",
            variable="{{ " + missing[0] + " }}",
        )
    for field, source, limit in (("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY)):
        if field in problems:
            continue
        if not source.strip():
            problems[field] = _("Write something here.")
            continue
        if len(source) > limit:
            problems[field] = _("Keep this under %(limit)s characters.", limit=limit)
            continue
        try:
            rendered[field] = _render(source, values)
        except TemplateError as exc:
            problems[field] = _(
                "This does not work as a template: %(reason)s.", reason=exc.message or exc
            )
    if problems:
        raise TemplateRefused(problems)
    text = rendered["body"].strip() + "\n"
    return Rendered(single_line(rendered["subject"])[:300], text, render_email_text(text))


def preview(kind_name: str, subject: str, body: str) -> Rendered:
    kind = KINDS[kind_name]
    return render(kind, subject, body, kind.sample)


def overrides() -> dict[str, EmailTemplate]:
    return {t.kind: t for t in db.session.scalars(select(EmailTemplate))}


def override_for(kind_name: str) -> EmailTemplate | None:
    if kind_name not in KINDS:
        return None
    return db.session.get(EmailTemplate, kind_name)


@transactional()
def save_template(kind_name: str, subject: str, body: str, by: User, now: datetime) -> None:
    """Keep the coach's version once it renders with the sample values."""
    kind = KINDS[kind_name]
    render(kind, subject, body, kind.sample)
    row = db.session.get(EmailTemplate, kind_name)
    if row is None:
        row = EmailTemplate(kind=kind_name)
        db.session.add(row)
    row.subject, row.body, row.updated_at = str(subject).strip(), str(body).strip(), now
    db.session.add(
        AuditEvent(actor_id=by.id, action="email_template.saved", subject=kind_name, details={})
    )


@transactional()
def restore_default(kind_name: str, by: User) -> bool:
    row = db.session.get(EmailTemplate, kind_name)
    if row is None:
        return False
    db.session.delete(row)
    db.session.add(
        AuditEvent(actor_id=by.id, action="email_template.restored", subject=kind_name, details={})
    )
    return True


def _kind_for(template: str, context: Mapping[str, Any]) -> str:
    """Which editable email a built-in template is sending: one session template serves
    three kinds (and the coach's own copy, which stays CoachPro's wording)."""
    if template == "session_update":
        return f"session_{context['kind']}" if context.get("audience") == "couple" else ""
    return template


def rendered_override(template: str, context: Mapping[str, Any]) -> Rendered | None:
    """The coach's version of this email for this context, or None to send the built-in one
    (no override, or, against all checks, one that no longer renders: the email still goes)."""
    kind_name = _kind_for(template, context)
    row = override_for(kind_name)
    if row is None:
        return None
    kind = KINDS[kind_name]
    try:
        return render(kind, row.subject, row.body, kind.values(context))
    except TemplateRefused:
        return None
