"""The store report's outreach figures over real HTTP, on SQLite and PostgreSQL, for a small
made-up world: two associates of IZM01 (tests/integration/test_reports.py's staff) sending
looks in June 2023, opened and clicked or not, and orders inside and outside the 14 days after,
for the look's products or others, a cancelled one, and one a later look of another store
takes over. Every row is made for these customers only, so the figures are exact."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import event, select, update
from sqlmodel import col

from app.domain import local_days
from app.domain.outreach import MessageStatus
from app.server.catalog.models import Variant
from app.server.orders.models import Order, OrderLine
from app.server.outreach.models import OutreachMessage
from app.server.reports import outreach
from tests import factories
from tests.conftest import World
from tests.integration.test_reports import STORE, izmir_staff, report, utc
from tests.looks import make_look

D0, D4 = date(2023, 6, 5), date(2023, 6, 9)  # Monday to Friday, Istanbul (UTC+3)


def _variant(world: World, sku: str) -> int:
    with world.db.session() as s:
        return int(s.execute(select(col(Variant.id)).where(col(Variant.sku) == sku)).scalar_one())


def _sent(
    world: World, associate: int, store: int, customer: int, variants: list[int], at: datetime,
    *, opened: bool = False, clicked: bool = False, status: MessageStatus = MessageStatus.SENT,
) -> int:  # fmt: skip
    _, message_id = make_look(
        world.db,
        customer_id=customer,
        associate_id=associate,
        location_id=store,
        variant_ids=variants,
        status=status,
        at=at,
    )
    later = at + timedelta(hours=1)
    with world.db.write() as s:
        s.execute(
            update(OutreachMessage)
            .where(col(OutreachMessage.id) == message_id)
            .values(
                opened_at=later if opened or clicked else None,
                clicked_at=later if clicked else None,
                visits=1 if clicked else 0,
            )
        )
    return message_id


def _bought(
    world: World, customer: int, variant: int, at: datetime, total: int, status: str = "placed"
) -> None:
    """An order as any channel would write it: only customer, lines, time, total and status
    matter to the credit."""
    with world.db.write() as s:
        order = Order(
            number=factories.unique("W-O"),
            customer_id=customer,
            channel="web",
            status=status,
            fulfilment_type="ship_to_home",
            subtotal_kurus=total,
            total_kurus=total,
            kdv_kurus=0,
            placed_at=at,
        )
        s.add(order)
        s.flush()
        assert order.id is not None
        sku = s.get(Variant, variant).sku  # type: ignore[union-attr]
        s.add(
            OrderLine(
                order_id=order.id,
                variant_id=variant,
                sku=sku,
                quantity=1,
                unit_price_kurus=total,
                kdv_rate=10,
                line_total_kurus=total,
                source_location_id=world.base.warehouse,
            )
        )


def test_outreach_figures_per_associate_with_credited_orders(world: World) -> None:
    b = world.base
    staff = izmir_staff(world)
    emre, deniz = staff.ids["Emre Aydın"], staff.ids["Deniz Çelik"]
    izmir = b.stores[STORE]
    products = [factories.product(world.db, sizes=("S", "M")) for _ in range(3)]
    (p1s, p1m), (p2s, _), (p3s, _) = (
        [_variant(world, sku) for sku in skus] for _, skus in products
    )
    ayse, can, ece, nur = (factories.customer(world.db, consent=True) for _ in range(4))

    _sent(world, emre, izmir, ayse, [p1s, p2s], utc(D0, 10), clicked=True)
    _sent(world, emre, izmir, can, [p3s], utc(D0 + timedelta(days=1), 12), opened=True)
    # Never went out (waits, or was blocked): not sent, credits nothing.
    _sent(world, emre, izmir, ece, [p1s], utc(D0, 9), status=MessageStatus.QUEUED)
    _sent(world, deniz, izmir, ayse, [p2s], utc(D0 + timedelta(days=2), 9), clicked=True)
    # Before the window: not counted as sent, but credits stay with it.
    _sent(world, deniz, izmir, nur, [p1s], utc(D0 - timedelta(days=10), 9), opened=True)
    # A later look from another store takes can's orders of p3 after it.
    _sent(world, b.associates["t-associate"], b.stores["IST01"], can, [p3s],
          utc(D0 + timedelta(days=7), 12))  # fmt: skip

    # ayse: p1 in another size a day after emre's look: emre's.
    _bought(world, ayse, p1m, utc(D0 + timedelta(days=1), 8), 30000)
    # p2 after both emre's and deniz's looks held it: the later one, deniz's.
    _bought(world, ayse, p2s, utc(D0 + timedelta(days=3), 8), 45000)
    # p1 17 days after emre's look: too late. p1 an hour before it was sent: not from it.
    _bought(world, ayse, p1s, utc(D0 + timedelta(days=17), 8), 11100)
    _bought(world, ayse, p1s, utc(D0, 9), 22200)
    # can: p3 within the days but cancelled; p1 is not in his look; p3 six days after: emre's;
    # p3 after the other store's look: that store's, not emre's.
    _bought(world, can, p3s, utc(D0 + timedelta(days=4), 8), 33300, status="cancelled")
    _bought(world, can, p1s, utc(D0 + timedelta(days=2), 8), 44400)
    _bought(world, can, p3s, utc(D0 + timedelta(days=7), 8), 20000)
    _bought(world, can, p3s, utc(D0 + timedelta(days=9), 8), 55500)
    # nur: bought within 14 days of deniz's look sent before the window: not in this window.
    _bought(world, nur, p1s, utc(D0 - timedelta(days=5), 8), 66600)
    # ece: the queued look's product.
    _bought(world, ece, p1s, utc(D0 + timedelta(days=1), 8), 77700)

    r = report(staff, world, first_day=D0.isoformat(), last_day=D4.isoformat())
    assert r.status_code == 200, r.text
    assert r.json()["outreach"] == [
        {
            "associate_id": emre,
            "associate_name": "Emre Aydın",
            "sent": 2,
            "opened": 2,
            "clicked": 1,
            "orders_credited": 2,
            "sales_credited_kurus": 30000 + 20000,
        },
        {
            "associate_id": deniz,
            "associate_name": "Deniz Çelik",
            "sent": 1,
            "opened": 1,
            "clicked": 1,
            "orders_credited": 1,
            "sales_credited_kurus": 45000,
        },
    ]
    # The other store's figures: its associate, can's last order.
    with world.db.session() as s:
        ist = outreach.figures(
            s, b.stores["IST01"], local_days.day_starts(D0, date(2023, 6, 12), "Europe/Istanbul")
        )
    mine = [f for f in ist if f.associate_id == b.associates["t-associate"]]
    assert [(f.sent, f.orders_credited, f.sales_credited_kurus) for f in mine] == [(1, 1, 55500)]

    # A window with no looks sent: no rows. And the figures cost two queries, whatever the data.
    quiet = report(staff, world, first_day="2023-07-03", last_day="2023-07-07")
    assert quiet.json()["outreach"] == []
    statements: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN
            statements.append(str(args[2]))

    event.listen(world.db.engine, "before_cursor_execute", count)
    try:
        with world.db.session() as s:
            outreach.figures(s, izmir, local_days.day_starts(D0, D4, "Europe/Istanbul"))
    finally:
        event.remove(world.db.engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements
