"""Inviting partners to the portal, and taking that access away again.

An invitation link is signed, expires after 7 days, and works once: it carries a nonce
that is stored on the partner and cleared when the link is used, resent or revoked.
"""

import secrets
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from coachpro.clock import timed_serializer
from coachpro.extensions import db
from coachpro.i18n import writing_for
from coachpro.links import absolute_url
from coachpro.models import Partner, Role, User
from coachpro.models.types import utcnow
from coachpro.services.accounts import set_password
from coachpro.services.outbox import enqueue_templated
from coachpro.services.practice_settings import practice
from coachpro.services.unit_of_work import transactional

INVITE_SALT = "coachpro.portal-invite"
INVITE_MAX_AGE = 7 * 24 * 3600


class InviteError(ValueError):
    """Why an invitation cannot be sent or used; shown to the person."""


def _serializer() -> URLSafeTimedSerializer:
    return timed_serializer(current_app.config["SECRET_KEY"], INVITE_SALT)


@transactional()
def invite_partner(partner: Partner, now: datetime | None = None) -> str:
    """Email the partner a fresh link; any earlier link stops working. Returns the link."""
    if not partner.email:
        raise InviteError(_("Add an email address for %(name)s first.", name=partner.first_name))
    user = db.session.get(User, partner.user_id) if partner.user_id else None
    if user is not None and user.active and user.password_hash:
        raise InviteError(_("%(name)s can already sign in.", name=partner.first_name))
    other = db.session.scalar(select(User).where(User.email == partner.email))
    if other is not None and other.id != partner.user_id:
        raise InviteError(_("%(email)s is already used by another account.", email=partner.email))
    partner.invite_nonce = secrets.token_urlsafe(16)
    partner.invited_at = now or utcnow()
    token = _serializer().dumps({"p": partner.id, "n": partner.invite_nonce})
    link = absolute_url("auth.accept_invite", token=token)
    with writing_for(user.locale if user is not None else None):
        enqueue_templated(
            to=[partner.email],
            subject=_("Your private space at %(practice)s", practice=practice().name),
            template="portal_invite",
            dedupe_key=f"invite:{partner.id}:{partner.invite_nonce}",
            couple_id=partner.couple_id,
            partner=partner,
            link=link,
        )
    return link


def partner_for_invite(token: str) -> Partner:
    """The partner a valid, unused, unexpired invitation is for; InviteError otherwise."""
    try:
        data = _serializer().loads(token, max_age=INVITE_MAX_AGE)
    except SignatureExpired as exc:
        raise InviteError(
            _("This invitation has expired. Ask your coach to send a new one.")
        ) from exc
    except BadSignature as exc:
        raise InviteError(_("This invitation link is not valid.")) from exc
    partner = db.session.get(Partner, data.get("p")) if isinstance(data, dict) else None
    if partner is None or not partner.invite_nonce or partner.invite_nonce != data.get("n"):
        raise InviteError(
            _(
                "This invitation has already been used or was replaced. "
                "Sign in, or ask your coach for a new one."
            )
        )
    return partner


@transactional()
def accept_invite(token: str, password: str) -> User:
    """Set the partner's password and open the portal to them."""
    partner = partner_for_invite(token)
    user = db.session.get(User, partner.user_id) if partner.user_id else None
    if user is not None:
        user.end_all_sessions()  # a returning partner starts from fresh sessions
    else:
        user = User(
            email=partner.email,
            display_name=f"{partner.first_name} {partner.last_name}".strip(),
            role=Role.CLIENT,
            timezone=partner.couple.timezone,
        )
        db.session.add(user)
    set_password(user, password)
    user.active = True
    db.session.flush()
    partner.user_id = user.id
    partner.invite_nonce = None
    return user


@transactional()
def revoke_access(partner: Partner) -> None:
    """The partner can no longer sign in, and any session they have ends."""
    partner.invite_nonce = None
    if partner.user is not None:
        partner.user.active = False
        partner.user.end_all_sessions()


def access_state(partner: Partner, user: User | None) -> str:
    """'active', 'invited', 'revoked' or 'none', for the couple's page."""
    if user is not None and user.active and user.password_hash:
        return "active"
    if partner.invite_nonce:
        return "invited"
    if user is not None and not user.active:
        return "revoked"
    return "none"
