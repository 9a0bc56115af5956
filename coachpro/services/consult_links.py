"""The signed links in a consult's emails: to manage the booking and to fetch its invite."""

from datetime import datetime, timedelta
from typing import Protocol

from flask import current_app
from itsdangerous import BadSignature, Signer
from sqlalchemy import select

from coachpro.extensions import db
from coachpro.links import absolute_url
from coachpro.models import Consult
from coachpro.services.event_context import EventFields


class ConsultFields(EventFields, Protocol):
    """A consult's event: a Consult, or a row of these columns."""

    @property
    def partner_one_name(self) -> str: ...

    @property
    def partner_two_name(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def partner_email(self) -> str | None: ...

    @property
    def location(self) -> str | None: ...


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt="coachpro.consult-manage")


def manage_token(consult: ConsultFields) -> str:
    return _signer().sign(consult.public_id).decode()


def consult_for_token(token: str) -> Consult | None:
    """The consult a manage token opens, or None for a forged or unknown token."""
    try:
        public_id = _signer().unsign(token).decode()
    except BadSignature:
        return None
    return db.session.scalar(select(Consult).where(Consult.public_id == public_id))


# A manage link is for changing a booking. Some time after the consult it no longer shows
# who booked it: links live on in inboxes, forwarded mail and browser histories.
MANAGE_LINK_SHOWS_DETAILS_FOR = timedelta(days=7)


def manage_link_expired(consult: Consult, now: datetime) -> bool:
    return now > consult.end_at + MANAGE_LINK_SHOWS_DETAILS_FOR


def manage_url(consult: ConsultFields) -> str:
    return absolute_url("booking.manage", token=manage_token(consult))


def invite_url(consult: Consult) -> str:
    return absolute_url("booking.invite", token=manage_token(consult))
