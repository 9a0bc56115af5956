"""The buttons a page offers and what the services do agree: for every state a consult or a
session can be in, before and after it starts, an action is offered exactly when the service
carries it out."""

from datetime import timedelta

import pytest

from coachpro.extensions import db
from coachpro.models import (
    Assignment,
    AssignmentStatus,
    CoachingSession,
    Consult,
    ConsultStatus,
    Couple,
    SessionStatus,
    User,
)
from coachpro.services import (
    coaching,
    consult_followup,
    consult_requests,
    consult_rules,
    consults,
    homework,
    privacy,
)
from coachpro.services.unit_of_work import unit_of_work
from tests.booking_helpers import booking, free_slots_ahead
from tests.homework_helpers import assign_builtin, couple_today

CONSULT_STATES = [ConsultStatus.BOOKED, ConsultStatus.HELD, ConsultStatus.NO_SHOW,
                  ConsultStatus.CANCELLED]  # fmt: skip


def _refused(action) -> bool:
    try:
        action()
    except (consult_requests.ConsultError, privacy.EraseRefused, coaching.SessionError,
            homework.HomeworkError):  # fmt: skip
        return True
    return False


def _put(record, status) -> None:
    """Put a consult or session in `status`, with what that status requires of it."""
    with unit_of_work():
        record.status = status
        cancelled = status in (ConsultStatus.CANCELLED, SessionStatus.CANCELLED)
        record.cancelled_at = record.start_at - timedelta(days=1) if cancelled else None
        if isinstance(record, Consult):
            record.cancelled_by = "coach" if cancelled else None


@pytest.mark.parametrize("status", CONSULT_STATES)
@pytest.mark.parametrize("started", [False, True])
def test_consult_actions_offered_are_the_ones_the_services_allow(app, coach, status, started):
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        consult = consults.book_consult(booking(slot.start, email="ana@example.com",
                                                partner_email=None))  # fmt: skip
        consult_id = consult.id
        _put(consult, status)
        now = slot.start + timedelta(minutes=1) if started else slot.start - timedelta(hours=1)
        offered = consult_rules.actions(consult, now)
        checks = {
            "mark_held": lambda: consult_followup.mark_held(consult, now),
            "mark_no_show": lambda: consult_followup.mark_no_show(consult, now),
            "erase": lambda: privacy.erase_prospect(consult, db.session.get(User, coach.id), now),
        }
        for action, run in checks.items():
            consult = db.session.get(Consult, consult_id)
            if consult is None:
                break  # erased: the last check
            _put(consult, status)  # each tried from the same state
            allowed = not _refused(run)
            redundant = (action == "mark_held" and status == ConsultStatus.HELD) or (
                action == "mark_no_show" and status == ConsultStatus.NO_SHOW
            )
            # Marking a consult what it already is changes nothing; the page does not offer it.
            assert getattr(offered, action) == (allowed and not redundant), (action, offered)
        assert offered.change == (status == ConsultStatus.BOOKED and not started)


@pytest.mark.parametrize("status", list(SessionStatus))
@pytest.mark.parametrize("started", [False, True])
def test_session_actions_offered_are_the_ones_the_service_allows(app, create_couple, status,
                                                                 started):  # fmt: skip
    couple_id = create_couple().couple_id
    slot = free_slots_ahead(app)[0]
    with app.app_context():
        session = coaching.schedule_session(db.session.get(Couple, couple_id), slot.start)
        now = slot.start + timedelta(minutes=1) if started else slot.start - timedelta(hours=1)
        for target in (SessionStatus.HELD, SessionStatus.NO_SHOW):
            session = db.session.get(CoachingSession, session.id)
            _put(session, status)
            offered = coaching.session_actions(session, now)
            allowed = not _refused(lambda s=session, t=target: coaching.mark_session(s, t, now))
            wanted = offered.mark_held if target == SessionStatus.HELD else offered.mark_no_show
            assert wanted == (allowed and status != target), (target, offered)
        assert offered.change == (status == SessionStatus.SCHEDULED and not started)


@pytest.mark.parametrize("status", list(AssignmentStatus))
def test_assignment_actions_offered_are_the_ones_the_service_allows(app, create_couple, status):
    couple_id = create_couple().couple_id
    today = couple_today(app, couple_id)
    reach = {AssignmentStatus.PAUSED: homework.pause, AssignmentStatus.ENDED: homework.end}
    actions = {"can_pause": homework.pause, "can_resume": homework.resume, "can_end": homework.end}
    for rule, service in actions.items():
        assignment_id = assign_builtin(app, couple_id, "nervous-share", today)
        with app.app_context():
            assignment = db.session.get(Assignment, assignment_id)
            if status in reach:
                reach[status](assignment, today)  # brought there the way the coach would
            offered = getattr(assignment.status_rules, rule)
            refused = _refused(lambda run=service, a=assignment: run(a, today))
            assert offered == (not refused), rule
