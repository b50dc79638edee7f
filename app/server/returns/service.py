"""Taking an order's lines back in any store (scene 12): units within what was bought and not yet
returned, within the window; the money back to the original payment through the payment provider
or as store credit (refunds.py); the units back on this store's shelf or in its damaged bin; the
order's points taken back in proportion. Finding the order is in lookup.py; an exchange, a
return whose value pays for a new order, is in exchanges.py and uses the steps below.

Exactly once, however many tablets send the same return at once: the order's row is taken first
with a conditional update (as every change to an order is, see orders/fulfilment.py), so returns
of one order run one after another on PostgreSQL as on SQLite; then each line's `returned`
counter moves with a conditional update that a CHECK constraint backs, so even a path that forgot
the order's row could not refund a unit twice. Locks in the house order: the order's row, then
its lines and stock rows by variant. The provider is asked last, so a refusal before it leaves
nothing to give back; its refund carries a reference made from the Idempotency-Key, so a retry
after a lost transaction is answered with the first refund, not a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from app.contracts.returns import ReturnCreate, ReturnOut
from app.domain import returns
from app.domain.errors import Conflict, Invalid
from app.domain.returns import RETURNABLE_STATUSES, Condition, LineBought, RefundMethod
from app.server.catalog.directory import LocationDirectory
from app.server.db import insert_id, utcnow
from app.server.deps import Principal
from app.server.loyalty import service as loyalty
from app.server.orders.fulfilment import take
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.returns import stock
from app.server.returns.models import OrderReturn, ReturnLine, StoreCredit
from app.server.returns.reading import (
    as_bought,
    bought,
    not_returnable,
    readable_order,
    received_at,
    return_out,
)
from app.server.returns.refunds import pay_back, refund_source
from app.server.storefront.payments import PaymentProvider
from app.server.sync import changelog


@dataclass(frozen=True, slots=True)
class _Taken:
    line: OrderLine
    units: int
    reason: str
    condition: Condition
    refund_kurus: int


@dataclass(frozen=True, slots=True)
class TakenBack:
    """Lines of an order taken back: their units counted, stock moved, points reversed; all of
    a return but its money and its rows (record_return)."""

    order: Order
    taken: list[_Taken]
    refund_kurus: int  # the value of what came back: the lines' refund shares
    points_reversed: int


def create_return(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: ReturnCreate,
    provider: PaymentProvider,
    directory: LocationDirectory,
    tz: str,
    reference: str,
) -> ReturnOut:
    back = take_back(db_session, principal, order_id, body, tz)
    method = body.refund_method
    payment = refund_source(db_session, back.order, method)
    provider_name, reference = pay_back(
        provider, payment, back.refund_kurus, back.order.currency, reference
    )
    credit = back.refund_kurus if method == RefundMethod.STORE_CREDIT else 0
    return record_return(
        db_session, principal, back, body, directory,
        provider_name=provider_name, reference=reference, credit_kurus=credit,
    )  # fmt: skip


def take_back(
    s: Session,
    principal: Principal,
    order_id: int,
    body: ReturnCreate,
    tz: str,
    *,
    also_lock: Iterable[int] = (),
) -> TakenBack:
    """The lines in `body` back at the principal's store, within the window and what is left
    to return. `also_lock`: variants whose stock rows the caller changes next in the same
    transaction (an exchange's replacement); they are locked with the returned ones, all by
    variant, before any stock moves, so two exchanges swapping sizes cannot deadlock."""
    order = readable_order(s, order_id, principal)
    if not returns.may_return(order.status) or not take(s, order, RETURNABLE_STATUSES):
        raise not_returnable(order)
    received = received_at(s, order)
    if not returns.window_open(order.channel, received, utcnow(), tz):
        last = returns.last_day(order.channel, received, tz)
        raise Conflict(
            "return-window-closed",
            "The return window has closed",
            f"Order {order.number} could be returned until {last.isoformat()}.",
            last_day=last.isoformat(),
        )
    lines = bought(s, order_id)
    wanted = {ln.order_line_id: ln.quantity for ln in body.lines}
    refused = returns.check_lines({i: as_bought(ln) for i, ln in lines.items()}, wanted)
    if refused is not None:
        raise _line_refused(refused, lines.get(refused.line_id), order)
    refunded_before = int(
        s.execute(
            select(func.coalesce(func.sum(OrderReturn.refund_kurus), 0)).where(
                col(OrderReturn.order_id) == order_id
            )
        ).scalar_one()
    )
    if extra := set(also_lock):
        stock.lock(s, extra | {lines[i].variant_id for i in wanted})
    taken = [
        _take_line(s, lines[i], body, principal.store_id)
        for i in sorted(wanted, key=lambda i: (lines[i].variant_id, i))
    ]
    refund = sum(t.refund_kurus for t in taken)
    points = loyalty.reverse_for_return(
        s,
        order_id=order_id,
        customer_id=order.customer_id,
        number=order.number,
        channel=order.channel,
        location_id=principal.store_id,
        order_total_kurus=order.total_kurus,
        refunded_before_kurus=refunded_before,
        refunded_kurus=refund,
    )
    return TakenBack(order, taken, refund, points)


def record_return(
    s: Session,
    principal: Principal,
    back: TakenBack,
    body: ReturnCreate,
    directory: LocationDirectory,
    *,
    provider_name: str | None,
    reference: str,
    credit_kurus: int,
    exchange_order_id: int | None = None,
) -> ReturnOut:
    """The return's rows once its money has moved: the return and its lines, the store credit
    given (`credit_kurus`, when any), the order's history and change feed."""
    order = back.order
    ret = OrderReturn(
        order_id=order.id,  # type: ignore[arg-type]
        location_id=principal.store_id,
        associate_id=principal.associate_id,
        customer_id=order.customer_id,
        refund_method=body.refund_method,
        refund_kurus=back.refund_kurus,
        currency=order.currency,
        refund_provider=provider_name,
        refund_reference=reference,
        points_reversed=back.points_reversed,
        note=body.note,
        created_at=utcnow(),
        exchange_order_id=exchange_order_id,
    )
    ret.id = insert_id(s, OrderReturn, ret.model_dump(exclude={"id"}))
    for t in back.taken:
        insert_id(s, ReturnLine, _line_row(ret.id, t))
    if credit_kurus > 0:
        assert order.customer_id is not None
        insert_id(
            s,
            StoreCredit,
            {"customer_id": order.customer_id, "return_id": ret.id, "amount_kurus": credit_kurus,
             "currency": order.currency, "location_id": principal.store_id,
             "created_at": ret.created_at},
        )  # fmt: skip
    # Read back from the rows, not from the lines loaded before the counters moved.
    unreturned = s.execute(
        select(func.count()).where(
            col(OrderLine.order_id) == order.id, col(OrderLine.returned) < col(OrderLine.quantity)
        )
    ).scalar_one()
    whole = unreturned == 0
    _record(s, order, ret, principal, whole)
    code = _store_code(s, directory, principal.store_id)
    rows = [(t.line, _line_row(ret.id, t)) for t in back.taken]
    return return_out(ret, rows, order.number, code, whole)


def _take_line(session: Session, line: OrderLine, body: ReturnCreate, store_id: int) -> _Taken:
    wanted = next(ln for ln in body.lines if ln.order_line_id == line.id)
    units = wanted.quantity
    counted = session.execute(
        update(OrderLine)
        .where(col(OrderLine.id) == line.id, col(OrderLine.returned) + units <= line.quantity)
        .values(returned=col(OrderLine.returned) + units)
        .returning(col(OrderLine.returned))
    ).first()
    if counted is None:  # only if the order's row were not taken: the CHECK's last word
        raise _line_refused(
            returns.Refused(returns.LineRefusal.TOO_MANY, line.id or 0, 0), line, None
        )
    before = LineBought(line.id or 0, line.quantity, counted[0] - units, line.line_total_kurus)
    stock.put_back(session, line.variant_id, store_id, units, wanted.condition)
    return _Taken(line, units, wanted.reason, wanted.condition, returns.refund_for(before, units))


def _line_row(return_id: int | None, t: _Taken) -> dict[str, object]:
    return {
        "return_id": return_id,
        "order_line_id": t.line.id,
        "variant_id": t.line.variant_id,
        "quantity": t.units,
        "reason": t.reason,
        "condition": t.condition,
        "refund_kurus": t.refund_kurus,
    }


def _line_refused(
    refused: returns.Refused, line: OrderLine | None, order: Order | None
) -> Conflict | Invalid:
    if line is None:
        return Invalid(
            "return-unknown-line",
            "No such line in this order",
            f"Line {refused.line_id} is not a line of order {order.number if order else ''}.",
            order_line_id=refused.line_id,
        )
    if refused.returnable == 0:
        return Conflict(
            "return-already-returned",
            "Already returned",
            f"{line.sku}: every unit bought was returned already.",
            sku=line.sku,
            order_line_id=line.id,
            returnable=0,
        )
    return Conflict(
        "return-too-many",
        "More than can be returned",
        f"{line.sku}: {refused.returnable} unit(s) bought and not yet returned.",
        sku=line.sku,
        order_line_id=line.id,
        returnable=refused.returnable,
    )


def _record(
    session: Session, order: Order, ret: OrderReturn, principal: Principal, whole: bool
) -> None:
    """The order's history and change feed. A fully returned order keeps its status (the
    domain has no `returned` status, and collected or delivered stays true); its history says
    when everything came back, once: only the return that brought back the last unit sees it."""
    if whole:
        session.add(
            OrderStatusEvent(
                order_id=order.id,  # type: ignore[arg-type]
                status=order.status,
                associate_id=principal.associate_id,
                note=f"returned in full (return {ret.id})",
            )
        )
    changelog.record(
        session,
        "order",
        order.id,
        customer_id=order.customer_id,
        payload={"status": order.status, "number": order.number, "returned": ret.refund_kurus},
    )


def _store_code(session: Session, directory: LocationDirectory, location_id: int) -> str:
    place = directory.all(session).get(location_id)
    return place.code if place is not None else ""
