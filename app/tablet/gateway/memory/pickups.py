"""The in-memory gateway's pickups: the store's queue, picking by barcode, ready and the
hand-over, under the same pure rules the API applies (app/domain/fulfilment.py)."""

from __future__ import annotations

from app.contracts.fulfilment import (
    HandedOverLine,
    HandOverOut,
    NoticeOut,
    PackOut,
    ParcelOut,
    PickOut,
    PickupOrder,
    PickupQueue,
    ReadyOut,
    ShipOut,
)
from app.domain import fulfilment as rules
from app.domain.fulfilment import HandOverProof, NoticeStatus, ShipmentStatus
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


def _progress(order: PickupOrder) -> list[rules.LineProgress]:
    return [
        rules.LineProgress(ln.line_id, ln.quantity, ln.picked, ln.collected) for ln in order.lines
    ]


class MemoryPickups(MemoryBase):
    def to_prepare(self, store_id: int) -> PickupQueue:
        self._need_online()
        waiting = [
            o
            for o in self.pickups.values()
            if o.pickup_location_id == store_id and o.step != rules.Step.DONE
        ]
        return PickupQueue(location_id=store_id, orders=sorted(waiting, key=lambda o: o.placed_at))

    def _pickup(self, order_id: int) -> PickupOrder:
        if order_id not in self.pickups:
            raise ApiProblem(404, "not-found", "No such order")
        return self.pickups[order_id]

    def _saved(self, order: PickupOrder, **changes: object) -> PickupOrder:
        order = order.model_copy(update=changes)
        lines = _progress(order)
        if order.fulfilment_type == FulfilmentType.SHIP_TO_HOME:  # a parcel sent from here
            shipment = order.parcel.status if order.parcel else None
            step = rules.parcel_step(order.status, lines, shipment)
        else:
            step = rules.step_of(order.fulfilment_type, order.status, lines)
        order = order.model_copy(update={"step": step})
        self.pickups[order.order_id] = order
        return order

    def pick(self, order_id: int, barcode: str, *, key: str) -> PickOut:
        return self._once(key, lambda: self._pick(order_id, barcode))

    def _pick(self, order_id: int, barcode: str) -> PickOut:
        order = self._pickup(order_id)
        if order.status not in rules.pickable(order.fulfilment_type):
            raise ApiProblem(409, "order-not-pickable", "Not to pick")
        line = next((ln for ln in order.lines if barcode in (ln.sku, ln.ean13)), None)
        refusal = rules.pick_refusal(
            None if line is None else rules.LineProgress(line.line_id, line.quantity, line.picked),
            1,
        )
        if refusal is rules.PickRefusal.NOT_IN_ORDER or line is None:
            raise ApiProblem(422, "pick-wrong-item", "Not in this order", barcode)
        if refusal is not None:
            raise ApiProblem(409, "pick-too-many", "Picked already")
        lines = [
            ln.model_copy(update={"picked": ln.picked + 1}) if ln is line else ln
            for ln in order.lines
        ]
        out = PickOut(
            order=self._saved(order, lines=lines), line_id=line.line_id, sku=line.sku, quantity=1
        )
        return out

    def pack(self, order_id: int, *, key: str) -> PackOut:
        return self._once(key, lambda: self._pack(order_id))

    def _pack(self, order_id: int) -> PackOut:
        order = self._pickup(order_id)
        shipment = order.parcel.status if order.parcel else None
        refusal = rules.pack_refusal(order.status, _progress(order), shipment)
        if refusal is not None:
            raise ApiProblem(409, "not-all-picked" if refusal == "not_all_picked" else f"ship-{refusal.value.replace('_', '-')}", "Not to pack")  # fmt: skip
        parcel = ParcelOut(status=ShipmentStatus.PACKED, parcels=1, weight_grams=None, packed_at=utcnow())  # fmt: skip
        return PackOut(order=self._saved(order, parcel=parcel), parcel=parcel)

    def ship(self, order_id: int, lang: str, *, key: str) -> ShipOut:
        return self._once(key, lambda: self._ship(order_id))

    def _ship(self, order_id: int) -> ShipOut:
        order = self._pickup(order_id)
        if order.parcel is None or order.parcel.status != ShipmentStatus.PACKED:
            kind = "ship-already-shipped" if order.parcel else "ship-not-packed"
            raise ApiProblem(409, kind, "Not to ship")
        parcel = order.parcel.model_copy(update={"status": ShipmentStatus.SHIPPED, "carrier": "test", "tracking_number": f"MEM{order_id:08d}", "shipped_at": utcnow()})  # fmt: skip
        lines = [ln.model_copy(update={"collected": ln.quantity}) for ln in order.lines]
        saved = self._saved(order, parcel=parcel, lines=lines, status=OrderStatus.SHIPPED)
        return ShipOut(order=saved, parcel=parcel, notice=None)

    def mark_ready(self, order_id: int, lang: str, *, key: str) -> ReadyOut:
        return self._once(key, lambda: self._mark_ready(order_id, lang))

    def _mark_ready(self, order_id: int, lang: str) -> ReadyOut:
        order = self._pickup(order_id)
        if not rules.may_pick(order.fulfilment_type, order.status):
            raise ApiProblem(409, "order-not-pickable", "Not to mark ready")
        if not rules.all_picked(_progress(order)):
            raise ApiProblem(409, "not-all-picked", "Units still to pick")
        notice = NoticeOut(
            id=next(self._ids),
            channel="sms",
            status=NoticeStatus.SENT,
            lang="en" if lang == "en" else "tr",
        )
        out = ReadyOut(
            order=self._saved(order, status=OrderStatus.READY), notice=notice, last_day=None
        )
        return out

    def hand_over(self, order_id: int, code: str, *, key: str) -> HandOverOut:
        return self._once(key, lambda: self._hand_over(order_id, code))

    def _hand_over(self, order_id: int, code: str) -> HandOverOut:
        order = self._pickup(order_id)
        if order.status == OrderStatus.COLLECTED:
            raise ApiProblem(409, "already-collected", "Collected already")
        if not rules.may_hand_over(order.fulfilment_type, order.status):
            raise ApiProblem(409, "order-not-ready", "Not ready")
        proof = (
            HandOverProof.PICKUP_CODE if code == f"RY1H-DEMO-{order_id}" else HandOverProof.IDENTITY
        )
        if proof is HandOverProof.IDENTITY and self.identity_codes.get(code) != order.customer_id:
            raise ApiProblem(403, "pickup-wrong-customer", "Not this order's customer")
        plan = rules.hand_over_plan(_progress(order))
        if plan.refusal is not None:
            raise ApiProblem(409, "already-collected", "Nothing left to hand over")
        after = {ln.line_id: ln for ln in rules.handed_over(_progress(order), plan)}
        lines = [
            ln.model_copy(update={"collected": after[ln.line_id].collected}) for ln in order.lines
        ]
        status = rules.status_after_hand_over(list(after.values()))
        saved = self._saved(order, lines=lines, status=status)
        out = HandOverOut(
            order=saved,
            handed_over=[
                HandedOverLine(
                    line_id=i, sku=next(ln.sku for ln in lines if ln.line_id == i), quantity=q
                )
                for i, q in plan.units.items()
            ],
            proof=proof,
            complete=status == OrderStatus.COLLECTED,
        )
        return out
