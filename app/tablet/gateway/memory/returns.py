"""The in-memory gateway's returns, under the pure rules the API applies (app/domain/returns.py):
what may come back per line, the refund cut from what was paid, sellable units back on the
shelf here; queued like an order when the switch says offline."""

from __future__ import annotations

from collections.abc import Callable

from app.contracts.exchanges import ExchangeCreate, ExchangeOut, Settlement
from app.contracts.orders import OrderCreate, OrderOut
from app.contracts.returns import (
    ReturnableOrder,
    ReturnCreate,
    ReturnedLine,
    ReturnLookup,
    ReturnOut,
)
from app.domain import exchanges
from app.domain import returns as rules
from app.tablet.gateway import Author, Submitted, checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


def _bought(order: ReturnableOrder) -> dict[int, rules.LineBought]:
    return {
        ln.order_line_id: rules.LineBought(
            ln.order_line_id, ln.quantity, ln.returned, ln.line_total_kurus
        )
        for ln in order.lines
    }


class MemoryReturns(MemoryBase):
    # The replacement of an exchange is placed as any order (memory/orders.py, composed
    # beside this part in MemoryGateway).
    _order: Callable[[Author, OrderCreate], OrderOut]

    def find_return(
        self, *, code: str | None = None, customer_id: int | None = None
    ) -> ReturnLookup:
        self._need_online()
        if customer_id is not None:
            if customer_id not in self._visits and not self._consented(customer_id):
                raise ApiProblem(403, "consent-required", "Ask the customer first")
            mine = [o for o in self.returnables.values() if o.customer_id == customer_id]
            return ReturnLookup(orders=sorted(mine, key=lambda o: o.placed_at, reverse=True))
        text = (code or "").strip().upper()
        found = [
            o
            for o in self.returnables.values()
            if text in (o.number.upper(), f"RY1H-DEMO-{o.order_id}")
        ]
        if not found:
            raise ApiProblem(404, "not-found", "No such order", text[:40])
        return ReturnLookup(orders=found)

    def _consented(self, customer_id: int) -> bool:
        view = self.customers.get(customer_id)
        return view is not None and view.profile.consents.clienteling.given

    def take_return(
        self, by: Author, order_id: int, body: ReturnCreate, *, key: str, label: str
    ) -> Submitted:
        request = checked(lambda: ReturnCreate.model_validate(body.model_dump()))
        return self._submit(by, "return", key, label, None, lambda: self._take(order_id, request))

    def _take(self, order_id: int, body: ReturnCreate) -> ReturnOut:
        order = self.returnables.get(order_id)
        if order is None:
            raise ApiProblem(404, "not-found", "No such order")
        if order.refusal is not None:
            raise ApiProblem(409, order.refusal, "Not returnable")
        if body.refund_method not in order.refund_methods:
            kind = (
                "return-no-payment"
                if body.refund_method == "original_payment"
                else "return-no-customer"
            )
            raise ApiProblem(409, kind, "Not this way")
        lines = _bought(order)
        wanted = {ln.order_line_id: ln.quantity for ln in body.lines}
        refused = rules.check_lines(lines, wanted)
        if refused is not None:
            kind = "return-too-many" if refused.refusal == "too_many" else "return-unknown-line"
            raise ApiProblem(409, kind, "Cannot return that")
        store = self._who.associate.store if self._who else None
        out_lines, refund = [], 0
        for asked in body.lines:
            line = next(x for x in order.lines if x.order_line_id == asked.order_line_id)
            money = rules.refund_for(lines[asked.order_line_id], asked.quantity)
            refund += money
            place = rules.stock_place(asked.condition)
            if store is not None and place == rules.StockPlace.ON_HAND:
                self.stock.setdefault((line.sku, store.id), [0, 0])[0] += asked.quantity
            out_lines.append(ReturnedLine(order_line_id=line.order_line_id, sku=line.sku, quantity=asked.quantity, reason=asked.reason, condition=asked.condition, refund_kurus=money, stock=place))  # fmt: skip
        after = [
            x.model_copy(
                update={
                    "returned": x.returned + wanted.get(x.order_line_id, 0),
                    "returnable": x.returnable - wanted.get(x.order_line_id, 0),
                }
            )
            for x in order.lines
        ]
        whole = all(x.returnable == 0 for x in after)
        refusal = "return-already-returned" if whole else None
        self.returnables[order_id] = order.model_copy(update={"lines": after, "refusal": refusal})
        rid = next(self._ids)
        return ReturnOut(id=rid, order_id=order_id, order_number=order.number, location_id=store.id if store else 0, location_code=store.code if store else "", associate_id=self._who.associate.id if self._who else 0, lines=out_lines, refund_kurus=refund, currency=order.currency, refund_method=body.refund_method, refund_reference=f"memory-refund-{rid}", points_reversed=refund // 100, order_fully_returned=whole, note=body.note, created_at=utcnow())  # fmt: skip

    def exchange(self, order_id: int, body: ExchangeCreate, *, key: str) -> ExchangeOut:
        return self._once(key, lambda: self._exchange(order_id, body))

    def _exchange(self, order_id: int, body: ExchangeCreate) -> ExchangeOut:
        """As the API: nothing returned unless the replacement can be had; the replacement an
        order like any other (reserved where it is), the difference settled by the rule."""
        original = self.returnables.get(order_id)
        if original is None or original.customer_id is None:
            raise ApiProblem(404, "not-found", "No such order")
        if self._who is None:
            raise ApiProblem(401, "unauthorised", "Log in first")
        a = self._who.associate
        by = Author(store_code=a.store.code, associate_code=a.code, associate_name=a.name)
        fulfilment = (
            {"type": "reserve_in_store"}
            if body.source == exchanges.ReplacementSource.FROM_SHELF
            else body.fulfilment.model_dump(exclude_none=True)
            if body.fulfilment
            else None
        )
        new = self._order(
            by,
            OrderCreate.model_validate(
                {
                    "customer_id": original.customer_id,
                    "lines": [r.model_dump() for r in body.replacements],
                    "fulfilment": fulfilment,
                }
            ),
        )
        taken = self._take(
            order_id,
            ReturnCreate.model_validate(
                body.model_dump(include={"lines", "refund_method", "note"})
            ),
        )
        money = exchanges.difference(new.total_kurus, taken.refund_kurus)
        settled = Settlement(difference_kurus=money.kurus, direction=money.direction, amount_kurus=money.amount, currency="TRY", method=body.refund_method if money.direction == exchanges.Direction.REFUND else None, provider="memory", reference=f"memory-exchange-{taken.id}")  # fmt: skip
        return ExchangeOut(returned=taken.model_copy(update={"exchange_order_id": new.id}), order=new, settlement=settled)  # fmt: skip
