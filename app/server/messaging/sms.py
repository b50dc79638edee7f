"""Text messages. `SmsProvider` is what a real gateway will implement; `FileSmsProvider`
appends each message to a file as one JSON line, for the demo and the tests (which read the
consent codes there)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Protocol

from app.server.db import utcnow
from app.server.messaging.base import MessagingError


class SmsProvider(Protocol):
    def send(self, to: str, text: str) -> None:
        """Send `text` to the phone number `to` (+90XXXXXXXXXX), or raise MessagingError."""
        ...


class FileSmsProvider:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, to: str, text: str) -> None:
        line = json.dumps({"to": to, "text": text, "at": utcnow().isoformat()}, ensure_ascii=False)
        data = (line + "\n").encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write() of the whole line on an O_APPEND file: lines from several API
            # processes never interleave.
            with self._lock:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, data)
                finally:
                    os.close(fd)
        except OSError as exc:
            raise MessagingError(f"sms outbox {self.path}: {type(exc).__name__}") from exc
