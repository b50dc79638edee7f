"""What every return step reads of an order: whether this store may see it, when its goods
reached the customer, its lines as bought and returned, its payment; and a return's wire form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.returns import ReturnedLine, ReturnList, ReturnOut
from app.domain import returns
from app.domain.errors import Conflict, NotFound
from app.domain.returns import LineBought
from app.server.catalog.directory import LocationDirectory
from app.server.customers.access import access_level
from app.server.customers.models import Customer
from app.server.deps import Principal
from app.server.orders.models import Order, OrderLine, OrderStatusEvent, Payment
from app.server.returns.models import OrderReturn, ReturnLine
from app.server.returns.stock import aware

# A return line as its wire form needs it: the order line (for its SKU) and the row's values.
Taken = tuple[OrderLine, dict[str, object]]


def readable_order(session: Session, order_id: int, principal: Principal) -> Order:
    """An order this store may see to take it back. Returns are taken in any store, not only the
    one that sold it; but an order's lines and customer are personal data, so another store sees
    it as the single customer view would: with the customer's consent, or while they are here
    having shown their app's QR code. Otherwise the same answer as a missing order."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("Order", order_id)
    if principal.store_id in (order.store_location_id, order.pickup_location_id):
        return order
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    if customer is None or access_level(session, customer, principal) == "none":
        raise NotFound("Order", order_id)
    return order


def not_returnable(order: Order) -> Conflict:
    return Conflict(
        "return-not-received",
        "This order cannot be returned",
        f"It is {order.status}; only orders collected or delivered are returned "
        "(an open order is cancelled instead).",
        status_now=order.status,
    )


def received_at(session: Session, order: Order) -> datetime:
    """When the goods reached the customer; an order that got there with no history row (an
    import) counts from when it was placed, which never lengthens its window."""
    events = session.execute(
        select(col(OrderStatusEvent.status), col(OrderStatusEvent.at)).where(
            col(OrderStatusEvent.order_id) == order.id
        )
    ).all()
    return aware(returns.received_at((s, aware(at)) for s, at in events) or order.placed_at)


def bought(session: Session, order_id: int) -> dict[int, OrderLine]:
    rows = session.execute(
        select(OrderLine).where(col(OrderLine.order_id) == order_id).order_by(col(OrderLine.id))
    ).scalars()
    return {line.id: line for line in rows if line.id is not None}


def as_bought(line: OrderLine) -> LineBought:
    assert line.id is not None
    return LineBought(line.id, line.quantity, line.returned, line.line_total_kurus)


def succeeded_payment(session: Session, order_id: int) -> Payment | None:
    return session.execute(
        select(Payment).where(col(Payment.order_id) == order_id, col(Payment.status) == "succeeded")
    ).scalar_one_or_none()


def return_out(
    ret: OrderReturn, lines: list[Taken], number: str, location_code: str, whole: bool
) -> ReturnOut:
    return ReturnOut.model_validate(
        {
            **ret.model_dump(exclude={"customer_id", "refund_provider"}),
            "order_number": number,
            "location_code": location_code,
            "order_fully_returned": whole,
            "lines": [
                ReturnedLine.model_validate(
                    {**row, "sku": line.sku, "stock": returns.stock_place(str(row["condition"]))}
                )
                for line, row in lines
            ],
        }
    )


def returns_of(
    *, db_session: Session, principal: Principal, order_id: int, directory: LocationDirectory
) -> ReturnList:
    """An order's returns, oldest first, for whoever may see the order."""
    order = readable_order(db_session, order_id, principal)
    lines = bought(db_session, order_id)
    whole = returns.fully_returned(as_bought(ln) for ln in lines.values())
    rows = db_session.execute(
        select(OrderReturn, ReturnLine)
        .join(ReturnLine, col(ReturnLine.return_id) == col(OrderReturn.id))
        .where(col(OrderReturn.order_id) == order_id)
        .order_by(col(OrderReturn.id), col(ReturnLine.id))
    ).all()
    grouped: dict[int | None, tuple[OrderReturn, list[Taken]]] = {}
    for ret, row in rows:
        entry = grouped.setdefault(ret.id, (ret, []))
        entry[1].append((lines[row.order_line_id], row.model_dump(exclude={"id"})))
    places = directory.all(db_session)
    return ReturnList(
        returns=[
            return_out(ret, taken, order.number, _code(places.get(ret.location_id)), whole)
            for ret, taken in grouped.values()
        ]
    )


def _code(place: object) -> str:
    return str(getattr(place, "code", ""))
