"""The senders of app/server/messaging against real counterparts: e-mail through a real SMTP
server (aiosmtpd on loopback), text messages into the test provider's file; and the settings
that choose them, refused at start-up when they cannot work."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.server.errors import problem
from app.server.messaging import (
    EmailMessageOut,
    FileSmsProvider,
    Messaging,
    MessagingError,
    MessagingUnavailable,
    SmtpSender,
)
from app.settings import ApiSettings
from tests.mail import SENDER, mail_sink
from tests.server import free_port


def _settings(**values: object) -> ApiSettings:
    return ApiSettings(_env_file=None, **values)  # type: ignore[call-arg]


def test_an_e_mail_reaches_a_real_smtp_server() -> None:
    sink = mail_sink()
    before = sink.count()
    sender = SmtpSender(
        host="127.0.0.1", port=sink.controller.port, sender=SENDER, starttls=False, timeout=30
    )
    sender.send(
        EmailMessageOut(to="ayse@example.org", subject="Onay kodu", text="Kod: 123456", lang="tr")
    )
    mail = sink.wait_for(lambda m: m["To"] == "ayse@example.org", after=before)
    assert mail["Subject"] == "Onay kodu" and mail["From"] == SENDER
    assert mail["Content-Language"] == "tr" and mail["Message-ID"]
    assert mail.get_content().strip() == "Kod: 123456"
    # A recipient that would smuggle in a header is never sent (and is no 500 either).
    with pytest.raises(MessagingError, match="bad header"):
        sender.send(
            EmailMessageOut(to="a@example.org\r\nBcc: b@example.org", subject="s", text="t")
        )
    assert sink.count() == before + 1


def test_an_unreachable_smtp_server_is_a_503_problem_not_a_crash() -> None:
    port = free_port()  # nothing listens there
    messaging = Messaging.from_settings(
        _settings(smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER, smtp_starttls=False)
    )
    assert messaging.email is not None
    with pytest.raises(MessagingError):
        messaging.email.send(EmailMessageOut(to="a@example.org", subject="s", text="t"))
    with pytest.raises(MessagingUnavailable) as refused:
        messaging.send("email", to="a@example.org", subject="s", text="t", lang="en")
    wire = problem(refused.value)  # the API layer's form of the domain error
    assert wire.status == 503 and refused.value.kind == "messaging-unavailable"
    assert "a@example.org" not in str(wire.body())


def test_without_smtp_e_mail_is_unavailable_and_sms_still_works(tmp_path: Path) -> None:
    outbox = tmp_path / "out" / "sms.jsonl"
    messaging = Messaging.from_settings(_settings(smtp_host="", sms_outbox_file=outbox))
    assert messaging.email is None and not messaging.can_send("email")
    with pytest.raises(MessagingUnavailable):
        messaging.require("email")
    messaging.send("sms", to="+905321234567", subject="", text="Kod: 654321", lang="tr")
    [line] = outbox.read_text().splitlines()
    sent = json.loads(line)
    assert sent["to"] == "+905321234567" and sent["text"] == "Kod: 654321" and sent["at"]


def test_the_file_provider_writes_whole_lines_from_many_threads(tmp_path: Path) -> None:
    provider = FileSmsProvider(tmp_path / "sms.jsonl")
    text = "Çok uzun bir ileti " * 40

    def send(i: int) -> None:
        for j in range(25):
            provider.send(f"+90555000{i:04d}", f"{text}{j}")

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert len(lines) == 200 and all(json.loads(x)["text"].startswith(text) for x in lines)


def test_settings_that_cannot_send_refuse_to_start() -> None:
    with pytest.raises(ValidationError, match="sms_provider"):
        _settings(sms_provider="carrier-pigeon")
    with pytest.raises(ValidationError, match="SMTP_FROM"):
        _settings(smtp_host="mail.example.org")
    with pytest.raises(ValidationError, match="SMTP_FROM"):
        _settings(smtp_host="mail.example.org", smtp_from="not an address")
    with pytest.raises(ValidationError, match="go together"):
        _settings(smtp_host="mail.example.org", smtp_from=SENDER, smtp_user="reyon")
    with pytest.raises(ValidationError, match="consent_challenge_limit_per_customer"):
        _settings(consent_challenge_limit_per_customer="often")
    assert _settings(smtp_host="  ").smtp_host is None
    ok = _settings(smtp_host="mail.example.org", smtp_from=SENDER)
    assert ok.smtp_starttls and ok.smtp_port == 587 and ok.sms_provider == "file"
