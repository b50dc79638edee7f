"""The senders the settings name, behind one object that routes use."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.domain.errors import Unavailable
from app.server.messaging.base import Channel, MessagingError
from app.server.messaging.mail import EmailMessageOut, EmailSender, SmtpSender
from app.server.messaging.sms import FileSmsProvider, SmsProvider
from app.settings import ApiSettings

log = logging.getLogger("reyon.messaging")


class MessagingUnavailable(Unavailable):
    """This channel is not configured, or its server did not take the message."""

    def __init__(self, channel: Channel, detail: str) -> None:
        super().__init__(
            "messaging-unavailable",
            "Messages cannot be sent now",
            detail,
            channel=channel,
        )


@dataclass
class Messaging:
    email: EmailSender | None
    sms: SmsProvider

    @classmethod
    def from_settings(cls, settings: ApiSettings) -> Messaging:
        email: EmailSender | None = None
        if settings.smtp_host is not None and settings.smtp_from is not None:
            email = SmtpSender(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                user=settings.smtp_user,
                password=(
                    settings.smtp_password.get_secret_value() if settings.smtp_password else None
                ),
                starttls=settings.smtp_starttls,
                timeout=settings.smtp_timeout_seconds,
            )
        # settings.sms_provider is a closed set checked at start-up; "file" is the only one yet.
        sms: SmsProvider = FileSmsProvider(settings.sms_outbox_file)
        return cls(email=email, sms=sms)

    def can_send(self, channel: Channel) -> bool:
        return channel == "sms" or self.email is not None

    def require(self, channel: Channel) -> None:
        """Before any work is done for a message: refused when the channel has no sender."""
        if not self.can_send(channel):
            raise MessagingUnavailable(
                channel, "E-mail is not set up on this server (REYON_SMTP_HOST); use SMS."
            )

    def send(
        self,
        channel: Channel,
        *,
        to: str,
        subject: str,
        text: str,
        lang: str,
        html: str | None = None,
        message_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """`html`, `message_id` and `headers` shape an e-mail (a look's); a text message is
        `text` alone."""
        self.require(channel)
        try:
            if channel == "email":
                assert self.email is not None
                self.email.send(
                    EmailMessageOut(
                        to=to,
                        subject=subject,
                        text=text,
                        lang=lang,
                        html=html,
                        message_id=message_id,
                        headers=tuple((headers or {}).items()),
                    )
                )
            else:
                self.sms.send(to, text)
        except MessagingError as exc:
            log.warning("%s not sent: %s", channel, exc.reason)
            raise MessagingUnavailable(
                channel, f"The {channel} could not be sent; try again or use another way."
            ) from None


async def get_messaging(request: Request) -> Messaging:
    """One Messaging per API process, made at first use from the app's settings."""
    state = request.app.state
    messaging: Messaging | None = getattr(state, "messaging", None)
    if messaging is None:
        messaging = Messaging.from_settings(state.settings)
        state.messaging = messaging
    return messaging


MessagingDep = Annotated[Messaging, Depends(get_messaging)]
