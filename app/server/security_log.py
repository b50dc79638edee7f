"""Security events as log records of their own (logger `reyon.security`), so a retailer can
ship them to their log system apart from ordinary request logs: log-in failures, lock-outs,
consent changes, device enrolment and revocation, refused writes.

Each record carries the event name as its message and the fields under `extra["event"]`;
never a PIN, a code, a token or a customer's personal data, only ids."""

from __future__ import annotations

import logging
from typing import Any

from app.server.request_log import current_client

security = logging.getLogger("reyon.security")


def security_event(name: str, **fields: Any) -> None:
    """Record one security event, e.g. `security_event("login-failed", store="IST01", ...)`."""
    # Inside a request the log line carries its id; the calling address is added here.
    client = current_client()
    if client is not None:
        fields.setdefault("client", client)
    security.warning(name, extra={"event": {"name": name, **fields}})
