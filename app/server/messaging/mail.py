"""E-mail through an SMTP server (the standard library's client): STARTTLS and log-in when the
settings ask for them, a time-out so a slow server cannot hold a request for long."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

from app.server.messaging.base import MessagingError


@dataclass(frozen=True, slots=True)
class EmailMessageOut:
    to: str
    subject: str
    text: str
    lang: str = "tr"  # Content-Language: the customer's, which their mail program may use
    html: str | None = None  # an HTML alternative to the text (a look's pictures and button)
    # A stable id (a look's `<look-7@shop.example>`): a resend of the same message carries the
    # same one, so mail programs can tell it is not a new message. None: a fresh id each send.
    message_id: str | None = None
    headers: tuple[tuple[str, str], ...] = ()  # more headers, e.g. List-Unsubscribe


def sender_domain(sender: str) -> str | None:
    """The domain of `"Reyon <noreply@shop.example>"`: the right half of every Message-ID."""
    return sender.rpartition("@")[2].strip("> ") or None


class EmailSender(Protocol):
    def send(self, message: EmailMessageOut) -> None:
        """Hand the message over for delivery, or raise MessagingError."""
        ...


class SmtpSender:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self._user, self._password = user, password
        self._starttls, self._timeout = starttls, timeout

    def send(self, message: EmailMessageOut) -> None:
        mail = EmailMessage()
        try:
            mail["From"] = self.sender
            mail["To"] = message.to
            mail["Subject"] = message.subject
            mail["Message-ID"] = message.message_id or make_msgid(domain=sender_domain(self.sender))
            for name, value in message.headers:
                mail[name] = value
        except ValueError as exc:  # a line break in a header: never sent, never a 500
            raise MessagingError(f"bad header: {exc.__class__.__name__}") from exc
        mail["Date"] = formatdate(localtime=False)
        mail.set_content(message.text)  # first: it clears every Content-* header
        if message.html is not None:
            # multipart/alternative, text first: a mail program shows the last part it can.
            mail.add_alternative(message.html, subtype="html")
        mail["Content-Language"] = message.lang
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._user is not None and self._password is not None:
                    smtp.login(self._user, self._password)
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as exc:
            # OSError: refused, unreachable, timed out; the words name no recipient.
            raise MessagingError(f"smtp {self.host}:{self.port}: {type(exc).__name__}") from exc
