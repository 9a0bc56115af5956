"""The practice's settings as the rest of the app reads them, and the coach's changes to them.

Read once per request (or per worker pass) at most: the value is kept on the database
session, which every request and every worker pass ends by removing, and a save replaces it.
"""

from dataclasses import dataclass, fields, replace
from datetime import datetime
from email.headerregistry import Address
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from coachpro.domain import video
from coachpro.domain.colors import AA_TEXT, accent_contrast, parse_hex
from coachpro.domain.formats import LOCALE_CHOICES
from coachpro.domain.images import Logo
from coachpro.domain.money import CURRENCIES
from coachpro.domain.text import single_line
from coachpro.domain.timezones import is_valid_timezone
from coachpro.extensions import db
from coachpro.marks import N_
from coachpro.models import AuditEvent, BookingSettings, PracticeLogo, PracticeSettings, User
from coachpro.services.field_problems import FieldProblems
from coachpro.services.unit_of_work import transactional

_KEPT = "coachpro.practice"


@dataclass(frozen=True)
class Practice:
    name: str
    tagline: str
    timezone: str
    currency: str
    contact_email: str | None
    reply_to: str | None
    sender_name: str | None
    bank_transfer_instructions: str | None
    cards_offered: bool
    sent_email_retention_days: int
    accent_color: str | None  # None: CoachPro's own plum
    logo_sha256: str | None  # None: no logo (the brand mark and the name)
    default_locale: str = "en_US"  # language and formats when a person's are not known
    video_mode: str = video.NONE  # no link, one fixed link, or a private Jitsi room each
    video_link: str | None = None  # the fixed link
    jitsi_host: str = video.DEFAULT_JITSI_HOST

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def sender(self) -> str:
        """The From header: the sender name (or the practice's) with the server's address,
        unencoded (the email library encodes it when sending) and short enough to store."""
        configured = current_app.config["MAIL_DEFAULT_SENDER"]
        _name, address = parseaddr(configured)
        if not address:
            return configured
        name = single_line(self.sender_name or self.name)
        while len(sender := str(Address(display_name=name, addr_spec=address))) > 254:
            name = name[:-10]
        return sender


# What the coach sees in the audit log for each field.
# (Stored in English; catalogue entries, so the confirmation says them in the coach's language.)
LABELS = {
    "name": N_("practice name"),
    "tagline": N_("tagline"),
    "timezone": N_("time zone"),
    "currency": N_("currency"),
    "contact_email": N_("contact email"),
    "reply_to": N_("reply-to address"),
    "sender_name": N_("sender name"),
    "bank_transfer_instructions": N_("bank-transfer instructions"),
    "cards_offered": N_("card payments offered"),
    "sent_email_retention_days": N_("how long sent emails are kept"),
    "prospect_retention_months": N_("how long prospects are kept"),
    "accent_color": N_("accent colour"),
    "logo_sha256": N_("logo"),
    "default_locale": N_("language and formats"),
    "video_mode": N_("video calls"),
    "video_link": N_("video link"),
    "jitsi_host": N_("Jitsi server"),
}


def _defaults() -> Practice:
    config = current_app.config
    return Practice(
        name=config["PRACTICE_NAME"],
        tagline="Relationship coaching for couples",
        timezone=config["PRACTICE_TIMEZONE"],
        currency="USD",
        contact_email=None,
        reply_to=None,
        sender_name=None,
        bank_transfer_instructions=None,
        cards_offered=True,
        sent_email_retention_days=config["SENT_EMAIL_RETENTION_DAYS"],
        accent_color=None,
        logo_sha256=None,
    )


def practice() -> Practice:
    """The practice's settings: those the coach saved, or the server's defaults."""
    kept = db.session.info.get(_KEPT)
    if kept is None:
        row = db.session.get(PracticeSettings, 1)
        if row is None:
            kept = _defaults()
        else:
            kept = Practice(**{f.name: getattr(row, f.name) for f in fields(Practice)})
        db.session.info[_KEPT] = kept
    return kept


class SettingsError(FieldProblems):
    """The settings cannot be saved: `problems` per field of the settings form."""


def _check(new: Practice) -> None:
    problems = {}
    if not new.name.strip():
        problems["name"] = _("Give the practice a name.")
    if not is_valid_timezone(new.timezone):
        problems["timezone"] = _("Choose a time zone from the list.")
    if new.currency not in CURRENCIES:
        problems["currency"] = _("Choose a currency from the list.")
    if new.default_locale not in {tag for tag, _name in LOCALE_CHOICES}:
        problems["default_locale"] = _("Choose a language from the list.")
    if not 7 <= new.sent_email_retention_days <= 3650:
        problems["sent_email_retention_days"] = _("Use 7 to 3650 days.")
    if new.accent_color is not None:
        try:
            ratio = accent_contrast(parse_hex(new.accent_color))
        except ValueError:
            problems["accent_color"] = _("Use a colour like #6b3a6e.")
        else:
            if ratio < AA_TEXT:
                problems["accent_color"] = _(
                    "Text on this colour would be hard to read (%(ratio)s:1; it needs "
                    "%(needed)s:1). Choose a darker shade.",
                    ratio=f"{ratio:.1f}",
                    needed=AA_TEXT,
                )
    if new.video_mode not in video.MODES:
        problems["video_mode"] = _("Choose one of the ways to meet.")
    elif new.video_mode == video.FIXED and not (
        new.video_link and video.valid_meeting_link(new.video_link)
    ):
        problems["video_link"] = _(
            "Paste the meeting's full address, starting with https:// (for example your Zoom "
            "personal room or a Google Meet link)."
        )
    if new.video_mode == video.JITSI and not video.valid_host(new.jitsi_host):
        problems["jitsi_host"] = _("Write the Jitsi server's name, like meet.jit.si.")
    if problems:
        raise SettingsError(problems)


@transactional()
def save_practice(
    new: Practice,
    by: User,
    now: datetime,
    *,
    logo: Logo | None = None,
    remove_logo: bool = False,
    prospect_retention_months: int | None = None,
) -> list[str]:
    """Save the coach's settings; returns the labels of what changed, as the audit log
    records them. A new time zone or name moves the calendar's version on (the calendar's
    flush listener sees it): every booked instant stays where it is, and the free times and
    the feed are worked out again."""
    if new.accent_color is not None:
        new = replace(new, accent_color=new.accent_color.strip().lower())
    _check(new)
    if logo is not None:
        new = replace(new, logo_sha256=logo.sha256)
    elif remove_logo:
        new = replace(new, logo_sha256=None)
    old = practice()
    changed = [f.name for f in fields(Practice) if getattr(old, f.name) != getattr(new, f.name)]
    # Kept with the booking rules (retention reads it there), edited with the other data.
    booking = db.session.get(BookingSettings, 1)
    if (
        prospect_retention_months is not None
        and booking is not None
        and booking.prospect_retention_months != prospect_retention_months
    ):
        if not 1 <= prospect_retention_months <= 120:
            raise SettingsError({"prospect_retention_months": _("Use 1 to 120 months.")})
        booking.prospect_retention_months = prospect_retention_months
        changed.append("prospect_retention_months")
    if not changed:
        return []
    row = db.session.get(PracticeSettings, 1)
    if row is None:
        row = PracticeSettings(id=1)
        db.session.add(row)
    for name in (f.name for f in fields(Practice)):
        setattr(row, name, getattr(new, name))
    if "logo_sha256" in changed:
        stored = db.session.get(PracticeLogo, 1)
        if logo is None:
            if stored is not None:
                db.session.delete(stored)
        elif stored is None:
            db.session.add(PracticeLogo(id=1, png=logo.png, sha256=logo.sha256,
                                        width=logo.width, height=logo.height))  # fmt: skip
        else:
            stored.png, stored.sha256 = logo.png, logo.sha256
            stored.width, stored.height = logo.width, logo.height
    row.updated_at = now
    db.session.add(
        AuditEvent(
            actor_id=by.id,
            action="settings.changed",
            subject="practice",
            # Which fields, not their values: the log is for "who changed what, when".
            details={"fields": [LABELS[name] for name in changed]},
        )
    )
    db.session.info.pop(_KEPT, None)  # read afresh, from what this transaction wrote
    return [LABELS[name] for name in changed]


def stored_logo() -> PracticeLogo | None:
    return db.session.get(PracticeLogo, 1)
