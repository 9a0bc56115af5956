"""The practice's own settings, edited by the coach in the browser (one row)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coachpro.extensions import Model
from coachpro.models.types import UTCDateTime


class PracticeSettings(Model):
    """Absent until the coach first saves the settings page: until then the practice runs on
    the defaults the server was started with (PRACTICE_NAME, PRACTICE_TIMEZONE). Secrets are
    never here: they stay in the environment."""

    __tablename__ = "practice_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("length(name) > 0", name="has_name"),
        CheckConstraint("length(currency) = 3 AND currency = upper(currency)", name="currency_iso"),
        CheckConstraint(
            "sent_email_retention_days BETWEEN 7 AND 3650", name="sent_email_retention_range"
        ),
        CheckConstraint("accent_color IS NULL OR length(accent_color) = 7", name="accent_hex"),
        CheckConstraint("video_mode IN ('none', 'fixed', 'jitsi')", name="video_mode_known"),
        CheckConstraint(
            "video_mode <> 'fixed' OR video_link IS NOT NULL", name="fixed_video_has_link"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    tagline: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    # Language and formats for whoever has not chosen theirs and whose browser asks for none
    # CoachPro speaks.
    default_locale: Mapped[str] = mapped_column(String(16), default="en_US",
                                                server_default="en_US")  # fmt: skip
    currency: Mapped[str] = mapped_column(String(3))  # for new packages and manual payments
    contact_email: Mapped[str | None] = mapped_column(String(254))  # shown to clients
    reply_to: Mapped[str | None] = mapped_column(String(254))  # where replies to emails go
    sender_name: Mapped[str | None] = mapped_column(String(120))  # None: the practice's name
    bank_transfer_instructions: Mapped[str | None] = mapped_column(Text)
    cards_offered: Mapped[bool] = mapped_column(default=True)  # when Stripe keys are set
    # Sent (and failed) emails are deleted this long after they were written.
    sent_email_retention_days: Mapped[int] = mapped_column(default=90)
    accent_color: Mapped[str | None] = mapped_column(String(7))  # "#6b3a6e"; None: ours
    # The logo's fingerprint, in its address: a new logo is a new address, cached for ever.
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    # Video calls: none, one fixed link for every appointment, or a private Jitsi room each.
    video_mode: Mapped[str] = mapped_column(String(8), default="none", server_default="none")
    video_link: Mapped[str | None] = mapped_column(String(500))
    jitsi_host: Mapped[str] = mapped_column(String(253), default="meet.jit.si",
                                            server_default="meet.jit.si")  # fmt: skip
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PracticeLogo(Model):
    """The logo as CoachPro re-encoded it (PNG, at most 600×200): never the uploaded file.
    Apart from the settings so that reading them each request does not carry the image."""

    __tablename__ = "practice_logos"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]


class EmailTemplate(Model):
    """The coach's own subject and body for one kind of email (services/email_templates);
    deleting the row restores the built-in email."""

    __tablename__ = "email_templates"
    __table_args__ = (
        CheckConstraint("length(subject) > 0 AND length(body) > 0", name="not_empty"),
    )

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
