"""A realistic demo practice, so every page has something to show. Safe to run twice.

Not part of the running app: only `flask seed-demo` (and the start script) use it."""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from coachpro.domain.instruments import score
from coachpro.domain.occurrences import Cadence, occurrences
from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    CoachingSession,
    CoachNote,
    Completion,
    Consult,
    Couple,
    CoupleStatus,
    Enrollment,
    Exercise,
    Instrument,
    MeasureAnswer,
    MeasureRequest,
    MeasureSchedule,
    Message,
    MessageThread,
    Package,
    Partner,
    Payment,
    PaymentMethod,
    PaymentStatus,
    PolicyAcceptance,
    Pulse,
    Role,
    SecretsPolicy,
    SessionStatus,
    StatusChange,
)
from coachpro.models.types import utcnow
from coachpro.services.accounts import create_user, find_user_by_email
from coachpro.services.calendar import open_slots, practice_zone
from coachpro.services.couples import change_status, enroll
from coachpro.services.homework import schedule_of
from coachpro.services.instruments import definition
from coachpro.services.messages import refresh_summary
from coachpro.services.outcomes import refresh_alerts
from coachpro.services.secrets_policy import PRESETS
from coachpro.services.unit_of_work import transactional

DEMO_PASSWORD = "coachpro-demo"  # noqa: S105  (printed for the demo; never in production data)
DEMO_COACH_EMAIL = "coach@example.com"

# (package slug, status, days since they arrived, couple time zone, source,
#  (first, last, email, pronouns) for each partner, whether the partners can sign in)
_COUPLES = [
    (
        "old-flames",
        CoupleStatus.ACTIVE,
        40,
        "America/New_York",
        "Podcast interview",
        (
            ("Maya", "Okafor", "maya@example.com", "she/her"),
            ("Jordan", "Okafor", "jordan@example.com", "he/him"),
        ),
        True,
    ),
    (
        "new-sparks",
        CoupleStatus.ACTIVE,
        21,
        "America/Chicago",
        "Friend's recommendation",
        (
            ("Priya", "Raman", "priya@example.com", "she/her"),
            ("Sam", "Lindqvist", "sam@example.com", "they/them"),
        ),
        False,
    ),
    (
        "glow-embers",
        CoupleStatus.ACTIVE,
        65,
        "Europe/London",
        "Instagram",
        (
            ("Tomás", "Herrera", "tomas@example.com", "he/him"),
            ("Lucía", "Herrera", "lucia@example.com", "she/her"),
        ),
        False,
    ),
    (
        "glow-embers",
        CoupleStatus.PAUSED,
        90,
        "America/Denver",
        "Parenting workshop",
        (
            ("Aisha", "Bello", "aisha@example.com", None),
            ("Kwame", "Bello", "kwame@example.com", None),
        ),
        False,
    ),
    (
        "new-sparks",
        CoupleStatus.LEAD,
        2,
        "America/Los_Angeles",
        "Google search",
        (
            ("Hannah", "Cho", "hannah@example.com", "she/her"),
            ("Leo", "Marchetti", "leo@example.com", "he/him"),
        ),
        False,
    ),
    (
        "old-flames",
        CoupleStatus.COMPLETED,
        200,
        "America/New_York",
        "Returning client referral",
        (
            ("Ruth", "Adler", "ruth@example.com", "she/her"),
            ("David", "Adler", "david@example.com", "he/him"),
        ),
        False,
    ),
    (
        "old-flames",
        CoupleStatus.ACTIVE,
        12,
        "Europe/Berlin",
        "Blog post on trust repair",
        (
            ("Jonas", "Weber", "jonas@example.com", "he/him"),
            ("Elif", "Yilmaz", "elif@example.com", "she/her"),
        ),
        False,
    ),
]


@dataclass(frozen=True)
class DemoSummary:
    coach_email: str
    client_emails: list[str]
    password: str
    couples_created: int


@transactional()
def seed_demo() -> DemoSummary:
    """Create the demo coach and couples that are missing."""
    if find_user_by_email(DEMO_COACH_EMAIL) is None:
        create_user(
            email=DEMO_COACH_EMAIL,
            display_name="Rosa Delgado",
            role=Role.COACH,
            password=DEMO_PASSWORD,
        )
    packages = {p.slug: p for p in db.session.scalars(select(Package))}
    existing = set(db.session.scalars(select(Partner.email).where(Partner.email.is_not(None))))
    now = utcnow()
    created = 0
    client_emails: list[str] = []
    for slug, status, days_ago, tz, source, people, can_sign_in in _COUPLES:
        if can_sign_in:
            client_emails.extend(person[2] for person in people)
        if people[0][2] in existing:
            continue
        arrived = now - timedelta(days=days_ago)
        couple = Couple(
            status=CoupleStatus.LEAD,
            timezone=tz,
            source=source,
            created_at=arrived,
            status_changed_at=arrived,
        )
        for position, (first, last, email, pronouns) in enumerate(people, start=1):
            partner = Partner(
                position=position, first_name=first, last_name=last, email=email, pronouns=pronouns
            )
            if can_sign_in:
                partner.user = create_user(
                    email=email,
                    display_name=f"{first} {last}",
                    role=Role.CLIENT,
                    password=DEMO_PASSWORD,
                    timezone=tz,
                )
            couple.partners.append(partner)
        db.session.add(couple)
        db.session.flush()
        db.session.add(StatusChange(couple_id=couple.id, status=couple.status, changed_at=arrived))
        if status != CoupleStatus.LEAD and slug in packages:
            enrollment = enroll(
                couple, packages[slug], arrived.date(), now=arrived + timedelta(hours=1)
            )
            _seed_history(couple, enrollment, status, arrived, now)
        if can_sign_in and not created:
            _seed_messages(couple, now)
            _seed_outcomes(couple, now)
        created += 1
    _seed_consults(packages, now)
    return DemoSummary(DEMO_COACH_EMAIL, client_emails, DEMO_PASSWORD, created)


def _seed_outcomes(couple: Couple, now) -> None:
    """The CSI-4 asked of the couple's package at the start and every 4 weeks, and both
    partners' intake answers (no reliable-change figures: the coach adds the ones they trust)."""
    csi4 = db.session.scalar(select(Instrument).where(Instrument.slug == "csi-4"))
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.couple_id == couple.id))
    if csi4 is None or enrollment is None:
        return
    if not db.session.scalar(
        select(MeasureSchedule.id).where(
            MeasureSchedule.instrument_id == csi4.id,
            MeasureSchedule.package_id == enrollment.package_id,
        )
    ):
        db.session.add(
            MeasureSchedule(
                instrument_id=csi4.id,
                package_id=enrollment.package_id,
                at_intake=True,
                every_weeks=4,
                at_end=True,
            )
        )
    doc = definition(csi4)
    sent = datetime.combine(enrollment.start_date, time(19, 0), tzinfo=ZoneInfo(couple.timezone))
    for partner, values in zip(couple.partners, ((4, 3, 3, 4), (3, 3, 2, 3)), strict=False):
        given = {item.key: v for item, v in zip(doc.items, values, strict=True)}
        request = MeasureRequest(
            couple_id=couple.id,
            partner_id=partner.id,
            instrument_id=csi4.id,
            occasion="intake",
            week=0,
            due_on=enrollment.start_date,
            open_until=enrollment.start_date + timedelta(days=14),
            created_at=sent,
            noticed_at=sent,
            started_at=sent,
            completed_at=sent,
            score=score(doc, given).total,
            partner_may_see=partner.position == 1,
        )
        db.session.add(request)
        db.session.flush()
        db.session.add_all(
            MeasureAnswer(request_id=request.id, item_key=k, value=v) for k, v in given.items()
        )
    refresh_alerts([(couple.id, csi4.id)])


def _seed_messages(couple: Couple, now) -> None:
    """A few messages for the first couple who can sign in: the joint conversation, and one
    partner's private one (under the practice's policy, which the demo writes if missing)."""
    coach = find_user_by_email(DEMO_COACH_EMAIL)
    first, second = couple.partners[0], couple.partners[1]
    policy = db.session.scalar(select(SecretsPolicy).order_by(SecretsPolicy.id.desc()).limit(1))
    if policy is None:
        policy = SecretsPolicy(body=PRESETS["limited-secrets"], created_at=now - timedelta(days=30))
        db.session.add(policy)
        db.session.flush()
    joint = MessageThread(couple_id=couple.id)
    private = MessageThread(couple_id=couple.id, partner_id=first.id)
    db.session.add_all([joint, private, MessageThread(couple_id=couple.id, partner_id=second.id)])
    db.session.flush()
    db.session.add(
        PolicyAcceptance(
            partner_id=first.id, policy_id=policy.id, accepted_at=now - timedelta(days=9)
        )
    )
    said = [
        (joint, coach, 3, "Lovely work on Thursday. This week, try the *five-minute check-in* "
         "after dinner, phones in another room."),
        (joint, second.user, 2, "We did it twice! The second time was easier."),
        (joint, first.user, 2, "Agreed. Could we move next week's session to the afternoon?"),
        (joint, coach, 1, "Of course: pick any free afternoon from your portal's Today page."),
        (private, first.user, 4, "Something I did not want to say in front of Jordan: I still "
         "feel nervous bringing up money."),
        (private, coach, 4, "Thank you for telling me. That sounds like something worth "
         "practising together; I have marked it for our joint session."),
    ]  # fmt: skip
    for thread, author, days, body in said:
        db.session.add(
            Message(thread_id=thread.id, author_id=author.id if author else None, body=body,
                    created_at=now - timedelta(days=days, hours=2))
        )  # fmt: skip
    db.session.flush()
    nervous = db.session.scalar(
        select(Message).where(Message.thread_id == private.id).order_by(Message.id).limit(1)
    )
    if nervous is not None:
        nervous.bring_up_at = now - timedelta(days=4)
    for thread in (joint, private):
        refresh_summary(thread.id)


def _seed_history(couple: Couple, enrollment: Enrollment, status: str, arrived, now) -> None:
    """Past sessions, a booked one for active couples, a note, and the status they are in."""
    length = timedelta(minutes=enrollment.session_minutes)
    held = min(3, max(1, (now - arrived).days // 14))
    for n in range(held):
        start = (arrived + timedelta(days=7 + 14 * n)).replace(hour=15, minute=0, second=0)
        db.session.add(
            CoachingSession(
                public_id=secrets.token_urlsafe(12),
                couple_id=couple.id,
                enrollment_id=enrollment.id,
                start_at=start,
                end_at=start + length,
                status=SessionStatus.HELD,
                location="Video call",
                notes="Worked on naming needs without blame." if n == 0 else None,
            )
        )
    if status == CoupleStatus.ACTIVE:
        today = now.astimezone(practice_zone()).date()
        slots = open_slots(today + timedelta(days=3), today + timedelta(days=10), now,
                           minutes=enrollment.session_minutes)  # fmt: skip
        if slots:
            slot = slots[couple.id % len(slots)]
            db.session.add(
                CoachingSession(
                    public_id=secrets.token_urlsafe(12),
                    couple_id=couple.id,
                    enrollment_id=enrollment.id,
                    start_at=slot.start,
                    end_at=slot.end,
                    location="Video call",
                )
            )
    db.session.add(
        CoachNote(
            couple_id=couple.id,
            body="Warm, motivated. Both want more small rituals during the week.",
            created_at=arrived + timedelta(days=1),
            updated_at=arrived + timedelta(days=1),
        )
    )
    # Some paid in full, some half: the money screens have something to show.
    share = 1 if couple.id % 2 else 2
    db.session.add(
        Payment(
            couple_id=couple.id,
            enrollment_id=enrollment.id,
            package_id=enrollment.package_id,
            method=PaymentMethod.BANK_TRANSFER,
            status=PaymentStatus.PAID,
            amount_cents=enrollment.price_cents // share,
            currency=enrollment.currency,
            paid_on=arrived.date() + timedelta(days=2),
            note="Bank transfer" if share == 1 else "First instalment",
            confirmed_at=arrived + timedelta(days=2),
        )
    )
    if status == CoupleStatus.ACTIVE:
        _seed_homework(couple, now)
    if status != CoupleStatus.ACTIVE:
        change_status(couple, CoupleStatus(status), now=now - timedelta(days=5))


_DEMO_REFLECTIONS = [
    ("coach", "Told Jordan I was nervous about the holidays with my family. Better than I feared."),
    ("us", "Owned that I snapped about the dishes. Felt lighter after."),
    ("me", "Still finding it hard to say what I need."),
    ("coach", "Shared that money worries keep me up. We made a plan to look at it on Sunday."),
    (
        "coach",
        "Admitted I forgot the call I promised. Said sorry right away instead of explaining.",
    ),
    ("us", "Said I miss our walks. We are going on Saturday."),
]


def _seed_homework(couple: Couple, now) -> None:
    """Three weeks of rituals with a few gaps, so streaks, grids and milestones have data."""
    today = now.astimezone(ZoneInfo(couple.timezone)).date()
    start = today - timedelta(days=20)
    exercises = {e.slug: e for e in db.session.scalars(select(Exercise).where(Exercise.built_in))}
    plan = [
        ("nervous-share", Cadence.DAILY, frozenset()),
        ("evening-gratitude", Cadence.DAILY, frozenset()),
        ("weekly-planning", Cadence.WEEKLY, frozenset({6})),
    ]
    for slug, cadence, days in plan:
        exercise = exercises[slug]
        assignment = Assignment(
            couple_id=couple.id,
            exercise_id=exercise.id,
            cadence=cadence,
            weekdays=",".join(str(d) for d in sorted(days)),
            start_date=start,
            mode=exercise.mode,
            visibility=exercise.default_visibility,
            note="Keep it light; a minute is enough." if slug == "nervous-share" else None,
            created_at=now - timedelta(days=21),
        )
        db.session.add(assignment)
        db.session.flush()
        for day in occurrences(schedule_of(assignment), start, today - timedelta(days=1)):
            for partner in couple.partners:
                if (day.day + partner.position) % 5 == 0:  # a realistic miss now and then
                    continue
                if exercise.mode == "together" and partner.position == 2:
                    continue
                visibility, text = _DEMO_REFLECTIONS[(day.day + partner.position) % 6]
                if slug == "evening-gratitude":
                    visibility, text = "us", "Thank you for making time for us tonight."
                at = datetime.combine(day, time(20, 0), tzinfo=ZoneInfo(couple.timezone))
                db.session.add(
                    Completion(
                        assignment_id=assignment.id,
                        partner_id=partner.id,
                        occurrence=day,
                        reflection=text if day.day % 2 == 0 else None,
                        rating=4 if day.day % 3 == 0 else None,
                        visibility=visibility,
                        created_at=at,
                        updated_at=at,
                    )
                )
    for weeks_ago in range(1, 4):
        monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
        for partner in couple.partners:
            base = 5 + (3 - weeks_ago) + partner.position % 2
            db.session.add(
                Pulse(
                    partner_id=partner.id,
                    week_start=monday,
                    connected=min(base + 1, 10),
                    safe=min(base, 10),
                    trust=min(base - 1, 10),
                    word=("tired", "closer", "hopeful")[3 - weeks_ago],
                    visibility="coach",
                )
            )


# (first names, email, their zone, package slug, what they wrote, slot index or days ago)
_CONSULTS = [
    (
        ("Nadia", "Omar"),
        "nadia@example.com",
        "Europe/Paris",
        "new-sparks",
        "We just moved in together and keep misreading each other.",
        2,
    ),
    (
        ("Chris", "Dana"),
        "chris@example.com",
        "America/Chicago",
        "old-flames",
        "Twenty years in, we feel more like flatmates than partners.",
        9,
    ),
    (
        ("Ben", "Ivy"),
        "ben@example.com",
        "America/New_York",
        "glow-embers",
        "Since our second child arrived we barely talk about anything but logistics.",
        17,
    ),
    (
        ("Lena", "Marco"),
        "lena@example.com",
        "Europe/Berlin",
        "old-flames",
        "Rebuilding trust after a difficult year.",
        -3,
    ),
]


def _seed_consults(packages: dict, now) -> None:
    """A few consults: some coming up (at really free times), one that already happened."""
    if db.session.scalar(select(Consult.id).limit(1)) is not None:
        return
    today = now.astimezone(practice_zone()).date()
    slots = open_slots(today, today + timedelta(days=21), now)
    for (one, two), email, tz, slug, message, when in _CONSULTS:
        if when >= 0:
            if when >= len(slots):
                continue
            start, end = slots[when].start, slots[when].end
        else:
            start = now + timedelta(days=when)
            end = start + timedelta(minutes=30)
        db.session.add(
            Consult(
                public_id=secrets.token_urlsafe(12),
                start_at=start,
                end_at=end,
                partner_one_name=one,
                partner_two_name=two,
                email=email,
                package=packages.get(slug),
                message=message,
                visitor_timezone=tz,
                created_at=min(now, start) - timedelta(days=2),
            )
        )
