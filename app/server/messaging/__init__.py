"""Messages to customers by e-mail and SMS: one-time consent codes now, clienteling outreach
later. `Messaging.from_settings` picks the senders the settings name; `get_messaging` gives
the API process's one instance to a route.

Sending happens in the request that asks for it (a consent code is awaited by the associate
and the customer standing at the till); a message that cannot go is a 503 problem
(`messaging-unavailable`), never a 500."""

from app.server.messaging.base import Channel, MessagingError
from app.server.messaging.mail import EmailMessageOut, EmailSender, SmtpSender
from app.server.messaging.service import (
    Messaging,
    MessagingDep,
    MessagingUnavailable,
    get_messaging,
)
from app.server.messaging.sms import FileSmsProvider, SmsProvider

__all__ = [
    "Channel",
    "EmailMessageOut",
    "EmailSender",
    "FileSmsProvider",
    "Messaging",
    "MessagingDep",
    "MessagingError",
    "MessagingUnavailable",
    "SmsProvider",
    "SmtpSender",
    "get_messaging",
]
