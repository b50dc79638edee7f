"""The server's QR key ring: key ids to secrets, one of them active for new codes.

Every kind of server-made code names the key that made it, so a key can be rotated without
breaking codes in flight: add a new key, make it active, keep the old one until its codes are
gone (for shelf labels, until the labels are reprinted). Secrets come from settings
(`REYON_QR_KEYS`), never from the repository. Each purpose gets its own key material derived
with HKDF, so a leak of one (say, a shelf-label MAC) tells nothing about another.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.qr.envelope import TokenError

KEY_ID = re.compile(r"[A-Z2-7]")  # one base32 letter: 32 ids to rotate through, one character


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"reyon-qr-v1", info=purpose.encode()
    ).derive(secret)


@dataclass(frozen=True)
class KeyRing:
    secrets: Mapping[str, bytes]
    active: str
    # Derived once per key id and purpose: HKDF on every scan would be wasted work.
    _coupon_keys: dict[str, Ed25519PrivateKey] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _mac_keys: dict[tuple[str, str], bytes] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.secrets:
            raise ValueError("the QR key ring is empty")
        for kid, secret in self.secrets.items():
            if not KEY_ID.fullmatch(kid):
                raise ValueError(f"QR key id {kid!r}: one letter A-Z or digit 2-7")
            if len(secret) < 16:
                raise ValueError(f"QR key {kid}: the secret is shorter than 16 bytes")
        if self.active not in self.secrets:
            raise ValueError(f"the active QR key {self.active!r} is not in the ring")

    def _secret(self, kid: str) -> bytes:
        secret = self.secrets.get(kid)
        if secret is None:
            raise TokenError("unknown_key")
        return secret

    def mac(self, kid: str, purpose: str, message: bytes, size: int) -> bytes:
        """HMAC-SHA256 with the purpose's key, truncated to `size` bytes."""
        key = self._mac_keys.get((kid, purpose))
        if key is None:
            key = self._mac_keys[kid, purpose] = _derive(self._secret(kid), f"mac/{purpose}")
        return hmac.new(key, message, hashlib.sha256).digest()[:size]

    def coupon_key(self, kid: str) -> Ed25519PrivateKey:
        key = self._coupon_keys.get(kid)
        if key is None:
            seed = _derive(self._secret(kid), "ed25519/coupon")
            key = self._coupon_keys[kid] = Ed25519PrivateKey.from_private_bytes(seed)
        return key

    @cached_property
    def coupon_public_keys(self) -> dict[str, bytes]:
        """What a tablet needs to check coupon codes offline (raw 32-byte Ed25519 keys)."""
        return {
            kid: self.coupon_key(kid).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            for kid in self.secrets
        }
