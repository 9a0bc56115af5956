"""Each partner's opt-in daily email: today's homework, once their chosen local hour has come."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.i18n import writing_for
from coachpro.links import absolute_url
from coachpro.models import Partner, User
from coachpro.models.types import utcnow
from coachpro.services.email_preferences import unsubscribe_url
from coachpro.services.homework import HomeworkError, partner_zone, today_for
from coachpro.services.outbox import enqueue_templated
from coachpro.services.unit_of_work import transactional


@transactional()
def set_reminder_hour(partner: Partner, hour: int | None) -> None:
    if hour is not None and not 0 <= hour <= 23:
        raise HomeworkError(_("Choose an hour of the day."))
    partner.reminder_hour = hour


@transactional()
def set_email_choices(
    partner: Partner, *, hour: int | None, encouragement: bool, sessions: bool
) -> None:
    """The emails a partner wants, kind by kind (receipts and account emails always go)."""
    set_reminder_hour(partner, hour)
    partner.email_encouragement = encouragement
    partner.email_sessions = sessions


@transactional()
def send_homework_digests(now: datetime | None = None) -> int:
    """Email each opted-in partner today's homework once their chosen local hour has come.

    At most one email per partner per local day, however often it runs.
    """
    now = now or utcnow()
    sent = 0
    partners = db.session.execute(
        select(Partner, User)
        .join(User, User.id == Partner.user_id)
        .where(Partner.reminder_hour.is_not(None), User.active.is_(True))
    ).all()
    for partner, user in partners:
        local = now.astimezone(ZoneInfo(partner_zone(partner)))
        today = local.date()
        hour = partner.reminder_hour
        if hour is None or local.hour < hour or partner.reminder_sent_on == today:
            continue
        partner.reminder_sent_on = today
        due = [item for item in today_for(partner, now).due_today if not item.done]
        if not due:
            continue
        with writing_for(user.locale):
            enqueue_templated(
                to=[partner.email or user.email],
                subject=ngettext(
                    "Today's practice: %(num)s thing to do",
                    "Today's practice: %(num)s things to do",
                    len(due),
                ),
                template="homework_digest",
                dedupe_key=f"digest:{partner.id}:{today.isoformat()}",
                couple_id=partner.couple_id,
                unsubscribe_url=unsubscribe_url(partner),
                partner=partner,
                items=due,
                portal_url=absolute_url("portal.today"),
            )
        sent += 1
    return sent
