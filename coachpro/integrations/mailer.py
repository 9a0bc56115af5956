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


def build_mime(email: OutgoingEmail) -> EmailMessage:
    """multipart/mixed[ multipart/alternative[text, html, calendar], attachments… ]."""
    msg = EmailMessage()
    # Header values are always one clean line, whatever a visitor typed into a name that
    # ended up in them: a line break in a header is refused by the email library (or, in
    # older code, starts a header of the attacker's choosing).
    msg["From"] = single_line(email.sender)
    msg["To"] = ", ".join(single_line(r) for r in email.recipients)
    msg["Subject"] = single_line(email.subject)[:300]
    msg["Date"] = format_datetime(email.date)
    msg["Message-ID"] = email.message_id
    msg.set_content(email.text_body)
    if email.html_body:
        msg.add_alternative(email.html_body, subtype="html")
    for att in email.attachments:
        if att.calendar_method:
            msg.add_alternative(
                att.data.decode("utf-8"), subtype="calendar", params={"method": att.calendar_method}
            )
    for att in email.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        params = {"method": att.calendar_method} if att.calendar_method else {}
        msg.add_attachment(
            att.data,
            maintype=maintype,
            subtype=subtype,
            filename=single_line(att.filename),
            params=params,
        )
    return msg


def message_id_for(outbox_id: int, domain: str) -> str:
    # Stable per outbox row: if a retry does deliver twice, mail clients collapse the copies.
    return f"<outbox-{outbox_id}@{domain}>"


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
