"""Emails the coach rewrites in their own words: a subject and a plain-text body in a small,
sandboxed template language (Jinja's SandboxedEnvironment), with only the variables each kind
documents, as plain text values (never an object whose attributes could be explored).

A template is rendered with sample values before it is saved: one that does not render is
refused on save, never discovered at send time. Without an override, the email is the
built-in one (templates/email/<kind>.txt and .html).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select

from coachpro.domain.rich_text import render_email_text
from coachpro.domain.text import single_line
from coachpro.extensions import db
from coachpro.models import AuditEvent, EmailTemplate, User
from coachpro.services.field_problems import FieldProblems
from coachpro.services.unit_of_work import transactional

_SANDBOX = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
MAX_SUBJECT = 200
MAX_BODY = 10_000


def _when(instant: datetime, zone: Any) -> str:
    local = instant.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone)))
    return local.strftime("%A %-d %B %Y, %H:%M ") + (local.tzname() or "")


def _consult_values(context: Mapping[str, Any]) -> dict[str, str]:
    consult = context["consult"]
    return {
        "partner_names": f"{consult.partner_one_name} and {consult.partner_two_name}",
        "when": _when(consult.start_at, context["visitor_zone"]),
        "minutes": str(int((consult.end_at - consult.start_at).total_seconds() // 60)),
        "manage_url": context["manage_url"],
        "practice_name": context["practice_name"],
    }


_CONSULT_VARIABLES = {
    "partner_names": "both partners' first names, e.g. “Maya and Jordan”",
    "when": "the consult's day and time in the visitor's own time zone",
    "minutes": "how long the consult is",
    "manage_url": "the link to move or cancel the consult",
    "practice_name": "your practice's name",
}
_CONSULT_SAMPLE = {
    "partner_names": "Maya and Jordan",
    "when": "Tuesday 8 December 2026, 18:30 CET",
    "minutes": "30",
    "manage_url": "https://coaching.example.com/book/sample-link",
    "practice_name": "Kindred Coaching",
}


@dataclass(frozen=True)
class EmailKind:
    title: str
    when_sent: str
    variables: dict[str, str]  # name → what it holds, shown beside the editor
    sample: dict[str, str]  # for the preview and the check on save
    subject: str  # the built-in subject, as a template
    body: str  # the built-in body, as a template (a starting point for editing)
    values: Callable[[Mapping[str, Any]], dict[str, str]]  # from what the sender has


KINDS: dict[str, EmailKind] = {
    "consult_booked": EmailKind(
        "Free consult booked",
        "to the couple, as soon as they book a free consult (with the calendar invite)",
        _CONSULT_VARIABLES,
        _CONSULT_SAMPLE,
        "Your free consult is booked: {{ when }}",
        "Hello {{ partner_names }},\n\n"
        "Thank you for booking a free consult with {{ practice_name }}. It is {{ when }}, "
        "for {{ minutes }} minutes. The calendar invite is attached.\n\n"
        "To move or cancel it: {{ manage_url }}\n\n"
        "See you soon,\n{{ practice_name }}",
        _consult_values,
    ),
    "consult_reminder": EmailKind(
        "Free consult reminder",
        "to the couple, before their free consult (the lead time is on the Availability page)",
        _CONSULT_VARIABLES,
        _CONSULT_SAMPLE,
        "Reminder: your free consult is {{ when }}",
        "Hello {{ partner_names }},\n\n"
        "A friendly reminder: your free consult with {{ practice_name }} is {{ when }}, for "
        "{{ minutes }} minutes.\n\n"
        "Can't make it? Move or cancel it here: {{ manage_url }}\n\n"
        "{{ practice_name }}",
        _consult_values,
    ),
    "consult_rescheduled": EmailKind(
        "Free consult moved",
        "to the couple, when their free consult moves to another time (with the updated invite)",
        _CONSULT_VARIABLES,
        _CONSULT_SAMPLE,
        "Your free consult has moved to {{ when }}",
        "Hello {{ partner_names }},\n\n"
        "Your free consult with {{ practice_name }} has a new time: {{ when }}, for "
        "{{ minutes }} minutes. The attached invite updates your calendar.\n\n"
        "Your link still works for any further change: {{ manage_url }}\n\n"
        "{{ practice_name }}",
        _consult_values,
    ),
    "consult_cancelled": EmailKind(
        "Free consult cancelled",
        "to the couple, when their free consult is cancelled (the update removes it from their "
        "calendar)",
        {
            **{k: v for k, v in _CONSULT_VARIABLES.items() if k not in ("manage_url", "minutes")},
            "book_url": "the page where they can book a new time",
        },
        {
            **{k: v for k, v in _CONSULT_SAMPLE.items() if k not in ("manage_url", "minutes")},
            "book_url": "https://coaching.example.com/book",
        },
        "Your free consult on {{ when }} is cancelled",
        "Hello {{ partner_names }},\n\n"
        "Your free consult with {{ practice_name }} on {{ when }} is cancelled.\n\n"
        "Whenever you are ready, you can book a new time: {{ book_url }}\n\n"
        "{{ practice_name }}",
        lambda context: {
            **_consult_values(context),
            "book_url": f"{context['base_url']}/book",
        },
    ),
    "coach_comment": EmailKind(
        "A note from you",
        "to both partners, when you send them a note of encouragement from their page",
        {
            "couple_names": "the couple's names, e.g. “Maya & Jordan”",
            "coach_name": "your name",
            "note": "what you wrote",
            "portal_url": "the link to their portal",
            "practice_name": "your practice's name",
        },
        {
            "couple_names": "Maya & Jordan",
            "coach_name": "Rosa Delgado",
            "note": "You two kept every evening check-in this week. That is the work.",
            "portal_url": "https://coaching.example.com/portal/",
            "practice_name": "Kindred Coaching",
        },
        "A note from your coach at {{ practice_name }}",
        "Hello {{ couple_names }},\n\n"
        "A note from {{ coach_name }}:\n\n"
        "{{ note }}\n\n"
        "Your portal: {{ portal_url }}\n\n"
        "{{ practice_name }}",
        lambda context: {
            "couple_names": context["couple"].display_name,
            "coach_name": context["coach"].display_name,
            "note": context["comment"].body,
            "portal_url": context["portal_url"],
            "practice_name": context["practice_name"],
        },
    ),
    "portal_invite": EmailKind(
        "Portal invitation",
        "to a partner, when you invite them to their private portal",
        {
            "first_name": "the partner's first name",
            "link": "their link to choose a password (it works once, for 7 days)",
            "practice_name": "your practice's name",
        },
        {
            "first_name": "Maya",
            "link": "https://coaching.example.com/invite/sample-link",
            "practice_name": "Kindred Coaching",
        },
        "Your private space at {{ practice_name }}",
        "Hello {{ first_name }},\n\n"
        "Your coach at {{ practice_name }} has opened a private space for you and your "
        "partner. Choose your password and step in (the link works once, for 7 days):\n"
        "{{ link }}\n\n"
        "{{ practice_name }}",
        lambda context: {
            "first_name": context["partner"].first_name,
            "link": context["link"],
            "practice_name": context["practice_name"],
        },
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
    problems = {}
    rendered = {}
    for field, source, limit in (("subject", subject, MAX_SUBJECT), ("body", body, MAX_BODY)):
        if not source.strip():
            problems[field] = "Write something here."
            continue
        if len(source) > limit:
            problems[field] = f"Keep this under {limit} characters."
            continue
        try:
            rendered[field] = _render(source, values)
        except TemplateError as exc:
            problems[field] = f"This does not work as a template: {exc.message or exc}."
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
    row.subject, row.body, row.updated_at = subject.strip(), body.strip(), now
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


def rendered_override(kind_name: str, context: Mapping[str, Any]) -> Rendered | None:
    """The coach's version of this email for this context, or None to send the built-in one
    (no override, or, against all checks, one that no longer renders: the email still goes)."""
    row = override_for(kind_name)
    if row is None:
        return None
    kind = KINDS[kind_name]
    try:
        return render(kind, row.subject, row.body, kind.values(context))
    except TemplateRefused:
        return None
