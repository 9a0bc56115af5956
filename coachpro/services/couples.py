"""The coach's couples: creating and editing them, status, enrollment, notes, the timeline."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from coachpro.domain.timezones import is_valid_timezone
from coachpro.extensions import db
from coachpro.models import (
    COUNTS_AGAINST_PACKAGE,
    Assignment,
    CoachingSession,
    CoachNote,
    Consult,
    Couple,
    CoupleStatus,
    CustomMilestone,
    Enrollment,
    Package,
    Partner,
    StatusChange,
    User,
)
from coachpro.models.couple import couple_name
from coachpro.models.types import utcnow
from coachpro.services.external_calendars import queue_couple_sessions
from coachpro.services.homework_tallies import homework_changed
from coachpro.services.sql import count
from coachpro.services.unit_of_work import transactional
from coachpro.status_labels import status_label


class CoupleError(ValueError):
    """What is wrong, per field (`partner1_email`, `timezone`, …), for the form to show."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class PartnerDetails:
    first_name: str
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    pronouns: str | None = None


@dataclass(frozen=True)
class CoupleDetails:
    partners: tuple[PartnerDetails, PartnerDetails]
    timezone: str
    source: str | None = None


def _clean(details: CoupleDetails, couple_id: int | None) -> list[PartnerDetails]:
    errors: dict[str, str] = {}
    cleaned = []
    for n, partner in enumerate(details.partners, start=1):
        email = None
        if partner.email:
            try:
                email = validate_email(partner.email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                errors[f"partner{n}_email"] = _("That does not look like an email address.")
        if not partner.first_name.strip():
            errors[f"partner{n}_first_name"] = _("Enter a first name.")
        cleaned.append(
            PartnerDetails(
                first_name=partner.first_name.strip(),
                last_name=partner.last_name.strip(),
                email=email,
                phone=(partner.phone or "").strip() or None,
                pronouns=(partner.pronouns or "").strip() or None,
            )
        )
    emails = [p.email for p in cleaned if p.email]
    if len(emails) == 2 and emails[0] == emails[1]:
        errors["partner2_email"] = _("Each partner needs their own email address.")
    taken = _emails_in_use(emails, couple_id)
    for n, partner in enumerate(cleaned, start=1):
        if partner.email in taken:
            errors[f"partner{n}_email"] = _(
                "%(email)s already belongs to another client.", email=partner.email
            )
    if not is_valid_timezone(details.timezone):
        errors["timezone"] = _("Choose a time zone from the list.")
    if errors:
        raise CoupleError(errors)
    return cleaned


def _emails_in_use(emails: list[str], couple_id: int | None) -> set[str]:
    """Emails of partners in other couples that are not archived: one email, one active client."""
    if not emails:
        return set()
    query = (
        select(Partner.email)
        .join(Couple)
        .where(Partner.email.in_(emails), Couple.status != CoupleStatus.ARCHIVED)
    )
    if couple_id is not None:
        query = query.where(Couple.id != couple_id)
    return set(db.session.scalars(query))


@transactional()
def create_couple(details: CoupleDetails, now: datetime | None = None) -> Couple:
    """A new couple (a lead until enrolled) with both partners."""
    now = now or utcnow()
    partners = _clean(details, None)
    couple = Couple(
        status=CoupleStatus.LEAD,
        timezone=details.timezone,
        source=(details.source or "").strip() or None,
        created_at=now,
        status_changed_at=now,
    )
    for position, p in enumerate(partners, start=1):
        couple.partners.append(Partner(position=position, **vars(p)))
    db.session.add(couple)
    db.session.flush()
    db.session.add(StatusChange(couple_id=couple.id, status=couple.status, changed_at=now))
    return couple


@transactional()
def update_couple(couple: Couple, details: CoupleDetails) -> Couple:
    partners = _clean(details, couple.id)
    if couple.timezone != details.timezone:
        homework_changed(couple.id)  # their days, and so their last week, are other days now
    couple.timezone = details.timezone
    couple.source = (details.source or "").strip() or None
    renamed = any(
        p.first_name != new.first_name for p, new in zip(couple.partners, partners, strict=True)
    )
    for partner, new in zip(couple.partners, partners, strict=True):
        user = partner.user
        if user is not None and partner.email != new.email:
            # Their sign-in follows the new address, so the portal keeps working.
            clash = select(User.id).where(User.email == new.email, User.id != user.id)
            if new.email and db.session.scalar(clash):
                field = f"partner{partner.position}_email"
                raise CoupleError({field: _("Another account already uses that email.")})
            if new.email:
                user.email = new.email
        for name, value in vars(new).items():
            setattr(partner, name, value)
    if renamed:  # their sessions are titled with their names in the coach's own calendar
        queue_couple_sessions(couple.id)
    return couple


@transactional()
def change_status(couple: Couple, status: CoupleStatus, now: datetime | None = None) -> None:
    now = now or utcnow()
    if couple.status == status:
        return
    couple.status = status
    couple.status_changed_at = now
    db.session.add(StatusChange(couple_id=couple.id, status=status, changed_at=now))


def couple_names(ids: set[int]) -> dict[int, str]:
    """Each couple's name as Couple.display_name gives it, in one query."""
    first_names: dict[int, list[str]] = {}
    for couple_id, first_name in db.session.execute(
        select(Partner.couple_id, Partner.first_name)
        .where(Partner.couple_id.in_(ids))
        .order_by(Partner.couple_id, Partner.position)
    ):
        first_names.setdefault(couple_id, []).append(first_name)
    return {cid: couple_name(first_names.get(cid, ()), cid) for cid in ids}


def current_enrollment(couple_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.couple_id == couple_id, Enrollment.ended_at.is_(None))
    )


@transactional()
def enroll(
    couple: Couple, package: Package, start_date: date, now: datetime | None = None
) -> Enrollment:
    """Put the couple in a package from `start_date`; the previous enrollment becomes history."""
    now = now or utcnow()
    previous = current_enrollment(couple.id)
    if previous is not None:
        previous.ended_at = now
        db.session.flush()  # the "one current enrollment" index must see it ended first
    enrollment = Enrollment(
        couple_id=couple.id,
        package_id=package.id,
        start_date=start_date,
        sessions_included=package.sessions_included,
        session_minutes=package.session_minutes,
        price_cents=package.price_cents,
        currency=package.currency,
        created_at=now,
    )
    db.session.add(enrollment)
    couple.package_id = package.id
    if couple.status == CoupleStatus.LEAD:
        couple.status = CoupleStatus.ACTIVE
        couple.status_changed_at = now
        db.session.add(StatusChange(couple_id=couple.id, status=couple.status, changed_at=now))
    return enrollment


@dataclass(frozen=True)
class SessionUsage:
    included: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.included - self.used, 0)


def session_usage(enrollment: Enrollment) -> SessionUsage:
    used = count(
        select(func.count())
        .select_from(CoachingSession)
        .where(
            CoachingSession.enrollment_id == enrollment.id,
            CoachingSession.status.in_(COUNTS_AGAINST_PACKAGE),
        )
    )
    return SessionUsage(enrollment.sessions_included, used)


@transactional()
def add_note(couple: Couple, author: User, body: str, now: datetime | None = None) -> CoachNote:
    body = body.strip()
    if not body:
        raise CoupleError({"body": _("Write something first.")})
    now = now or utcnow()
    note = CoachNote(
        couple_id=couple.id, author_id=author.id, body=body, created_at=now, updated_at=now
    )
    db.session.add(note)
    return note


@transactional()
def edit_note(note: CoachNote, body: str, now: datetime | None = None) -> None:
    body = body.strip()
    if not body:
        raise CoupleError({"body": _("A note cannot be empty; delete it instead.")})
    note.body = body
    note.updated_at = now or utcnow()


@transactional()
def delete_note(note: CoachNote) -> None:
    db.session.delete(note)


@dataclass(frozen=True)
class TimelineItem:
    when: datetime
    kind: str
    text: str


_SESSION_EVENTS = {
    "scheduled": _l("Session scheduled"),
    "held": _l("Session held"),
    "no_show": _l("Session missed"),
    "cancelled": _l("Session cancelled"),
}


def timeline(
    *,
    consults: Iterable[Consult],
    enrollments: Iterable[Enrollment],
    status_changes: Iterable[StatusChange],
    sessions: Iterable[CoachingSession],
    assignments: Iterable[Assignment],
    milestones: Iterable[CustomMilestone],
) -> list[TimelineItem]:
    """What happened with a couple, newest first, from what the couple page has loaded."""
    items = [TimelineItem(c.created_at, "consult", _("Booked a free consult")) for c in consults]
    items += [
        TimelineItem(e.created_at, "enrolled", _("Enrolled in %(package)s", package=e.package.name))
        for e in enrollments
    ]
    items += [
        TimelineItem(c.changed_at, "status", _("Status: %(status)s", status=status_label(c.status)))
        for c in status_changes
    ]
    items += [TimelineItem(s.start_at, "session", str(_SESSION_EVENTS[s.status])) for s in sessions]
    items += [
        TimelineItem(
            a.created_at, "homework", _("Assigned %(exercise)s", exercise=a.exercise.title)
        )
        for a in assignments
    ]
    items += [
        TimelineItem(noon(m.reached_on), "milestone", _("Milestone: %(title)s", title=m.title))
        for m in milestones
    ]
    return sorted(items, key=lambda i: i.when, reverse=True)


def noon(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time().replace(hour=12), tzinfo=UTC)
