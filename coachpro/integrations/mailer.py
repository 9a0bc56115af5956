"""Turning outbox rows into MIME messages and handing them to SMTP (or to .eml files)."""

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

from coachpro.domain.text import single_line


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes
    # For invites: "REQUEST" or "CANCEL". Calendar clients want the invite both as an inline
    # text/calendar alternative (with the method) and as a downloadable file.
    calendar_method: str | None = None


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    sender: str
    recipients: list[str]
    subject: str
    text_body: str
    html_body: str | None
    attachments: list[Attachment]
    message_id: str
    date: datetime
    # Optional mail only: where one click unsubscribes (RFC 8058).
    unsubscribe_url: str | None = None
    reply_to: str | None = None  # the practice's reply-to address, when it has one


def build_mime(email: OutgoingEmail) -> EmailMessage:
    """multipart/mixed[ multipart/alternative[text, html, calendar], attachments… ].

    Every text part is UTF-8 in quoted-printable, so the message is 7-bit clean and no
    server without 8BITMIME mangles it; every calendar part says its charset, so a name
    like "Zoë" reads the same in every calendar client.
    """
    msg = EmailMessage()
    # Header values are always one clean line, whatever a visitor typed into a name that
    # ended up in them: a line break in a header is refused by the email library (or, in
    # older code, starts a header of the attacker's choosing).
    msg["From"] = single_line(email.sender)
    msg["To"] = ", ".join(single_line(r) for r in email.recipients)
    msg["Subject"] = single_line(email.subject)[:300]
    msg["Date"] = format_datetime(email.date)
    msg["Message-ID"] = single_line(email.message_id)
    if email.reply_to:
        msg["Reply-To"] = single_line(email.reply_to)
    # Every message CoachPro sends is automatic: out-of-office replies should not answer it.
    msg["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe_url:
        msg["List-Unsubscribe"] = f"<{single_line(email.unsubscribe_url)}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(email.text_body, charset="utf-8", cte="quoted-printable")
    if email.html_body:
        msg.add_alternative(
            email.html_body, subtype="html", charset="utf-8", cte="quoted-printable"
        )
    for att in email.attachments:
        if att.calendar_method:
            msg.add_alternative(
                att.data.decode("utf-8"),
                subtype="calendar",
                charset="utf-8",
                cte="quoted-printable",
                params={"method": att.calendar_method},
            )
    for att in email.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        params = {"method": att.calendar_method} if att.calendar_method else {}
        if maintype == "text":
            params["charset"] = "utf-8"
        msg.add_attachment(
            att.data,
            maintype=maintype,
            subtype=subtype,
            filename=single_line(att.filename),
            params=params,
        )
    return msg


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float = 30.0

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.use_ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.use_tls and not self.use_ssl:
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password)
            client.send_message(message)


@dataclass(frozen=True)
class FileTransport:
    """Development stand-in for SMTP: each message becomes an .eml file you can open."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = message["Message-ID"].strip("<>").split("@")[0]
        (self.directory / f"{stem}.eml").write_bytes(message.as_bytes())
