"""A real SMTP server for the tests (aiosmtpd, on a free loopback port, in the test process):
every API the tests start sends its e-mail here, and a test waits for the message it expects
(the consent code it carries) instead of sleeping."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.server import HANG_S, free_port

SENDER = "Reyon Test <noreply@reyon.test>"


@dataclass
class Stall:
    """A message held inside DATA: the client has sent it all and waits for the server's
    answer, which comes only on `released`. A client that vanishes meanwhile (killed) ends the
    SMTP transaction unfinished: the message is dropped, as a mail server drops it."""

    match: Callable[[EmailMessage], bool]
    entered: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    dropped: threading.Event = field(default_factory=threading.Event)


class MailSink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._changed = threading.Condition()
        self._stalls: list[Stall] = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    def stall(self, match: Callable[[EmailMessage], bool]) -> Stall:
        """Hold the next message that `match`es inside DATA (once)."""
        stall = Stall(match)
        with self._changed:
            self._stalls.append(stall)
        return stall

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._changed:
            stall = next((s for s in self._stalls if s.match(message)), None)
            if stall is not None:
                self._stalls.remove(stall)
        if stall is not None:
            stall.entered.set()
            try:  # aiosmtpd cancels this when the client's connection closes
                await asyncio.get_running_loop().run_in_executor(None, stall.released.wait)
            except asyncio.CancelledError:
                stall.dropped.set()
                raise
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def api_env(self) -> dict[str, str]:
        return {
            "REYON_SMTP_HOST": "127.0.0.1",
            "REYON_SMTP_PORT": str(self.controller.port),
            "REYON_SMTP_FROM": SENDER,
            "REYON_SMTP_STARTTLS": "false",  # a loopback server without a certificate
        }

    def wait_for(
        self, match: Callable[[EmailMessage], bool], *, after: int = 0, timeout: float = HANG_S
    ) -> EmailMessage:
        """The first message from index `after` on that `match`es, once it has arrived."""
        with self._changed:
            found: list[EmailMessage] = []

            def arrived() -> bool:
                found[:] = [m for m in self.messages[after:] if match(m)]
                return bool(found)

            if not self._changed.wait_for(arrived, timeout):
                raise AssertionError(f"no such e-mail within {timeout} s")
            return found[0]

    def count(self) -> int:
        with self._changed:
            return len(self.messages)


_sink: MailSink | None = None
_lock = threading.Lock()


def mail_sink() -> MailSink:
    """The one server of this test process, started at first use."""
    global _sink
    with _lock:
        if _sink is None:
            sink = MailSink()
            sink.controller.start()
            _sink = sink
        return _sink
