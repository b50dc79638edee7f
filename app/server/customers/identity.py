"""Identity QR codes on the server: the device keys brand apps register, and accepting a code
exactly once across every till and API process."""

from __future__ import annotations

import base64
import secrets
import time
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete
from sqlmodel import Session, col

from app.domain.errors import Invalid, NotFound
from app.qr.envelope import TokenError
from app.qr.identity import public_bytes, verify_identity
from app.qr.keys import KeyRing
from app.server.customers.models import Customer, DeviceKey, IdentityCodeUse
from app.server.db import core_table, insert_unless_exists, utcnow

_REFUSALS = {
    "expired": "The code has expired; ask the customer to refresh it in the app.",
    "replayed": "This code was already used. Ask the customer to show the code again: the "
    "app shows a new one every 30 seconds.",
    "bad_signature": "The code is not genuine.",
    "unknown_key": "The app that made this code is not registered (or was signed out).",
    "wrong_kind": "This is not a customer identity code.",
}


def refusal(exc: TokenError) -> Invalid:
    return Invalid(
        f"identity-token-{exc.reason.replace('_', '-')}",
        "This code cannot identify a customer",
        _REFUSALS.get(exc.reason, "The code is damaged or not a Reyon code."),
        reason=exc.reason,
    )


def decode_public_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise Invalid(
            "bad-public-key",
            "Not an Ed25519 public key",
            "public_key must be the base64 of a raw 32-byte Ed25519 public key.",
        )
    return raw


def register_device_key(
    session: Session, *, customer_id: int, public_key: bytes, label: str = ""
) -> DeviceKey:
    if session.get(Customer, customer_id) is None:
        raise NotFound("Customer", customer_id)
    # 63 random bits (PostgreSQL bigint is signed), never 0: a key id is in every code the
    # app shows, so it must not reveal how many customers or devices there are.
    key = DeviceKey(
        id=secrets.randbits(63) or 1,
        customer_id=customer_id,
        public_key=base64.b64encode(public_key).decode(),
        label=label,
    )
    session.add(key)
    session.flush()
    return key


def accept_identity_code(
    session: Session, payload: str, *, location_id: int | None, now: float | None = None
) -> int:
    """The customer id behind a genuine, current, never-used identity code; the code is used
    up in the caller's transaction (so a refused order later rolls the use back too)."""
    owner: dict[int, int] = {}

    def lookup(key_id: int) -> bytes | None:
        key = session.get(DeviceKey, key_id)
        if key is None or key.revoked_at is not None:
            return None
        owner[key_id] = key.customer_id
        return base64.b64decode(key.public_key)

    try:
        code = verify_identity(payload, lookup, now=time.time() if now is None else now)
        fresh = insert_unless_exists(
            session,
            core_table(IdentityCodeUse),
            {
                "device_key_id": code.device_key_id,
                "step": code.step,
                "location_id": location_id,
                "used_at": utcnow(),
            },
            ["device_key_id", "step"],
        )
        if not fresh:
            raise TokenError("replayed")
    except TokenError as exc:
        raise refusal(exc) from None
    return owner[code.device_key_id]


def purge_used_codes(session: Session, keep: timedelta) -> int:
    """Uses older than any code's lifetime can go: those codes are refused as expired."""
    result = session.execute(
        delete(IdentityCodeUse).where(col(IdentityCodeUse.used_at) < utcnow() - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def demo_device(session: Session, ring: KeyRing, customer_id: int) -> tuple[Ed25519PrivateKey, int]:
    """The demo wallet's stand-in for a phone: a device key derived from the server's key ring
    (so every API process and `reyon qr identity` agree without storing a private key),
    registered on first use. Only for demo mode and the CLI, never a real customer's device."""
    kid = ring.active
    seed = ring.mac(kid, "demo-device", str(customer_id).encode(), 32)
    private = Ed25519PrivateKey.from_private_bytes(seed)
    key_id = int.from_bytes(ring.mac(kid, "demo-device-id", str(customer_id).encode(), 8)) >> 1
    if session.get(DeviceKey, key_id) is None:
        if session.get(Customer, customer_id) is None:
            raise NotFound("Customer", customer_id)
        session.add(
            DeviceKey(
                id=key_id or 1,
                customer_id=customer_id,
                public_key=base64.b64encode(public_bytes(private)).decode(),
                label="demo wallet",
            )
        )
        session.flush()
    return private, key_id or 1
