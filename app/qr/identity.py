"""Customer identity codes, made by the brand's app, scanned by the associate.

The app holds an Ed25519 key pair made on the phone; only its public key is registered with
Reyon (`POST /v1/identity/device-keys`), under a random 64-bit key id. Every 30 seconds the app
shows a new code: `RY1I` + base32(key id | time step | signature over both). So:
- the code never carries the customer id, and a photo of it is stale within a minute;
- anyone holding the public key can check it, so a tablet verifies it offline for the
  customers it has cached (public keys are not secret);
- a code is single-use: the server records (key id, step) when it is accepted, and refuses
  the same code at every till and API process (the replay store is a table).

`make_identity` is the reference generator for the brand app's developers.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.qr.envelope import PREFIX, TokenError, b32, split, unb32

KIND = "I"
STEP_SECONDS = 30
SKEW_STEPS = 1  # one step either way: phones and tablets disagree on the time
_BODY = struct.Struct(">QI")  # key id, step
_SIG = 64


@dataclass(frozen=True)
class IdentityCode:
    device_key_id: int
    step: int

    @property
    def expires_at(self) -> float:
        """Unix time after which no clock within the allowed skew accepts it."""
        return (self.step + 1 + SKEW_STEPS) * STEP_SECONDS


def step_at(now: float) -> int:
    return int(now // STEP_SECONDS)


def new_device_key() -> tuple[Ed25519PrivateKey, bytes]:
    """What the app does once per install: a key pair, and the public key to register."""
    private = Ed25519PrivateKey.generate()
    return private, public_bytes(private)


def public_bytes(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def make_identity(private: Ed25519PrivateKey, device_key_id: int, now: float | None = None) -> str:
    """The code the app shows now (a new one every 30 seconds)."""
    header = PREFIX + KIND
    body = _BODY.pack(device_key_id, step_at(time.time() if now is None else now))
    return header + b32(body + private.sign(header.encode() + body))


def parse_identity(payload: str) -> tuple[IdentityCode, bytes, bytes]:
    """(code, signed bytes, signature) without checking anything but the shape."""
    header, text = split(payload, KIND)
    raw = unb32(text)
    if len(raw) != _BODY.size + _SIG:
        raise TokenError("malformed")
    body, sig = raw[: _BODY.size], raw[_BODY.size :]
    key_id, step = _BODY.unpack(body)
    if key_id == 0:
        raise TokenError("malformed")
    return IdentityCode(key_id, step), header.encode() + body, sig


def verify_identity(
    payload: str, public_key: Callable[[int], bytes | None], *, now: float | None = None
) -> IdentityCode:
    """A genuine code, current within one step of clock skew. `public_key` looks a device key
    id up (in the database, or a tablet's cache) and gives None for unknown or revoked keys.
    Replays are the caller's to refuse: see `IdentityCode.device_key_id` and `.step`."""
    code, signed, sig = parse_identity(payload)
    raw_key = public_key(code.device_key_id)
    if raw_key is None:
        raise TokenError("unknown_key")
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(sig, signed)
    except (InvalidSignature, ValueError):
        raise TokenError("bad_signature") from None
    if abs(step_at(time.time() if now is None else now) - code.step) > SKEW_STEPS:
        raise TokenError("expired")
    return code
