"""Normalising phone numbers and e-mail addresses so search finds what was typed."""

from __future__ import annotations

from typing import Literal

# How a message reaches a customer: a text to their phone, or an e-mail.
Channel = Literal["sms", "email"]


def normalize_phone(raw: str) -> str | None:
    """Turkish numbers to +90XXXXXXXXXX; other international numbers kept as +digits."""
    if any(c.isdigit() and not c.isascii() for c in raw):
        return None  # Arabic-Indic, full-width or superscript digits: ask for the number again
    digits = "".join(c for c in raw if c.isascii() and c.isdigit())
    if raw.strip().startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    if len(digits) == 10 and digits.startswith("5"):
        return "+90" + digits
    if len(digits) == 11 and digits.startswith("0"):
        return "+9" + digits
    if len(digits) == 12 and digits.startswith("90"):
        return "+" + digits
    if len(digits) == 14 and digits.startswith("0090"):
        return "+" + digits[2:]
    return None


def normalize_email(raw: str) -> str | None:
    email = raw.strip().lower()
    local, at, domain = email.partition("@")
    labels = domain.split(".")
    if (
        not at
        or not local
        or "@" in domain
        or len(labels) < 2
        or not all(labels)
        or any(c.isspace() or not c.isprintable() for c in email)
    ):
        return None
    return email
