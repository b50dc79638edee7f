"""What every sender shares."""

from __future__ import annotations

from app.domain.contact import Channel

__all__ = ["Channel", "MessagingError"]


class MessagingError(Exception):
    """The message could not be handed over; `reason` says why, for the log (no recipient)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
