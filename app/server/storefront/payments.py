"""Taking payment on the customer's own phone, and giving it back for a return, behind one small
interface, so a real payment provider (iyzico, PayTR, Stripe ...) plugs in where the test
provider is.

The provider only charges and refunds; Reyon records the payment and moves the order to `paid`
in its own transaction (storefront/service.py), so one order is paid at most once whatever the
provider does on a double tap. A refund carries Reyon's reference, and a provider answers a
second refund with the same reference with the first one's result (every real provider takes
such a key): a return retried after its first attempt's transaction was lost is not paid out
twice."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ChargeResult:
    ok: bool
    provider_ref: str
    message: str = ""


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    refund_ref: str  # the provider's id of the refund ("" when refused)
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def charge(
        self, *, order_id: int, amount_kurus: int, currency: str, reference: str
    ) -> ChargeResult: ...

    def refund(
        self, *, payment_ref: str, amount_kurus: int, currency: str, reference: str
    ) -> RefundResult: ...


@dataclass(frozen=True)
class _Refund:
    payment_ref: str
    amount_kurus: int
    currency: str
    result: RefundResult


class TestProvider:
    """Accepts every charge and every refund, and remembers its refunds by reference as a real
    provider does: for the demo and the tests. Never in production."""

    __test__ = False  # not a pytest test class, whatever its name
    name = "test"

    def __init__(self) -> None:
        self._refunds: dict[str, _Refund] = {}
        self._lock = threading.Lock()  # requests run in threads of one process

    def charge(
        self, *, order_id: int, amount_kurus: int, currency: str, reference: str
    ) -> ChargeResult:
        return ChargeResult(True, f"test_{order_id}_{secrets.token_hex(6)}")

    def refund(
        self, *, payment_ref: str, amount_kurus: int, currency: str, reference: str
    ) -> RefundResult:
        with self._lock:
            earlier = self._refunds.get(reference)
            if earlier is not None:
                if (earlier.payment_ref, earlier.amount_kurus, earlier.currency) != (
                    payment_ref,
                    amount_kurus,
                    currency,
                ):
                    return RefundResult(False, "", "reference used for another refund")
                return earlier.result
            if amount_kurus <= 0:
                return RefundResult(False, "", "nothing to refund")
            result = RefundResult(True, f"test_refund_{secrets.token_hex(6)}")
            self._refunds[reference] = _Refund(payment_ref, amount_kurus, currency, result)
            return result

    def refunded(self, payment_ref: str) -> int:
        """What this provider has paid back on a payment, in kuruş."""
        with self._lock:
            return sum(
                r.amount_kurus for r in self._refunds.values() if r.payment_ref == payment_ref
            )
