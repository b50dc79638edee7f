"""Scene 2, home: one field for every code (camera, hardware scanner or typed), search for a
customer by phone, e-mail or loyalty number, and the customers served lately."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.contracts.customers import CustomerSummary
from app.contracts.scan import ScanResult
from app.tablet.i18n.problems import scan_words
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.product import ProductScene
from app.tablet.state.session import Scene
from app.tablet.state.till import TillScene


@dataclass
class HomeScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    product: ProductScene = field(repr=False, kw_only=True)
    till: TillScene = field(repr=False, kw_only=True)
    scan_text: str = ""
    search_text: str = ""
    search_results: list[CustomerSummary] = field(default_factory=list)

    def submit_scan(self, payload: str | None = None) -> None:
        """Camera, hardware scanner (types the code and Enter) or typed: one way in."""
        text = (payload if payload is not None else self.scan_text).strip()
        self.scan_text = ""
        if not text:
            return
        try:
            result = self.gateway.scan(text)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self._scanned(result, text)

    def _scanned(self, result: ScanResult, payload_text: str) -> None:
        s = self.session
        if not result.valid:
            key = "scan_unknown" if result.kind == "unknown" else "scan_refused"
            s.say(key, {"detail": scan_words(s.lang, result.kind, result.reason)}, error=True)
        elif result.kind == "identity" and result.customer is not None:
            self.customer.open(result.customer.id, summary=result.customer)
            return
        elif result.coupon is not None and s.is_cashier:
            self.till.take_coupon(payload_text, result.coupon)
            s.show("till")
        elif result.coupon is not None:
            s.say("scan_coupon", {"campaign": result.coupon.campaign, "code": result.coupon.code})
        elif result.product is not None:
            self.product.open(result.product.product_id, result.product.sku)
            return
        elif result.order_id is not None:
            s.say("scan_pay_link", {"order": result.order_id})
        s.changed()

    def search(self) -> None:
        text = self.search_text.strip()
        if not text:
            self.search_results = []
            self.session.changed()
            return
        field_name = (
            "email" if "@" in text else "loyalty" if text.upper().startswith("RY") else "phone"
        )
        try:
            self.search_results = self.gateway.search_customers(field_name, text).items
            self.session.say(None if self.search_results else "no_match")
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.session.changed()

    def open_customer(self, customer_id: int) -> None:
        """A customer from the search results or the recent list."""
        known = [c for c in self.search_results if c.id == customer_id]
        self.customer.open(customer_id, summary=known[0] if known else None)

    def forget_results(self) -> None:
        self.search_results = []
