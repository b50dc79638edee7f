"""Masking personal data shown before a customer is identified or consents (KVKK / GDPR)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """ "Ayşe" -> "A***"."""
    name = name.strip()
    return f"{name[0]}***" if name else ""


def mask_phone(phone: str | None) -> str | None:
    """ "+905321234567" -> "*** *** 45 67": the last four digits help confirm who it is."""
    if not phone:
        return phone
    digits = [c for c in phone if c.isdigit()]
    if len(digits) < 4:
        return "***"
    tail = "".join(digits[-4:])
    return f"*** *** {tail[:2]} {tail[2:]}"


def mask_email(email: str | None) -> str | None:
    """ "ayse.yilmaz@example.com" -> "a***@e***.com"."""
    if not email or "@" not in email:
        return "***" if email else email
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    masked_host = f"{host[:1]}***" if host else "***"
    return f"{local[:1]}***@{masked_host}{dot}{tld}"


def mask_address(address: dict[str, str | None]) -> dict[str, str | None]:
    """A delivery address as someone may see it who may not see the customer: the city stays
    (which store or carrier), the person and the street do not."""
    masked: dict[str, str | None] = dict(address)
    for key, value in address.items():
        if not value:
            continue
        if key == "recipient":
            masked[key] = " ".join(mask_name(word) for word in value.split())
        elif key == "phone":
            masked[key] = mask_phone(value)
        elif key != "city":
            masked[key] = "***"
    return masked
