"""Asking the measures: schedules, opening each partner's request when it is due, telling and
reminding them, and a partner answering one question at a time (they may stop and come back)
until they send their answers and get their score."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from coachpro.domain.instruments import InstrumentError, Score, score
from coachpro.domain.outcomes import asked_key, latest_occasion
from coachpro.extensions import db
from coachpro.i18n import writing_for
from coachpro.links import absolute_url
from coachpro.models import (
    Couple,
    CoupleStatus,
    Instrument,
    MeasureAnswer,
    MeasureRequest,
    MeasureSchedule,
    Package,
    Partner,
)
from coachpro.models.types import utcnow
from coachpro.models.workspace import Enrollment
from coachpro.services.calendar import couple_today
from coachpro.services.homework import local_today
from coachpro.services.instruments import definition
from coachpro.services.outbox import enqueue_templated
from coachpro.services.outcomes import refresh_alerts
from coachpro.services.practice_settings import practice
from coachpro.services.texting import confirmed_numbers, enqueue_text
from coachpro.services.unit_of_work import transactional

# How long a partner has to answer once a measure opens; after it, the measure is missed.
OPEN_DAYS = 14
# An occasion that passed longer ago than this is not opened late (a schedule added to a
# couple in week 10 does not ask the intake measure).
LATE_DAYS = 7
REMIND_AFTER = timedelta(days=3)
ASKED_STATUSES = (CoupleStatus.ACTIVE, CoupleStatus.COMPLETED)


class MeasureError(Exception):
    """A measure cannot be answered or scheduled as asked; the message says why."""


# --- schedules ------------------------------------------------------------------------------


@transactional(retry=True)
def save_schedule(
    instrument: Instrument,
    *,
    package: Package | None = None,
    couple: Couple | None = None,
    at_intake: bool,
    every_weeks: int | None,
    at_end: bool,
) -> MeasureSchedule:
    """Attach an instrument to a package or a couple (or change how often it is asked)."""
    if (package is None) == (couple is None):
        raise MeasureError(_("Choose a package or a couple."))
    if every_weeks is not None and not 1 <= every_weeks <= 52:
        raise MeasureError(_("Ask every 1 to 52 weeks."))
    if not (at_intake or at_end or every_weeks):
        raise MeasureError(_("Choose when to ask: at the start, every few weeks or at the end."))
    if not instrument.active:
        raise MeasureError(_("That questionnaire is retired."))
    query = select(MeasureSchedule).where(MeasureSchedule.instrument_id == instrument.id)
    if package is not None:
        query = query.where(MeasureSchedule.package_id == package.id)
    elif couple is not None:
        query = query.where(MeasureSchedule.couple_id == couple.id)
    schedule = db.session.scalar(query) or MeasureSchedule(
        instrument_id=instrument.id,
        package_id=package.id if package else None,
        couple_id=couple.id if couple else None,
    )
    schedule.at_intake, schedule.every_weeks, schedule.at_end = at_intake, every_weeks, at_end
    db.session.add(schedule)
    return schedule


@transactional()
def remove_schedule(schedule: MeasureSchedule) -> None:
    """Stop asking; measures already opened stay open and scores stay."""
    db.session.delete(schedule)


def schedules(
    *, package_id: int | None = None, couple_id: int | None = None
) -> list[MeasureSchedule]:
    query = select(MeasureSchedule).options(selectinload(MeasureSchedule.instrument))
    if package_id is not None:
        query = query.where(MeasureSchedule.package_id == package_id)
    if couple_id is not None:
        query = query.where(MeasureSchedule.couple_id == couple_id)
    return list(db.session.scalars(query.order_by(MeasureSchedule.id)))


# --- opening requests (the worker) -----------------------------------------------------------


@dataclass
class OpenReport:
    opened: int = 0
    reminded: int = 0


def _answerers(couple: Couple) -> list[Partner]:
    # Only a partner with a portal account can answer; the coach sees who has none.
    return [p for p in couple.partners if p.user_id is not None]


@transactional()
def open_due_measures(now: datetime) -> OpenReport:
    """Open each partner's request for the latest occasion each schedule asks for, tell them,
    and remind once those who have not answered after three days."""
    report = OpenReport()
    couples = list(
        db.session.scalars(
            select(Couple)
            .where(Couple.status.in_(ASKED_STATUSES))
            .options(selectinload(Couple.partners).selectinload(Partner.user))
        )
    )
    if couples:
        report.opened = _open(couples, now)
    report.reminded = _remind(now)
    return report


def _open(couples: list[Couple], now: datetime) -> int:
    ids = [c.id for c in couples]
    enrollments = {
        e.couple_id: e
        for e in db.session.scalars(
            select(Enrollment).where(Enrollment.couple_id.in_(ids), Enrollment.ended_at.is_(None))
        )
    }
    by_package: dict[int, list[MeasureSchedule]] = {}
    by_couple: dict[int, list[MeasureSchedule]] = {}
    for s in db.session.scalars(
        select(MeasureSchedule)
        .join(Instrument)
        .where(Instrument.active)
        .options(selectinload(MeasureSchedule.instrument))
    ):
        if s.package_id is not None:
            by_package.setdefault(s.package_id, []).append(s)
        elif s.couple_id is not None:
            by_couple.setdefault(s.couple_id, []).append(s)
    # Only recent occasions can be opened, so only recent requests can be in the way (two
    # days' slack for the couples' own dates against the server's).
    recent = (now - timedelta(days=LATE_DAYS + 2)).date()
    existing: set[tuple[int, int, str]] = {
        (partner_id, instrument_id, occasion)
        for partner_id, instrument_id, occasion in db.session.execute(
            select(
                MeasureRequest.partner_id, MeasureRequest.instrument_id, MeasureRequest.occasion
            ).where(MeasureRequest.couple_id.in_(ids), MeasureRequest.due_on >= recent)
        )
    }
    opened = 0
    for couple in couples:
        enrollment = enrollments.get(couple.id)
        package_schedules = by_package.get(enrollment.package_id, []) if enrollment else []
        today = couple_today(couple, now)
        for schedule in package_schedules + by_couple.get(couple.id, []):
            start = (
                enrollment.start_date if enrollment else couple_today(couple, schedule.created_at)
            )
            ended = (
                couple_today(couple, couple.status_changed_at)
                if couple.status == CoupleStatus.COMPLETED
                else None
            )
            occasion = latest_occasion(
                start,
                today,
                at_intake=schedule.at_intake,
                every_weeks=schedule.every_weeks,
                at_end=schedule.at_end,
                ended_on=ended,
            )
            if occasion is None or (today - occasion.due_on).days > LATE_DAYS:
                continue
            if couple.status == CoupleStatus.COMPLETED and ended and occasion.due_on < ended:
                continue  # a finished couple is only asked the end measure
            for partner in _answerers(couple):
                key = (partner.id, schedule.instrument_id, occasion.key)
                if key in existing:
                    continue
                existing.add(key)
                request = MeasureRequest(
                    couple_id=couple.id,
                    partner_id=partner.id,
                    instrument_id=schedule.instrument_id,
                    schedule_id=schedule.id,
                    occasion=occasion.key,
                    week=occasion.week,
                    due_on=occasion.due_on,
                    open_until=today + timedelta(days=OPEN_DAYS),
                    created_at=now,
                    noticed_at=now,
                )
                db.session.add(request)
                db.session.flush()
                _tell(partner, couple, request, schedule.instrument, reminder=False)
                opened += 1
    return opened


def _remind(now: datetime) -> int:
    due = list(
        db.session.scalars(
            select(MeasureRequest)
            .where(
                MeasureRequest.completed_at.is_(None),
                MeasureRequest.reminded_at.is_(None),
                MeasureRequest.created_at <= now - REMIND_AFTER,
            )
            .options(
                selectinload(MeasureRequest.instrument),
                selectinload(MeasureRequest.couple).selectinload(Couple.partners),
                selectinload(MeasureRequest.partner).selectinload(Partner.user),
            )
        )
    )
    reminded = 0
    for request in due:
        request.reminded_at = now
        if (
            request.open_until < couple_today(request.couple, now)
            or request.partner.user is None
            or request.couple.status not in ASKED_STATUSES
        ):
            continue  # closed (shown as missed to the coach instead), or no longer coached
        _tell(request.partner, request.couple, request, request.instrument, reminder=True)
        reminded += 1
    return reminded


def _tell(
    partner: Partner, couple: Couple, request: MeasureRequest, instrument: Instrument, *,
    reminder: bool
) -> None:  # fmt: skip
    user = partner.user
    if user is None:
        return
    link = absolute_url("portal.measure_start", request_id=request.id)
    key = f"measure-{'reminder' if reminder else 'notice'}:{request.id}"
    with writing_for(user.locale):
        subject = (
            _("A reminder: your questionnaire from %(practice)s", practice=practice().name)
            if reminder
            else _("A short questionnaire from %(practice)s", practice=practice().name)
        )
        enqueue_templated(
            to=[user.email],
            subject=subject,
            template="measure_notice",
            dedupe_key=key,
            couple_id=couple.id,
            name=partner.first_name,
            instrument=instrument.short_name,
            questions=len(definition(instrument).items),
            open_until=request.open_until,
            reminder=reminder,
            link=link,
        )
        for number in confirmed_numbers(partners=[partner]):
            enqueue_text(
                number,
                _("%(practice)s: a short questionnaire is waiting for you. %(link)s",
                  practice=practice().name, link=link),
                dedupe_key=f"{key}:sms",
                couple_id=couple.id,
            )  # fmt: skip


@transactional(retry=True)
def ask_now(couple: Couple, instrument: Instrument, now: datetime | None = None) -> int:
    """Open the instrument for both partners today, outside any schedule; returns how many."""
    now = now or utcnow()
    if not instrument.active:
        raise MeasureError(_("That questionnaire is retired."))
    today = couple_today(couple, now)
    partners = _answerers(couple)
    if not partners:
        raise MeasureError(_("Neither partner has portal access yet, so nobody could answer."))
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.couple_id == couple.id, Enrollment.ended_at.is_(None))
    )
    week = max((today - enrollment.start_date).days // 7, 0) if enrollment else 0
    opened = 0
    for partner in partners:
        exists = db.session.scalar(
            select(MeasureRequest.id).where(
                MeasureRequest.partner_id == partner.id,
                MeasureRequest.instrument_id == instrument.id,
                MeasureRequest.occasion == asked_key(today),
            )
        )
        if exists:
            continue
        request = MeasureRequest(
            couple_id=couple.id,
            partner_id=partner.id,
            instrument_id=instrument.id,
            occasion=asked_key(today),
            week=week,
            due_on=today,
            open_until=today + timedelta(days=OPEN_DAYS),
            created_at=now,
            noticed_at=now,
        )
        db.session.add(request)
        db.session.flush()
        _tell(partner, couple, request, instrument, reminder=False)
        opened += 1
    if not opened:
        raise MeasureError(_("Both partners were already asked this today."))
    return opened


# --- a partner answering ---------------------------------------------------------------------


def is_open(request: MeasureRequest, today: date) -> bool:
    return request.completed_at is None and request.due_on <= today <= request.open_until


# The partner's lists below join their instrument in the same query (joinedload, not
# selectinload): a selectin query runs only when the list has rows, so the Today page would
# cost one query more on the days a questionnaire is waiting. The lists are short.
def partner_requests(partner: Partner) -> list[MeasureRequest]:
    """The partner's own requests, newest first (open, sent and missed)."""
    return list(
        db.session.scalars(
            select(MeasureRequest)
            .where(MeasureRequest.partner_id == partner.id)
            .options(joinedload(MeasureRequest.instrument))
            .order_by(MeasureRequest.due_on.desc(), MeasureRequest.id.desc())
        )
    )


def waiting(partner: Partner, now: datetime) -> list[MeasureRequest]:
    """The partner's questionnaires open now and not yet sent, soonest closing first."""
    today = local_today(partner, now)
    return list(
        db.session.scalars(
            select(MeasureRequest)
            .where(
                MeasureRequest.partner_id == partner.id,
                MeasureRequest.completed_at.is_(None),
                MeasureRequest.due_on <= today,
                MeasureRequest.open_until >= today,
            )
            .options(joinedload(MeasureRequest.instrument))
            .order_by(MeasureRequest.open_until, MeasureRequest.id)
        )
    )


def shared_scores(partner: Partner) -> list[MeasureRequest]:
    """The scores this partner chose to show the other partner (never their answers)."""
    return list(
        db.session.scalars(
            select(MeasureRequest)
            .where(
                MeasureRequest.partner_id == partner.id,
                MeasureRequest.completed_at.is_not(None),
                MeasureRequest.partner_may_see,
            )
            .options(joinedload(MeasureRequest.instrument))
            .order_by(MeasureRequest.due_on.desc(), MeasureRequest.id.desc())
        )
    )


def own_request(partner: Partner, request_id: int) -> MeasureRequest | None:
    """The request if it is this partner's; None otherwise (answered as "not found")."""
    request = db.session.get(MeasureRequest, request_id)
    return request if request is not None and request.partner_id == partner.id else None


def answers_of(request: MeasureRequest) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(MeasureAnswer.item_key, MeasureAnswer.value).where(
                MeasureAnswer.request_id == request.id
            )
        ).all()
    )


def _check_open(request: MeasureRequest, now: datetime) -> None:
    if request.completed_at is not None:
        raise MeasureError(_("You have already sent these answers."))
    if not is_open(request, local_today(request.partner, now)):
        raise MeasureError(_("This questionnaire has closed."))


@transactional()
def begin(request: MeasureRequest, partner_may_see: bool, now: datetime | None = None) -> None:
    """The partner read who sees what and chose whether their partner may see their score."""
    now = now or utcnow()
    _check_open(request, now)
    request.partner_may_see = partner_may_see
    request.started_at = request.started_at or now


@transactional(retry=True)
def save_answer(
    request: MeasureRequest, item_key: str, value: int, now: datetime | None = None
) -> None:
    """Keep one answer (changing an earlier one replaces it); the rest can come later."""
    now = now or utcnow()
    _check_open(request, now)
    if request.started_at is None:
        raise MeasureError(_("Start the questionnaire first."))
    item = definition(request.instrument).item(item_key)
    if item is None or value not in item.scale.values:
        raise MeasureError(_("Choose one of the answers."))
    answer = db.session.get(MeasureAnswer, (request.id, item_key))
    if answer is None:
        db.session.add(MeasureAnswer(request_id=request.id, item_key=item_key, value=value))
    else:
        answer.value = value


@transactional()
def send_answers(request: MeasureRequest, now: datetime | None = None) -> Score:
    """Score the answers and send them: from now on the coach sees them."""
    now = now or utcnow()
    _check_open(request, now)
    try:
        result = score(definition(request.instrument), answers_of(request))
    except InstrumentError:  # an answer no longer fits (cannot happen with saved answers)
        raise MeasureError(_("Some answers could not be read; please answer again.")) from None
    if not result.complete:
        raise MeasureError(
            _("Please answer every question first (%(count)s left).", count=len(result.missing))
        )
    request.score = result.total
    request.completed_at = now
    db.session.flush()
    refresh_alerts([(request.couple_id, request.instrument_id)])
    return result


@transactional()
def set_partner_may_see(request: MeasureRequest, partner_may_see: bool) -> None:
    request.partner_may_see = partner_may_see


def next_question(request: MeasureRequest, answers: dict[str, int]) -> int:
    """Where to resume: the first unanswered question (0-based), or the last when all are."""
    items = definition(request.instrument).items
    for n, item in enumerate(items):
        if item.key not in answers:
            return n
    return len(items) - 1
