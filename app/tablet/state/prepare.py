"""Scene 11, prepare and hand over: the store's click & collect and reserve-in-store orders,
oldest first; one opened to pick by scanning each item's barcode, mark ready (the customer is
told) and hand over against the customer's app QR code or the order's pickup code.

Every step is the API's word at once, never queued: two tablets may work the same queue, and
only the API can say an order was not already picked full or handed over. A refusal shows its
words and fetches the queue again, since it usually means another tablet got there first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.fulfilment import PickupLine, PickupOrder
from app.contracts.media import product_image_url
from app.domain.fulfilment import Step
from app.qr.pickup import named_order
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene


@dataclass
class PrepareScene(Scene):
    orders: list[PickupOrder] = field(default_factory=list)  # oldest first
    opened: PickupOrder | None = None
    # The customer's QR code or the order's pickup code, once scanned: the hand-over's proof.
    proof: str | None = None
    scan_text: str = ""
    loaded: bool = False

    def show(self) -> None:
        self.opened, self.proof = None, None
        self.session.show("prepare")
        self.session.say(None)
        self.refresh()

    def refresh(self) -> None:
        try:
            queue = self.gateway.to_prepare(self.session.store_id)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.orders, self.loaded = queue.orders, True
        if self.opened is not None:
            self.opened = next(
                (o for o in queue.orders if o.order_id == self.opened.order_id), None
            )
            if self.opened is None:
                self.proof = None
        self.gateway.prefetch_pictures(self.picture_url(ln) for o in self.orders for ln in o.lines)
        self.session.changed()

    def open(self, order_id: int, proof: str | None = None) -> None:
        found = next((o for o in self.orders if o.order_id == order_id), None)
        if found is None:
            self.session.say("prepare_not_here", error=True)
            self.session.changed()
            return
        self.opened, self.proof = found, proof
        self.session.say(None)
        self.session.changed()

    def close(self) -> None:
        self.opened, self.proof = None, None
        self.session.say(None)
        self.session.changed()

    # -- one field for every code: an item at the shelf, the customer's proof at the desk ----

    def scan(self, payload: str | None = None) -> None:
        text = (payload if payload is not None else self.scan_text).strip()
        self.scan_text = ""
        if not text:
            return
        order = self.opened
        if self._is_proof(text):
            self._take_proof(text)
        elif order is not None and order.step == Step.PICK:
            self._pick(order, text)
        elif order is None:
            # An item scanned at the list: the oldest order still waiting for it.
            wanting = [
                o
                for o in self.waiting(Step.PICK)
                if any(text in (ln.sku, ln.ean13) and ln.picked < ln.quantity for ln in o.lines)
            ]
            if not wanting:
                self.session.say("prepare_item_not_wanted", error=True)
                self.session.changed()
                return
            self.opened, self.proof = wanting[0], None
            self._pick(wanting[0], text)
        else:
            self.session.say("prepare_not_picking", error=True)
            self.session.changed()

    @staticmethod
    def _is_proof(text: str) -> bool:
        return text.upper().startswith(("RY1I", "RY1H"))

    def _pick(self, order: PickupOrder, barcode: str) -> None:
        try:
            out = self.gateway.pick(order.order_id, barcode, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        self._replace(out.order)
        line = next(ln for ln in out.order.lines if ln.line_id == out.line_id)
        self.session.say(None)
        self.session.confirm(
            "prepare_picked", {"item": self.line_name(line), "n": line.picked, "of": line.quantity}
        )
        self.session.changed()

    def _take_proof(self, code: str) -> None:
        """The customer's app QR code or the order's pickup code: kept as the hand-over's proof
        of the order open; at the list, opens the order it names (a pickup code, kept as the
        proof) or the customer's order waiting here (an app code, used up by finding them)."""
        order_id = named_order(code)
        if order_id is None and self.opened is None:
            try:
                scanned = self.gateway.scan(code)
            except ApiProblem as exc:
                self.refused(exc)
                return
            customer = scanned.customer.id if scanned.customer is not None else None
            theirs = [o for o in self.orders if customer is not None and o.customer_id == customer]
            ready = [o for o in theirs if o.step == Step.HAND_OVER] or theirs
            order_id = ready[0].order_id if ready else None
            if order_id is None:
                self.session.say("prepare_no_order_for_code", error=True)
                self.session.changed()
                return
            # Finding the customer used their one-time code up: it cannot also be the
            # hand-over's proof. Their app shows a fresh code every few seconds.
            self.open(order_id)
            self.session.say("prepare_show_code_again")
            self.session.changed()
            return
        if order_id is not None and (self.opened is None or self.opened.order_id != order_id):
            self.open(order_id, proof=code)
            return
        self.proof = code
        self.session.say(None)
        self.session.changed()

    # -- the steps after picking --------------------------------------------------------------

    def mark_ready(self) -> None:
        order = self.opened
        if order is None or order.step != Step.MARK_READY:
            return  # a second tap after it went through
        try:
            out = self.gateway.mark_ready(order.order_id, self.session.lang, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        self._replace(out.order)
        told = out.notice is not None and out.notice.channel is not None
        self.session.say(None)
        self.session.confirm("prepare_ready_told" if told else "prepare_ready_pending")
        self.session.changed()

    def pack(self) -> None:
        """This store's parcel: every unit picked, into the box."""
        order = self.opened
        if order is None or order.step != Step.PACK:
            return  # a second tap after it went through
        try:
            out = self.gateway.pack(order.order_id, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        self._replace(out.order)
        self.session.say(None)
        self.session.confirm("prepare_packed")
        self.session.changed()

    def ship(self) -> None:
        """The packed parcel to the carrier: the tracking number is the API's answer."""
        order = self.opened
        if order is None or order.step != Step.SHIP:
            return
        try:
            out = self.gateway.ship(order.order_id, self.session.lang, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        self.session.say(None)
        words: dict[str, object] = {
            "carrier": out.parcel.carrier or "",
            "tracking": out.parcel.tracking_number or "",
        }
        self.session.confirm("prepare_shipped", words)
        self.orders = [o for o in self.orders if o.order_id != order.order_id]
        self.opened, self.proof = None, None
        self.session.changed()

    def hand_over(self) -> None:
        order, code = self.opened, self.proof
        if order is None or order.step != Step.HAND_OVER:
            return
        if code is None:
            self.session.say("prepare_scan_proof", error=True)
            self.session.changed()
            return
        try:
            out = self.gateway.hand_over(order.order_id, code, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self.proof = None  # a wrong customer's code is not kept for the next try
            self._refused_step(exc)
            return
        units = sum(h.quantity for h in out.handed_over)
        self.session.say(None)
        self.session.confirm("prepare_handed_over", {"n": units, "number": order.number})
        self.orders = [o for o in self.orders if o.order_id != order.order_id]
        self.opened, self.proof = None, None
        if not out.complete:  # units still to come for: it stays in the queue
            self._replace(out.order)
        self.session.changed()

    def _replace(self, order: PickupOrder) -> None:
        self.orders = [order if o.order_id == order.order_id else o for o in self.orders]
        if order.step != Step.DONE and all(o.order_id != order.order_id for o in self.orders):
            self.orders.append(order)
        if self.opened is not None and self.opened.order_id == order.order_id:
            self.opened = order

    def _refused_step(self, exc: ApiProblem) -> None:
        self.refused(exc)
        if exc.status in (404, 409):  # another tablet moved it on: show what is true now
            self.refresh()

    # -- what the view reads --------------------------------------------------------------

    @staticmethod
    def picture_url(line: PickupLine) -> str:
        return product_image_url(line.product_id, line.colour, "thumb")

    def line_name(self, line: PickupLine) -> str:
        return line.name_tr if self.session.lang == "tr" else line.name_en

    def waiting(self, step: Step) -> list[PickupOrder]:
        return [o for o in self.orders if o.step == step]
