"""The store the in-memory gateway starts with (memory/): two Istanbul stores and the
online warehouse, four associates, a handful of products with stock, a consenting and a
masked customer, coupons (one a real signed QR, one personal). Data, kept apart from the
gateway's behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.contracts.catalog import ProductDetail, VariantOut
from app.contracts.customers import AddressOut, Consent, Consents, CustomerProfile, CustomerView
from app.contracts.devices import DeviceOut
from app.contracts.fulfilment import PickupLine, PickupOrder
from app.contracts.promotions import OfflineCouponPolicy
from app.contracts.returns import ReturnableLine, ReturnableOrder
from app.contracts.transfers import TransferLineOut, TransferOut
from app.qr.coupon import CouponCode, make_coupon, new_public_id
from app.tablet.gateway.memory_store_side import fill_store_side

if TYPE_CHECKING:
    from app.tablet.gateway.memory import MemoryGateway


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Location:
    id: int
    code: str
    name: str
    kind: str  # store | warehouse


@dataclass
class Associate:
    id: int
    code: str
    name: str
    role: str
    pin: str
    store_id: int
    active: bool = True
    wrong: dict[str, int] = field(default_factory=dict)  # device id -> wrong PINs in a row


@dataclass
class Coupon:
    id: int
    code: str
    campaign: str
    kind: str  # percent (basis points) | amount (kuruş)
    value: int
    max_redemptions: int = 1
    redeemed: int = 0
    token: str | None = None  # the signed QR, for coupons the till may check offline
    owner: int | None = None  # a personal coupon: the customer it was given to


def fill_demo_world(g: MemoryGateway) -> None:
    """Two Istanbul stores and the online warehouse; device "tab-1"/"secret-1" is enrolled
    in IST01; PINs: ayse 1234 (associate), kemal 2345 (cashier), mert 3456 (manager)."""
    now = _now()
    for loc in (
        Location(1, "IST01", "Reyon Kadıköy", "store"),
        Location(2, "IST02", "Reyon Beşiktaş", "store"),
        Location(3, "WEB01", "Online depo", "warehouse"),
    ):
        g.locations[loc.id] = loc
    g.distance = {frozenset({1, 2}): 6.5, frozenset({1, 3}): 31.0, frozenset({2, 3}): 27.0}
    for a in (
        Associate(1, "ayse", "Ayşe Kaya", "associate", "1234", 1),
        Associate(2, "kemal", "Kemal Öz", "cashier", "2345", 1),
        Associate(3, "mert", "Mert Ak", "manager", "3456", 1),
        Associate(4, "zeynep", "Zeynep Er", "associate", "4567", 2),
    ):
        g.associates[g.locations[a.store_id].code, a.code] = a
    g.devices_["tab-1"] = ("secret-1", "IST01", DeviceOut(id="tab-1", name="Kasa 1", enrolled_at=now, revoked_at=None))  # fmt: skip
    g.enrol_codes["ENROL-IST01"] = "IST01"
    catalogue = (
        (
            1,
            "Keten Gömlek",
            "Linen Shirt",
            "shirts",
            89990,
            [("BEY", "Beyaz", "White", s) for s in "ML"],
        ),
        (2, "Kot Ceket", "Denim Jacket", "jackets", 149990, [("MAV", "Mavi", "Blue", "M")]),
        (3, "Yün Atkı", "Wool Scarf", "accessories", 39990, [("GRI", "Gri", "Grey", "STD")]),
    )
    for pid, tr, en, category, price, variants in catalogue:
        rows = [VariantOut(variant_id=pid * 10 + i, sku=f"RY-{pid}00{pid}-{c}-{size}", ean13=f"869000000{pid}{i:03d}", product_id=pid, size=size, colour=c_tr, colour_en=c_en, price_kurus=price, currency="TRY", kdv_rate=10) for i, (c, c_tr, c_en, size) in enumerate(variants)]  # fmt: skip
        g.products[pid] = ProductDetail(id=pid, style_code=f"RY-{pid}00{pid}", name_tr=tr, name_en=en, brand="Reyon", category=category, kdv_rate=10, price_min_kurus=price, price_max_kurus=price, description_tr=tr, description_en=en, sizes=sorted({v.size for v in rows}), colours=sorted({v.colour for v in rows}), variants=rows)  # fmt: skip
    # (IST01, IST02, warehouse): the large shirt only at IST02, one jacket here.
    for sku, counts in {
        "RY-1001-BEY-M": (3, 1, 10),
        "RY-1001-BEY-L": (0, 2, 0),
        "RY-2002-MAV-M": (1, 0, 4),
        "RY-3003-GRI-STD": (5, 5, 20),
    }.items():
        for loc_id, n in zip((1, 2, 3), counts, strict=True):
            g.stock[sku, loc_id] = [n, 0]
    _add_customer(g, 1, "Elif", "Yılmaz", "+905321112233", "elif@example.com", consent=True)
    _add_customer(g, 2, "Can", "Demir", "+905329998877", "can@example.com", consent=False)
    g.identity_codes["RY1I-DEMO-CAN"] = 2
    g.coupons["HOSGELDIN10"] = Coupon(1, "HOSGELDIN10", "Hoş geldin", "percent", 1000)
    summer = CouponCode(new_public_id(), "Yaz", "amount", 5000, int(now.timestamp()) + 86400)
    token = make_coupon(g.ring, summer)
    g.coupons["YAZ50"] = Coupon(2, "YAZ50", "Yaz", "amount", 5000, token=token)
    g.coupons["DOGUMGUNU"] = Coupon(3, "DOGUMGUNU", "Doğum günü", "percent", 1500, owner=1)
    g.identity_codes["RY1I-DEMO-ELIF"] = 1
    _add_pickup(g, 501, customer=1, name="Elif Yılmaz", skus={"RY-1001-BEY-M": 1, "RY-3003-GRI-STD": 2}, hours_ago=5)  # fmt: skip
    # Can's jacket, paid online and sent home from this store's shelf.
    _add_pickup(g, 502, customer=2, name="Can Demir", skus={"RY-2002-MAV-M": 1}, hours_ago=3, parcel=True)  # fmt: skip
    # IST02 asked IST01 for two scarves for its shelf: a task on IST01's list.
    g.stock["RY-3003-GRI-STD", 1][1] += 2
    g.moves[601] = _transfer(g, 601, sender=1, receiver=2, skus={"RY-3003-GRI-STD": 2})
    # Elif's web order, delivered a week ago: a shirt and two scarves, a 10% coupon's share off.
    _add_received(g, 701, customer=1, number="W-2026-000701", skus={"RY-1001-BEY-M": 1, "RY-3003-GRI-STD": 2}, days_ago=7)  # fmt: skip
    g.policy[1] = OfflineCouponPolicy(location_id=1, max_count_per_till_day=2, max_value_kurus_per_till_day=20000, updated_at=now, updated_by=3)  # fmt: skip
    fill_store_side(g)  # Elif's pickups, returns and transfers; the report's store side
    # What the worker learnt from the orders: the shirt goes with the jacket and the scarf.
    g.companions = {1: [(2, 5), (3, 3)], 2: [(1, 5), (3, 2)], 3: [(1, 3), (2, 2)]}


def _add_customer(
    g: MemoryGateway, cid: int, first: str, last: str, phone: str, email: str, *, consent: bool
) -> None:
    now = _now()
    given = Consent(given=consent, at=now if consent else None, source="store" if consent else None)  # fmt: skip
    addresses = [AddressOut(id=cid * 10, label="Ev", recipient=f"{first} {last}", line1="Moda Cad. 1", district="Kadıköy", city="İstanbul", postal_code="34710", phone=phone, is_default=True)] if consent else []  # fmt: skip
    profile = CustomerProfile(id=cid, loyalty_number=f"RY{cid:08d}", first_name=first, last_name=last, phone=phone, email=email, tier="gold" if consent else "classic", points=120, preferred_sizes={}, consents=Consents(clienteling=given, email=given, sms=given), addresses=addresses, created_at=now)  # fmt: skip
    g.customers[cid] = CustomerView(profile=profile, access="consent" if consent else "none", wishlist=[], try_ons=[], cart=None, orders=[], coupons=[], notes=[])  # fmt: skip


def _add_pickup(
    g: MemoryGateway,
    order_id: int,
    *,
    customer: int,
    name: str,
    skus: dict[str, int],
    hours_ago: int,
    parcel: bool = False,
) -> None:
    """A click & collect order waiting at IST01 to be picked; or (`parcel`) a paid home
    delivery IST01 sends."""
    lines = []
    for n, (sku, quantity) in enumerate(skus.items(), start=1):
        p, v = g._variant(sku)
        lines.append(PickupLine(line_id=order_id * 10 + n, sku=v.sku, ean13=v.ean13, product_id=p.id, name_tr=p.name_tr, name_en=p.name_en, size=v.size, colour=v.colour, colour_en=v.colour_en, quantity=quantity, picked=0, collected=0))  # fmt: skip
    g.pickups[order_id] = PickupOrder(order_id=order_id, number=f"RY-{order_id}", status="paid", fulfilment_type="ship_to_home" if parcel else "click_collect", channel="web", step="pick", pickup_location_id=1, customer_id=customer, customer_name=name, placed_at=_now() - timedelta(hours=hours_ago), due_on=None, held_until=None, lines=lines)  # fmt: skip


def _transfer(
    g: MemoryGateway, tid: int, *, sender: int, receiver: int, skus: dict[str, int]
) -> TransferOut:
    """A transfer for the shelf asked for an hour ago, its units held at the sender."""
    lines = []
    for n, (sku, quantity) in enumerate(skus.items(), start=1):
        p, v = g._variant(sku)
        lines.append(TransferLineOut(line_id=tid * 10 + n, sku=v.sku, ean13=v.ean13, product_id=p.id, name_tr=p.name_tr, name_en=p.name_en, size=v.size, colour=v.colour, colour_en=v.colour_en, quantity=quantity, sent=0, in_transit=0, received=0, damaged=0, not_sent=0, short=0))  # fmt: skip
    a, b = g.locations[sender], g.locations[receiver]
    return TransferOut(id=tid, status="requested", reason="shelf", customer_id=None, from_location_id=a.id, from_code=a.code, from_name=a.name, to_location_id=b.id, to_code=b.code, to_name=b.name, requested_by=2, note="", requested_at=_now() - timedelta(hours=1), sent_at=None, received_at=None, closed_at=None, lines=lines)  # fmt: skip


def _add_received(
    g: MemoryGateway,
    order_id: int,
    *,
    customer: int,
    number: str,
    skus: dict[str, int],
    days_ago: int,
) -> None:
    """A web order delivered `days_ago`, paid by card: returnable at any store for 30 days."""
    lines, total = [], 0
    for n, (sku, quantity) in enumerate(skus.items(), start=1):
        p, v = g._variant(sku)
        paid = v.price_kurus * quantity * 9 // 10
        total += paid
        lines.append(ReturnableLine(order_line_id=order_id * 10 + n, sku=v.sku, ean13=v.ean13, product_id=p.id, name_tr=p.name_tr, name_en=p.name_en, size=v.size, colour=v.colour, colour_en=v.colour_en, quantity=quantity, returned=0, returnable=quantity, line_total_kurus=paid, next_unit_refund_kurus=paid // quantity))  # fmt: skip
    at = _now() - timedelta(days=days_ago)
    g.returnables[order_id] = ReturnableOrder(order_id=order_id, number=number, channel="web", status="delivered", customer_id=customer, total_kurus=total, currency="TRY", placed_at=at - timedelta(days=2), received_at=at, last_day=(at + timedelta(days=30)).date(), refusal=None, refund_methods=["original_payment", "store_credit"], lines=lines)  # fmt: skip
