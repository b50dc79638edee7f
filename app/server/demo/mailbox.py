"""The demo's own SMTP server: `reyon demo` points the API and the worker at it, so looks and
consent codes go out through a real SMTP conversation, and nobody's real address gets mail from
a demo. Every message is kept as an .eml file (numbered, oldest first) and shown at /demo/mail.
"""

from __future__ import annotations

import os
import socket
import threading
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

SENDER = "Reyon Demo <noreply@reyon.demo>"
_NAME = "{:06d}.eml"


def numbers(folder: Path) -> list[int]:
    """The kept messages' numbers, newest first."""
    if not folder.is_dir():
        return []
    found = (p.stem for p in folder.glob("*.eml"))
    return sorted((int(stem) for stem in found if stem.isdigit()), reverse=True)


def read(folder: Path, number: int, *, headers_only: bool = False) -> EmailMessage | None:
    path = folder / _NAME.format(number)
    try:
        with path.open("rb") as fp:
            message = BytesParser(policy=policy.default).parse(fp, headersonly=headers_only)
    except FileNotFoundError:
        return None
    assert isinstance(message, EmailMessage)
    return message


class DemoMailbox:
    def __init__(self, folder: Path, host: str = "127.0.0.1") -> None:
        self.folder = folder
        self.host = host
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.keep(raw if isinstance(raw, bytes) else str(raw).encode())
        return "250 Message accepted for delivery"

    def keep(self, raw: bytes) -> Path:
        """Written whole under a temporary name, then renamed: the page never reads half."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            number = max(numbers(self.folder), default=0) + 1
            path = self.folder / _NAME.format(number)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(raw)
            os.replace(tmp, path)
        return path

    def start(self) -> int:
        """Listen on a free loopback port (a thread of its own, with its own event loop, beside
        uvicorn's); the port."""
        with socket.socket() as probe:
            probe.bind((self.host, 0))
            self.port = int(probe.getsockname()[1])
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self.port

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def env(self) -> dict[str, str]:
        """The settings that send the API's and the worker's e-mail here."""
        return {
            "REYON_SMTP_HOST": self.host,
            "REYON_SMTP_PORT": str(self.port),
            "REYON_SMTP_FROM": SENDER,
            "REYON_SMTP_STARTTLS": "false",  # loopback, no certificate
            "REYON_DEMO_MAIL_DIR": str(self.folder),
        }
