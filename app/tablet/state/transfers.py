"""Scene 13, transfers: ask another store (or the online warehouse) for units, for a customer or
for the shelf; send what other stores asked of this one by scanning each unit into the box;
receive what is on its way here by scanning each unit out of it, sound or damaged.

The box is counted here, on the tablet, and sent to the API in one write when the associate
says it is closed: a scan is a count, not a stock movement, and a box half-scanned when the
Wi-Fi drops is still on the screen. Each write is the API's word at once (never queued) under
one idempotency key per box, so a double tap or a retry moves the stock once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.contracts.media import product_image_url
from app.contracts.transfers import TransferCreate, TransferLineOut, TransferOut
from app.domain.transfers import TransferReason, TransferStatus
from app.tablet.problem import ApiProblem
from app.tablet.state.session import Scene


@dataclass
class Draft:
    """A request being written, started from a product's stock at another location."""

    from_location_id: int
    from_label: str
    sku: str
    item: str  # the product's name, size and colour, as the associate saw them
    picture: str | None
    available: int  # at the sender when asked: the most that may be asked for
    customer_id: int | None  # the customer on the tablet, if any
    customer_name: str | None
    for_customer: bool
    quantity: int = 1
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # one request, however many taps


def _new_key() -> str:
    return str(uuid.uuid4())


@dataclass
class TransfersScene(Scene):
    outgoing: list[TransferOut] = field(default_factory=list)  # asked of this store, to send
    incoming: list[TransferOut] = field(default_factory=list)  # asked by it, or on their way
    opened: TransferOut | None = None
    box: dict[int, int] = field(default_factory=dict)  # line id -> units scanned (sound)
    damaged: dict[int, int] = field(default_factory=dict)  # line id -> units scanned damaged
    damaged_mode: bool = False  # the next scans are damaged units
    draft: Draft | None = None
    scan_text: str = ""
    loaded: bool = False
    key: str = field(default_factory=_new_key)  # of the box: one send or receipt per box

    def show(self) -> None:
        self.opened, self.draft = None, None
        self.session.show("transfers")
        self.session.say(None)
        self.refresh()

    def refresh(self) -> None:
        store = self.session.store_id
        try:
            outgoing = self.gateway.transfers(store, "outgoing").transfers
            incoming = self.gateway.transfers(store, "incoming").transfers
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.outgoing, self.incoming, self.loaded = outgoing, incoming, True
        if self.opened is not None and self.mode(self.opened) != "done":
            fresh = next((t for t in (*outgoing, *incoming) if t.id == self.opened.id), None)
            if fresh is None or fresh.status != self.opened.status:
                self._open(fresh)  # moved on elsewhere: the box counted here no longer applies
            else:
                self.opened = fresh
        self.gateway.prefetch_pictures(
            self.picture_url(ln) for t in (*outgoing, *incoming) for ln in t.lines
        )
        self.session.changed()

    def mode(self, t: TransferOut) -> str:
        """What this store does with `t` now: send it, receive it, wait for it (and may take
        the request back), or nothing (closed)."""
        here = self.session.store_id
        if t.status == TransferStatus.REQUESTED:
            return "send" if t.from_location_id == here else "wait"
        if t.status == TransferStatus.SENT and t.to_location_id == here:
            return "receive"
        return "done"

    def open(self, transfer_id: int) -> None:
        found = next((t for t in (*self.outgoing, *self.incoming) if t.id == transfer_id), None)
        if found is None:
            self.session.say("transfer_not_here", error=True)
            self.session.changed()
            return
        self._open(found)
        self.session.say(None)
        self.session.changed()

    def _open(self, t: TransferOut | None) -> None:
        self.opened, self.box, self.damaged, self.damaged_mode = t, {}, {}, False
        self.key = _new_key()

    def close(self) -> None:
        self._open(None)
        self.session.say(None)
        self.session.changed()

    # -- counting the box ---------------------------------------------------------------------

    def scan(self, payload: str | None = None) -> None:
        code = (payload if payload is not None else self.scan_text).strip()
        self.scan_text = ""
        if not code:
            return
        if self.opened is None:
            # An item scanned at the list: the oldest box to send or to receive that holds it.
            waiting = [
                t
                for t in (*self.outgoing, *self.incoming)
                if self.mode(t) in ("send", "receive") and self._line(t, code) is not None
            ]
            if not waiting:
                self.session.say("transfer_item_not_wanted", error=True)
                self.session.changed()
                return
            self._open(waiting[0])
        self._count(self.opened, code)

    @staticmethod
    def _line(t: TransferOut, code: str) -> TransferLineOut | None:
        wanted = code.upper()
        return next((ln for ln in t.lines if wanted in (ln.sku.upper(), ln.ean13)), None)

    def _count(self, t: TransferOut | None, code: str) -> None:
        mode = "done" if t is None else self.mode(t)
        line = None if t is None else self._line(t, code)
        if mode not in ("send", "receive"):
            self.session.say("transfer_nothing_to_scan", error=True)
        elif line is None:
            self.session.say("transfer_wrong_item_here", error=True)
        elif self.counted(line) >= self.room(line, mode):
            self.session.say("transfer_line_full", {"item": self.line_name(line)}, error=True)
        else:
            counter = self.damaged if self.damaged_mode and mode == "receive" else self.box
            counter[line.line_id] = counter.get(line.line_id, 0) + 1
            self.key = _new_key()  # another box now: a retry of the old one must not send it
            self.session.say(None)
            self.session.confirm(
                "transfer_counted",
                {
                    "item": self.line_name(line),
                    "n": self.counted(line),
                    "of": self.room(line, mode),
                },
            )
        self.session.changed()

    def counted(self, line: TransferLineOut) -> int:
        return self.box.get(line.line_id, 0) + self.damaged.get(line.line_id, 0)

    @staticmethod
    def room(line: TransferLineOut, mode: str) -> int:
        """Units that may go into (send) or come out of (receive) the box for this line."""
        return line.quantity if mode == "send" else line.sent

    def take_one_back(self, line_id: int) -> None:
        """A unit scanned by mistake: the last damaged one first when counting damaged."""
        counter = self.damaged if self.damaged_mode and self.damaged.get(line_id) else self.box
        if not counter.get(line_id):
            counter = self.damaged
        if counter.get(line_id):
            counter[line_id] -= 1
            self.key = _new_key()
        self.session.changed()

    def set_damaged_mode(self, on: bool) -> None:
        self.damaged_mode = on
        self.session.changed()

    # -- the writes: the box closed, or the request taken back ----------------------------------

    @staticmethod
    def _codes(t: TransferOut, counts: dict[int, int]) -> list[str]:
        return [ln.ean13 or ln.sku for ln in t.lines for _ in range(counts.get(ln.line_id, 0))]

    def send(self) -> None:
        t = self.opened
        if t is None or self.mode(t) != "send":
            return  # a second tap after it went through
        if not any(self.box.values()):
            self.session.say("transfer_scan_first", error=True)
            self.session.changed()
            return
        try:
            out = self.gateway.send_transfer(t.id, self._codes(t, self.box), key=self.key)
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        self.session.confirm("transfer_sent", {"n": sum(ln.sent for ln in out.lines)})
        self._finished(out)

    def receive(self) -> None:
        t = self.opened
        if t is None or self.mode(t) != "receive":
            return
        if not any(self.box.values()) and not any(self.damaged.values()):
            self.session.say("transfer_scan_first", error=True)
            self.session.changed()
            return
        try:
            out = self.gateway.receive_transfer(
                t.id, self._codes(t, self.box), self._codes(t, self.damaged), key=self.key
            )
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        whole = out.status == TransferStatus.RECEIVED
        self.session.confirm("transfer_received" if whole else "transfer_received_short")
        self._finished(out)

    def take_back(self) -> None:
        """The requesting store cancels, or the sender refuses, before the box leaves."""
        t = self.opened
        mode = None if t is None else self.mode(t)
        if t is None or mode not in ("send", "wait"):
            return
        how = "refuse" if mode == "send" else "cancel"
        try:
            out = self.gateway.close_transfer(t.id, how, key=self.key)
        except ApiProblem as exc:
            self._refused_step(exc)
            return
        self.session.confirm("transfer_refused" if how == "refuse" else "transfer_cancelled")
        self._finished(out)

    def _finished(self, out: TransferOut) -> None:
        """A closed box stays open, with what happened to each line, until the associate goes
        back to the lists (which are fetched again now)."""
        self._open(out)
        self.session.say(None)
        self.refresh()

    def _refused_step(self, exc: ApiProblem) -> None:
        self.refused(exc)
        if exc.status in (404, 409):  # another tablet moved it on: show what is true now
            self.refresh()

    # -- asking another location ----------------------------------------------------------------

    def ask(self, draft: Draft) -> None:
        self._open(None)
        self.draft = draft
        self.session.show("transfers")
        self.session.say(None)
        self.session.changed()

    def set_quantity(self, quantity: int) -> None:
        if self.draft is not None:
            self.draft.quantity = max(1, min(quantity, self.draft.available, 999))
            self.draft.key = _new_key()  # another request now
        self.session.changed()

    def set_for_customer(self, on: bool) -> None:
        if self.draft is not None:
            self.draft.for_customer = on and self.draft.customer_id is not None
            self.draft.key = _new_key()
        self.session.changed()

    def drop_draft(self) -> None:
        self.draft = None
        self.refresh()

    def submit_request(self) -> None:
        draft = self.draft
        if draft is None:
            return
        for_customer = draft.for_customer and draft.customer_id is not None
        body = TransferCreate.model_validate(
            {
                "from_location_id": draft.from_location_id,
                "reason": TransferReason.CUSTOMER if for_customer else TransferReason.SHELF,
                "customer_id": draft.customer_id if for_customer else None,
                "lines": [{"sku": draft.sku, "quantity": draft.quantity}],
            }
        )
        try:
            out = self.gateway.request_transfer(body, key=draft.key)
        except ApiProblem as exc:
            self.refused(exc)
            return
        self.draft = None
        self.session.confirm("transfer_requested", {"n": draft.quantity, "from": out.from_code})
        self._open(out)
        self.refresh()

    # -- what the view reads --------------------------------------------------------------------

    @staticmethod
    def picture_url(line: TransferLineOut) -> str:
        return product_image_url(line.product_id, line.colour, "thumb")

    def line_name(self, line: TransferLineOut) -> str:
        return line.name_tr if self.session.lang == "tr" else line.name_en
