"""Taking payment on the customer's own phone, behind one small interface, so a real payment
provider (iyzico, PayTR, Stripe ...) plugs in where the test provider is.

The provider only charges; Reyon records the payment and moves the order to `paid` in its
own transaction (storefront/service.py), so one order is paid at most once whatever the
provider does on a double tap."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ChargeResult:
    ok: bool
    provider_ref: str
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def charge(
        self, *, order_id: int, amount_kurus: int, currency: str, reference: str
    ) -> ChargeResult: ...


class TestProvider:
    """Accepts every charge: for the demo and the tests. Never in production."""

    name = "test"

    def charge(
        self, *, order_id: int, amount_kurus: int, currency: str, reference: str
    ) -> ChargeResult:
        return ChargeResult(True, f"test_{order_id}_{secrets.token_hex(6)}")
