"""Turning optional email off with one click, from the email itself (RFC 8058).

The daily homework email carries a signed link. Following it (or a mail client's one-click
POST) turns that partner's daily email off: no sign-in, and the link names nobody.
"""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature

from coachpro.clock import timed_serializer
from coachpro.extensions import db
from coachpro.links import absolute_url
from coachpro.models import Partner
from coachpro.services.unit_of_work import transactional

SALT = "coachpro.unsubscribe"
# Old emails keep working for a good while; after that, the portal's settings do it.
MAX_AGE = 180 * 24 * 3600


class UnsubscribeLinkInvalid(ValueError):
    pass


def _serializer():
    return timed_serializer(current_app.config["SECRET_KEY"], SALT)


def _stamp(partner: Partner) -> str:
    # Binds the link to this partner's couple: ids are reused after an erasure on SQLite.
    return partner.couple.created_at.isoformat(timespec="microseconds")


def unsubscribe_url(partner: Partner) -> str:
    token = _serializer().dumps({"p": partner.id, "k": "digest", "t": _stamp(partner)})
    return absolute_url("public.unsubscribe", token=token)


def partner_for_link(token: str) -> Partner:
    try:
        data = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature as exc:
        raise UnsubscribeLinkInvalid(
            _("This link no longer works. You can turn emails off in your portal settings.")
        ) from exc
    partner = db.session.get(Partner, data.get("p")) if isinstance(data, dict) else None
    if partner is None or data.get("k") != "digest" or data.get("t") != _stamp(partner):
        raise UnsubscribeLinkInvalid(
            _("This link no longer works. You can turn emails off in your portal settings.")
        )
    return partner


@transactional()
def unsubscribe(token: str) -> Partner:
    """Turn the daily homework email off for the partner the link names."""
    partner = partner_for_link(token)
    partner.reminder_hour = None
    return partner
