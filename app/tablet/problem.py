"""What can go wrong when the tablet reads or writes, as the state objects see it, whichever
gateway answered: the API's refusal (its problem+json), no connection at all, or a log-in
refused by this tablet's own record while offline."""

from __future__ import annotations

from typing import Any


class ApiProblem(Exception):
    """The API answered with an error (problem+json), or could not be reached (status 0)."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.kind = kind  # the problem type's last segment: "invalid-pin", "out-of-stock", ...
        self.title = title
        self.detail = detail
        # The problem's own members beyond RFC 9457's: an out-of-stock names the line and
        # the locations that still have it, for the tablet to offer.
        self.extra = extra or {}

    @property
    def offline(self) -> bool:
        return self.status == 0


class OfflineLoginError(Exception):
    """An offline log-in this tablet's record refuses."""

    def __init__(self, reason: str) -> None:  # unknown | wrong_pin | locked | too_old
        super().__init__(reason)
        self.reason = reason
