"""Small, explicit data for tests: each test makes the rows it depends on."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update
from sqlmodel import Session, col

from app.contracts.devices import DeviceCredential
from app.domain.ean import make as make_ean
from app.domain.pins import hash_pin
from app.domain.text import fold
from app.qr.identity import make_identity, new_device_key
from app.qr.keys import KeyRing
from app.server.auth.models import Associate
from app.server.catalog.models import Location, Product, Variant
from app.server.customers.identity import register_device_key
from app.server.customers.models import Customer, CustomerAddress
from app.server.db import Database, utcnow
from app.server.devices.service import enrol_directly
from app.server.inventory.models import StockLevel
from app.server.promotions.models import Coupon
from app.server.promotions.service import coupon_code
from tests.server import TEST_SECRET

_seq = itertools.count(1)
PIN = "1234"
PIN_HASH = hash_pin(PIN)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq):06d}"


@dataclass
class Base:
    """The fixed world every test shares: a few stores, the warehouse, staff, customers."""

    stores: dict[str, int]
    warehouse: int
    associates: dict[str, int]
    consenting_customer: int
    private_customer: int


STORES = {
    # code: (name, city, lat, lon)
    "IST01": ("Nişantaşı", "İstanbul", 41.0522, 28.9940),
    "IST02": ("Kadıköy", "İstanbul", 40.9903, 29.0290),
    "ANK01": ("Kızılay", "Ankara", 39.9208, 32.8541),
    "IZM01": ("Alsancak", "İzmir", 38.4370, 27.1428),
}


def build_base(db: Database) -> Base:
    with db.write() as s:
        stores = {}
        for code, (name, city, lat, lon) in STORES.items():
            loc = Location(
                code=code, name=name, kind="store", city=city, latitude=lat, longitude=lon
            )
            s.add(loc)
            s.flush()
            stores[code] = loc.id
        wh = Location(
            code="WEB",
            name="Online depo",
            kind="warehouse",
            city="Kocaeli",
            latitude=40.8025,
            longitude=29.4307,
        )
        s.add(wh)
        s.flush()
        associates = {}
        for code, role, store in [
            ("t-associate", "associate", "IST01"),
            ("t-cashier", "cashier", "IST01"),
            ("t-cashier2", "cashier", "IST01"),
            ("t-manager", "manager", "IST01"),
            ("t-ank-associate", "associate", "ANK01"),
            ("t-lockme", "associate", "IST01"),
        ]:
            a = Associate(
                code=code,
                name=code.replace("-", " ").title(),
                role=role,
                home_location_id=stores[store],
                pin_hash=PIN_HASH,
            )
            s.add(a)
            s.flush()
            associates[code] = a.id
        now = utcnow()
        consenting = Customer(
            loyalty_number="RY0000000001",
            first_name="Ayşe",
            last_name="Yılmaz",
            phone="+905321234567",
            email="ayse.yilmaz@example.com",
            tier="gold",
            points=1200,
            preferred_sizes={"top": "M"},
            consent_clienteling=True,
            consent_clienteling_at=now,
            consent_clienteling_source="IST01",
        )
        private = Customer(
            loyalty_number="RY0000000002",
            first_name="Mehmet",
            last_name="Öztürk",
            phone="+905339876543",
            email="mehmet@example.com",
            tier="classic",
        )
        s.add(consenting)
        s.add(private)
        s.flush()
        s.add(
            CustomerAddress(
                customer_id=consenting.id,
                label="Ev",
                recipient="Ayşe Yılmaz",
                line1="Bağdat Cad. No: 12 D: 3",
                district="Kadıköy",
                city="İstanbul",
                postal_code="34710",
                is_default=True,
            )
        )
        return Base(
            stores=stores,
            warehouse=wh.id,
            associates=associates,
            consenting_customer=consenting.id,
            private_customer=private.id,
        )


def product(
    db: Database,
    *,
    name_tr: str = "Pamuklu Gömlek",
    name_en: str = "Cotton Shirt",
    category: str = "shirts",
    price_kurus: int = 49990,
    sizes: tuple[str, ...] = ("S", "M", "L"),
    stock: dict[int, int] | None = None,
) -> tuple[int, list[str]]:
    """A product with one colour in `sizes`; `stock` is {location_id: on_hand} for every size."""
    with db.write() as s:
        style = unique("T-")
        p = Product(
            style_code=style,
            name_tr=name_tr,
            name_en=name_en,
            brand="Reyon",
            category=category,
            kdv_rate=10,
            search_text=fold(f"{name_tr} {name_en} Reyon {category} {style}"),
        )
        s.add(p)
        s.flush()
        skus = []
        for size in sizes:
            sku = f"{style}-LAC-{size}"
            v = Variant(
                product_id=p.id,
                sku=sku,
                ean13=make_ean(f"869{next(_seq):09d}"),
                size=size,
                colour="Lacivert",
                colour_en="Navy",
                price_kurus=price_kurus,
            )
            s.add(v)
            s.flush()
            for loc_id, on_hand in (stock or {}).items():
                s.add(StockLevel(variant_id=v.id, location_id=loc_id, on_hand=on_hand))
            skus.append(sku)
        return p.id, skus


def set_on_hand(db: Database, sku: str, location_id: int, on_hand: int) -> None:
    """A SKU's on-hand count at one location set outright (sold at a till, restocked)."""
    with db.write() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == sku)).scalar_one()
        s.execute(
            update(StockLevel)
            .where(col(StockLevel.variant_id) == vid, col(StockLevel.location_id) == location_id)
            .values(on_hand=on_hand)
        )


def coupon(
    db: Database,
    *,
    kind: str = "percent",
    value: int = 1000,
    max_redemptions: int | None = 1,
    per_customer_limit: int | None = None,
    customer_id: int | None = None,
    min_basket_kurus: int = 0,
    channels: str = "web,app,store,endless_aisle",
    valid_days: int = 30,
    starts_in_days: int = -1,
) -> str:
    with db.write() as s:
        code = unique("TC")
        now = utcnow()
        s.add(
            Coupon(
                code=code,
                campaign="test",
                kind=kind,
                value=value,
                min_basket_kurus=min_basket_kurus,
                valid_from=now + timedelta(days=starts_in_days),
                valid_until=now + timedelta(days=valid_days),
                channels=channels,
                max_redemptions=max_redemptions,
                per_customer_limit=per_customer_limit,
                customer_id=customer_id,
            )
        )
        return code


def session(db: Database) -> Session:
    return db.session()


def tablet(db: Database, store: str = "IST01", name: str = "pytest") -> DeviceCredential:
    """An enrolled tablet of `store`: log-ins need one."""
    with db.write() as s:
        return enrol_directly(s, store_code=store, name=name)


def login_body(
    device: DeviceCredential, associate: str, *, pin: str = PIN, store: str | None = None
) -> dict[str, str]:
    return {
        "store_code": store or device.store_code,
        "associate_code": associate,
        "pin": pin,
        "device_id": device.device_id,
        "device_secret": device.device_secret,
    }


def customer(
    db: Database, *, consent: bool = False, phone: str | None = None, email: str | None = None
) -> int:
    with db.write() as s:
        c = Customer(
            loyalty_number=unique("RYT"),
            first_name="Zeynep",
            last_name="Demir",
            phone=phone,
            email=email,
            tier="classic",
            consent_clienteling=consent,
            consent_clienteling_at=utcnow() if consent else None,
        )
        s.add(c)
        s.flush()
        assert c.id is not None
        return c.id


# The key ring of the API processes the tests start (their secret is TEST_SECRET).
TEST_RING = KeyRing({"A": TEST_SECRET.encode()}, "A")


def device_key(db: Database, customer_id: int) -> tuple[Ed25519PrivateKey, int]:
    """A phone's identity key, registered for the customer as the brand app would."""
    private, public = new_device_key()
    with db.write() as s:
        key = register_device_key(s, customer_id=customer_id, public_key=public, label="test")
        return private, key.id


def identity_code(db: Database, customer_id: int, *, now: float | None = None) -> str:
    private, key_id = device_key(db, customer_id)
    return make_identity(private, key_id, now)


def coupon_payload(db: Database, code: str, ring: KeyRing = TEST_RING) -> str:
    with db.session() as s:
        coupon = s.execute(select(Coupon).where(col(Coupon.code) == code)).scalar_one()
        return coupon_code(ring, coupon)
