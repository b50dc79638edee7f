"""Scene 12's exchange: the lines chosen to come back are given another size or colour in the
same step, from this store's shelf when every replacement is here, else ordered for pickup at
this store from wherever sourcing finds it; the customer pays or gets back only the difference.

An exchange is the API's word at once, never queued: whether the new size is on the shelf is
known only now, and a customer does not leave with an item that may be refused later."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.catalog import VariantOut
from app.contracts.exchanges import ExchangeCreate, ExchangeOut
from app.contracts.inventory import VariantStock
from app.contracts.returns import ReturnableLine
from app.domain.exchanges import ReplacementSource
from app.domain.returns import Condition, RefundMethod
from app.tablet.problem import ApiProblem
from app.tablet.state.returns import ReturnsScene
from app.tablet.state.session import Scene


@dataclass
class Swap:
    """One line's replacement: the product's variants with their stock, and the one chosen."""

    variants: list[VariantOut]
    stock: dict[str, VariantStock]
    sku: str | None = None

    def here(self, sku: str) -> int:
        cell = self.stock.get(sku)
        return cell.here if cell else 0

    def anywhere(self, sku: str) -> int:
        cell = self.stock.get(sku)
        return cell.here + cell.other_stores + cell.online if cell else 0


@dataclass
class ExchangePlan:
    order_id: int
    swaps: dict[int, Swap] = field(default_factory=dict)  # order line id -> its replacement
    key: str | None = None  # made when the associate confirms
    done: ExchangeOut | None = None


@dataclass
class ExchangeScene(Scene):
    """The returns scene's lines, exchanged instead of refunded."""

    returns: ReturnsScene = field(repr=False, kw_only=True)
    _plan: ExchangePlan | None = None

    @property
    def plan(self) -> ExchangePlan | None:
        """The exchange being made for the order the returns scene has open, if any."""
        opened = self.returns.opened
        if self._plan is None or opened is None or opened.order_id != self._plan.order_id:
            return None
        return self._plan

    def start(self) -> None:
        order, r = self.returns.opened, self.returns
        chosen = (
            [] if order is None else [x for x in order.lines if r.pick(x.order_line_id).quantity]
        )
        if order is None or not chosen:
            self.session.say("return_choose_lines", error=True)
            self.session.changed()
            return
        plan = ExchangePlan(order.order_id)
        try:
            for line in chosen:
                plan.swaps[line.order_line_id] = self._swap_for(line)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self._plan = plan
        self.session.say(None)
        self.session.changed()

    def _swap_for(self, line: ReturnableLine) -> Swap:
        store = self.session.store_id
        product = self.gateway.product(line.product_id)
        stock = self.gateway.product_stock(line.product_id, store)
        others = [v for v in product.variants if v.sku != line.sku]
        return Swap(others, {c.sku: c for c in stock.variants})

    def choose(self, line_id: int, sku: str) -> None:
        plan = self.plan
        if plan is None or line_id not in plan.swaps or plan.done is not None:
            return
        swap = plan.swaps[line_id]
        if any(v.sku == sku for v in swap.variants) and swap.anywhere(sku) > 0:
            swap.sku = sku
            plan.key = None  # another exchange now
        self.session.changed()

    def drop(self) -> None:
        self._plan = None
        self.session.changed()

    def source(self) -> ReplacementSource:
        """From the shelf when every replacement is here in the units chosen; else ordered."""
        plan = self.plan
        if plan is None:
            return ReplacementSource.FROM_SHELF
        for line_id, swap in plan.swaps.items():
            units = self.returns.pick(line_id).quantity
            if swap.sku is None or swap.here(swap.sku) < units:
                return ReplacementSource.ORDER
        return ReplacementSource.FROM_SHELF

    def difference(self) -> int:
        """What the customer would pay (positive) or get back (negative), at today's prices;
        the API's settlement is the one that counts."""
        plan = self.plan
        if plan is None:
            return 0
        new = 0
        for line_id, swap in plan.swaps.items():
            price = next((v.price_kurus for v in swap.variants if v.sku == swap.sku), 0)
            new += price * self.returns.pick(line_id).quantity
        return new - self.returns.refund_total

    def confirm(self) -> None:
        plan, order = self.plan, self.returns.opened
        if plan is None or order is None or plan.done is not None:
            return  # a second tap after it went through
        if any(s.sku is None for s in plan.swaps.values()):
            self.session.say("exchange_choose_size", error=True)
            self.session.changed()
            return
        picks = {i: self.returns.pick(i) for i in plan.swaps}
        if any(p.reason is None for p in picks.values()):
            self.session.say("return_choose_reason", error=True)
            self.session.changed()
            return
        source = self.source()
        body = ExchangeCreate.model_validate(
            {
                "lines": [
                    {
                        "order_line_id": i,
                        "quantity": p.quantity,
                        "reason": p.reason,
                        "condition": Condition.DAMAGED if p.damaged else Condition.SELLABLE,
                    }
                    for i, p in picks.items()
                ],
                "replacements": [
                    {"sku": s.sku, "quantity": picks[i].quantity} for i, s in plan.swaps.items()
                ],
                "source": source,
                "fulfilment": None
                if source == ReplacementSource.FROM_SHELF
                else {"type": "click_collect"},  # collected here, wherever it comes from
                # How a cheaper replacement's difference goes back.
                "refund_method": self.returns.method or RefundMethod.STORE_CREDIT,
            }
        )
        plan.key = plan.key or str(uuid.uuid4())
        try:
            plan.done = self.gateway.exchange(order.order_id, body, key=plan.key)
        except ApiProblem as exc:
            if not exc.offline:
                plan.key = None  # refused: the associate changes something and tries again
            self.refused(exc)
            return
        self.session.say(None)
        self.session.confirm("exchange_done")
        self.session.changed()
