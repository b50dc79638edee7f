"""The in-memory gateway's transfers between locations, under the same pure rules the API applies
(app/domain/transfers.py): the units are held at the sender when asked for, leave it when sent,
and join the receiver's stock when scanned in."""

from __future__ import annotations

from collections import Counter

from app.contracts.transfers import TransferCreate, TransferLineOut, TransferList, TransferOut
from app.domain import transfers as rules
from app.domain.transfers import TransferStatus
from app.tablet.gateway import checked
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem


def _counts(t: TransferOut) -> list[rules.LineCount]:
    return [
        rules.LineCount(ln.line_id, ln.quantity, ln.sent, ln.received, ln.damaged) for ln in t.lines
    ]


def _with(t: TransferOut, counts: list[rules.LineCount], **changes: object) -> TransferOut:
    by_id = {c.line_id: c for c in counts}
    lines = []
    for ln in t.lines:
        c = by_id[ln.line_id]
        moving = c.sent if changes.get("status") == TransferStatus.SENT else 0
        lines.append(
            ln.model_copy(
                update={
                    "sent": c.sent,
                    "in_transit": moving,
                    "received": c.received,
                    "damaged": c.damaged,
                    "not_sent": c.not_sent if c.sent or moving or c.received else 0,
                    "short": c.short if c.received or c.damaged else 0,
                }
            )
        )
    return t.model_copy(update={"lines": lines, **changes})


class MemoryTransfers(MemoryBase):
    def _me(self) -> int:
        if self._who is None:
            raise ApiProblem(401, "unauthorised", "Log in first")
        return self._who.associate.store.id

    def transfers(self, store_id: int, direction: str) -> TransferList:
        self._need_online()
        if store_id != self._me():
            raise ApiProblem(403, "forbidden", "Not your store")
        if direction == "outgoing":
            mine = [
                t
                for t in self.moves.values()
                if t.from_location_id == store_id and t.status == TransferStatus.REQUESTED
            ]
        else:
            mine = [
                t
                for t in self.moves.values()
                if t.to_location_id == store_id
                and t.status in (TransferStatus.REQUESTED, TransferStatus.SENT)
            ]
        return TransferList(
            location_id=store_id,
            direction="outgoing" if direction == "outgoing" else "incoming",
            transfers=sorted(mine, key=lambda t: t.requested_at),
        )

    def request_transfer(self, body: TransferCreate, *, key: str) -> TransferOut:
        return self._once(key, lambda: self._request(checked(lambda: body)))

    def _request(self, body: TransferCreate) -> TransferOut:
        here = self._me()
        if body.from_location_id == here:
            raise ApiProblem(409, "transfer-same-store", "Ask another location")
        sender, receiver = self.locations[body.from_location_id], self.locations[here]
        lines: list[TransferLineOut] = []
        for n, asked in enumerate(body.lines, start=1):
            p, v = self._variant(asked.sku)
            on_hand, reserved = self.stock.get((v.sku, sender.id), [0, 0])
            if on_hand - reserved < asked.quantity:
                raise ApiProblem(
                    409, "transfer-not-available", "Not that many", None, {"sku": v.sku}
                )
            lines.append(TransferLineOut(line_id=n, sku=v.sku, ean13=v.ean13, product_id=p.id, name_tr=p.name_tr, name_en=p.name_en, size=v.size, colour=v.colour, colour_en=v.colour_en, quantity=asked.quantity, sent=0, in_transit=0, received=0, damaged=0, not_sent=0, short=0))  # fmt: skip
        for line in lines:  # held at the sender: nobody can sell them meanwhile
            self.stock.setdefault((line.sku, sender.id), [0, 0])[1] += line.quantity
        tid = next(self._ids)
        lines = [ln.model_copy(update={"line_id": tid * 10 + ln.line_id}) for ln in lines]
        assert self._who is not None
        t = TransferOut(id=tid, status=TransferStatus.REQUESTED, reason=body.reason, customer_id=body.customer_id, from_location_id=sender.id, from_code=sender.code, from_name=sender.name, to_location_id=here, to_code=receiver.code, to_name=receiver.name, requested_by=self._who.associate.id, note=body.note, requested_at=utcnow(), sent_at=None, received_at=None, closed_at=None, lines=lines)  # fmt: skip
        self.moves[tid] = t
        return t

    def _transfer(self, transfer_id: int, side: str) -> TransferOut:
        t = self.moves.get(transfer_id)
        if t is None:
            raise ApiProblem(404, "not-found", "No such transfer")
        if (t.from_location_id if side == "sender" else t.to_location_id) != self._me():
            raise ApiProblem(403, "transfer-wrong-store", "Not your store's step")
        return t

    def _units(self, t: TransferOut, codes: list[str]) -> dict[int, int]:
        by_code = {c: ln.line_id for ln in t.lines for c in (ln.sku, ln.ean13) if c}
        counted = rules.tally(Counter(codes).items(), by_code)
        if counted.unknown is not None:
            raise ApiProblem(422, "transfer-wrong-item", "Not in this transfer", counted.unknown)
        return counted.units

    def send_transfer(self, transfer_id: int, scans: list[str], *, key: str) -> TransferOut:
        return self._once(key, lambda: self._send(transfer_id, scans))

    def _send(self, transfer_id: int, scans: list[str]) -> TransferOut:
        t = self._transfer(transfer_id, "sender")
        if t.status != TransferStatus.REQUESTED:
            raise ApiProblem(409, "transfer-already-sent", "Sent already")
        plan = rules.send_plan(_counts(t), self._units(t, scans))
        if plan.refusal is not None:
            raise ApiProblem(409, "transfer-send-too-many", "More than asked for")
        for ln in t.lines:  # the hold is given back; what was sent leaves the shelf
            row = self.stock[ln.sku, t.from_location_id]
            row[1] -= ln.quantity
            row[0] -= plan.units[ln.line_id]
        after = _with(t, rules.sent(_counts(t), plan), status=TransferStatus.SENT, sent_at=utcnow())
        self.moves[t.id] = after
        return after

    def receive_transfer(
        self, transfer_id: int, scans: list[str], damaged: list[str], *, key: str
    ) -> TransferOut:
        return self._once(key, lambda: self._receive(transfer_id, scans, damaged))

    def _receive(self, transfer_id: int, scans: list[str], damaged: list[str]) -> TransferOut:
        t = self._transfer(transfer_id, "receiver")
        if t.status in rules.RECEIVED:
            raise ApiProblem(409, "transfer-already-received", "Received already")
        if t.status != TransferStatus.SENT:
            raise ApiProblem(409, "transfer-not-sent", "Not sent yet")
        plan = rules.receive_plan(_counts(t), self._units(t, scans), self._units(t, damaged))
        if plan.refusal is not None:
            raise ApiProblem(409, "transfer-receive-too-many", "More than was sent")
        for ln in t.lines:
            self.stock.setdefault((ln.sku, t.to_location_id), [0, 0])[0] += plan.units[ln.line_id]
        counts = rules.received(_counts(t), plan)
        now = utcnow()
        after = _with(
            t,
            counts,
            status=rules.status_after_receipt(counts),
            received_at=now,
            closed_at=now,
        )
        self.moves[t.id] = after
        return after

    def close_transfer(self, transfer_id: int, how: str, *, key: str) -> TransferOut:
        return self._once(key, lambda: self._close(transfer_id, how))

    def _close(self, transfer_id: int, how: str) -> TransferOut:
        t = self._transfer(transfer_id, "receiver" if how == "cancel" else "sender")
        if t.status != TransferStatus.REQUESTED:
            kind = "transfer-already-sent" if t.status == TransferStatus.SENT else "transfer-closed"
            raise ApiProblem(409, kind, "Too late to close")
        for ln in t.lines:
            self.stock[ln.sku, t.from_location_id][1] -= ln.quantity
        status = TransferStatus.CANCELLED if how == "cancel" else TransferStatus.REFUSED
        after = t.model_copy(update={"status": status, "closed_at": utcnow()})
        self.moves[t.id] = after
        return after
