"""Customers (with consent, sizes and addresses) and associates."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from app.domain.pins import hash_pin
from app.domain.text import fold
from app.server.seed import names
from app.server.seed.common import NOW, Cust, Loc, Staff, between, weighted

CUSTOMER_COLUMNS = (
    "id", "loyalty_number", "first_name", "last_name", "phone", "email", "tier", "points",
    "preferred_sizes", "consent_clienteling", "consent_clienteling_at",
    "consent_clienteling_source", "consent_email", "consent_email_at", "consent_email_source",
    "consent_sms", "consent_sms_at", "consent_sms_source", "consent_whatsapp",
    "consent_whatsapp_at", "consent_whatsapp_source", "created_at", "updated_at", "birth_date",
)  # fmt: skip
POINTS = CUSTOMER_COLUMNS.index("points")
ADDRESS_COLUMNS = (
    "id", "customer_id", "label", "recipient", "line1", "district", "city", "postal_code",
    "phone", "is_default",
)  # fmt: skip
ASSOCIATE_COLUMNS = (
    "id", "code", "name", "role", "home_location_id", "pin_hash", "active",
)  # fmt: skip

TIERS = (("classic", 55), ("silver", 25), ("gold", 14), ("platinum", 6))
FIRST_CUSTOMER = ("Ayşe", "Yılmaz", "F")  # a recognisable profile for demos and benchmarks
DEMO_PIN = "1234"
DEMO_LOGINS = (
    ("demo-associate", "Demo Satış Danışmanı", "associate"),
    ("demo-cashier", "Demo Kasiyer", "cashier"),
    ("demo-manager", "Demo Mağaza Müdürü", "manager"),
)
STORE_ROLES = ("manager", "cashier", "associate", "associate")


@cache
def _ascii(name: str) -> str:
    return fold(name).replace(" ", "")


def _sizes(rng: random.Random, female: bool) -> dict[str, str]:
    roll = rng.random()
    if roll < 0.25:
        return {}
    if female:
        sizes = {
            "top": weighted(rng, (("XS", 15), ("S", 35), ("M", 35), ("L", 15))),
            "bottom": weighted(rng, (("28", 35), ("30", 40), ("32", 25))),
            "shoe": weighted(rng, (("36", 15), ("37", 25), ("38", 30), ("39", 20), ("40", 10))),
        }
    else:
        sizes = {
            "top": weighted(rng, (("S", 10), ("M", 35), ("L", 35), ("XL", 15), ("XXL", 5))),
            "bottom": weighted(rng, (("30", 15), ("32", 35), ("34", 30), ("36", 20))),
            "shoe": weighted(rng, (("41", 20), ("42", 30), ("43", 30), ("44", 15), ("45", 5))),
        }
    if roll < 0.45:
        sizes.pop(rng.choice(("bottom", "shoe")))
    return sizes


def _consent(
    rng: random.Random, p: float, created: datetime, sources: Sequence[tuple[str, int]]
) -> tuple[bool, datetime | None, str | None]:
    if rng.random() >= p:
        return False, None, None
    at = min(created + timedelta(seconds=rng.randrange(30 * 86400)), NOW)
    return True, at, weighted(rng, sources)


def _birth_date(cid: int) -> date | None:
    """From its own generator, like WhatsApp consent: every other seeded figure stays as it
    was. Most members gave a birth date (for the birthday follow-up); adults of 18 to 75."""
    rng = random.Random(cid * 104_729 + 17)
    if rng.random() >= 0.85:
        return None
    return NOW.date() - timedelta(days=rng.randrange(18 * 365, 75 * 365))


def address(rng: random.Random, city: str, recipient: str, phone: str | None) -> dict[str, Any]:
    district, postal, hoods, streets = rng.choice(names.DISTRICTS[city])
    street = rng.choice(streets) if rng.random() < 0.5 else rng.choice(names.SIDE_STREETS)
    line1 = f"{rng.choice(hoods)} Mah. {street} No: {rng.randint(1, 240)}"
    if rng.random() < 0.8:
        line1 += f" D: {rng.randint(1, 24)}"
    return {
        "recipient": recipient,
        "line1": line1,
        "district": district,
        "city": city,
        "postal_code": postal,
        "phone": phone,
    }


def customers(
    rng: random.Random, count: int, locations: Sequence[Loc]
) -> tuple[list[list[Any]], list[tuple[Any, ...]], list[Cust]]:
    stores = [loc for loc in locations if loc.kind == "store"]
    by_city: dict[str, list[Loc]] = {}
    for loc in stores:
        by_city.setdefault(loc.city, []).append(loc)
    rows: list[list[Any]] = []
    address_rows: list[tuple[Any, ...]] = []
    custs: list[Cust] = []
    used_phones: set[int] = set()
    used_emails: set[str] = set()
    used_loyalty: set[int] = set()
    domains = names.EMAIL_DOMAINS
    span_start = NOW - timedelta(days=8 * 365)
    for cid in range(1, count + 1):
        if cid == 1:
            first, last, sex = FIRST_CUSTOMER
        else:
            sex = "F" if rng.random() < 0.58 else "M"
            first = rng.choice(names.FEMALE_FIRST if sex == "F" else names.MALE_FIRST)
            last = rng.choice(names.LAST)
        while True:
            number = rng.randrange(10**9, 10**10)
            if number not in used_loyalty:
                used_loyalty.add(number)
                break
        while True:
            local = int(rng.choice(names.MOBILE_PREFIXES)) * 10**7 + rng.randrange(10**7)
            if local not in used_phones:
                used_phones.add(local)
                break
        phone = f"+90{local}"
        email = None
        if cid == 1 or rng.random() < 0.95:
            f, la = _ascii(first), _ascii(last)
            base = rng.choice((f"{f}.{la}", f"{f}{la}", f"{f}_{la}", f"{f[0]}{la}"))
            domain = weighted(rng, domains)
            email = f"{base}@{domain}"
            while email in used_emails:
                email = f"{base}{rng.randrange(1, 10_000)}@{domain}"
            used_emails.add(email)
        # Newer members are more common than old ones.
        created = between(rng, span_start, NOW - timedelta(days=1))
        created = max(created, between(rng, span_start, NOW - timedelta(days=1)))
        if cid == 1:
            created = NOW - timedelta(days=6 * 365, hours=5)
        city = weighted(rng, names.ADDRESS_CITY_WEIGHTS)
        home = rng.choice(by_city.get(city) or stores)
        tier = "gold" if cid == 1 else weighted(rng, TIERS)
        sources = ((home.code, 60), ("app", 25), ("web", 15))
        cl = _consent(rng, 1.0 if cid == 1 else 0.7, created, sources)
        em = _consent(rng, 0.55, created, (("web", 45), ("app", 35), (home.code, 20)))
        sms = _consent(rng, 0.4, created, (("app", 40), ("web", 30), (home.code, 30)))
        # WhatsApp came later, from its own generator: the draws above, and so every other
        # customer, order and figure of the seed, are what they were before it.
        wa = _consent(random.Random(cid * 7919), 0.3, created, (("app", 70), (home.code, 30)))
        if email is None:
            em = (False, None, None)
        if phone is None:
            wa = (False, None, None)
        updated = max([created] + [c[1] for c in (cl, em, sms, wa) if c[1] is not None])
        rows.append(
            [cid, f"RY{number}", first, last, phone, email, tier, 0, _sizes(rng, sex == "F"),
             *cl, *em, *sms, *wa, created, updated, _birth_date(cid)]
        )  # fmt: skip
        cust = Cust(cid, first, last, phone, tier, created, city, home.id)
        for n in range(weighted(rng, ((0, 25), (1, 50), (2, 25)))):
            recipient = cust.name
            if n and rng.random() < 0.3:
                recipient = f"{rng.choice(names.FEMALE_FIRST + names.MALE_FIRST)} {last}"
            addr = address(rng, city if n == 0 else weighted(rng, names.ADDRESS_CITY_WEIGHTS),
                           recipient, phone if rng.random() < 0.9 else None)  # fmt: skip
            cust.addresses.append(addr)
            address_rows.append(
                (len(address_rows) + 1, cid, names.ADDRESS_LABELS[n] if n < 2 else "",
                 addr["recipient"], addr["line1"], addr["district"], addr["city"],
                 addr["postal_code"], addr["phone"], n == 0)
            )  # fmt: skip
        custs.append(cust)
    return rows, address_rows, custs


def associates(
    rng: random.Random,
    stores: Sequence[Loc],
    roles: Sequence[str],
    *,
    hash_each: bool,
) -> tuple[list[tuple[Any, ...]], Staff]:
    """The three demo log-ins at the first store (IST01), then `roles` at every store.

    PIN 1234 for everyone. The scrypt salt comes from the seeded random source so the data is
    identical on every run; `hash_each=False` reuses one hash (fast, for the bench data).
    """
    staff = Staff()
    rows: list[tuple[Any, ...]] = []
    shared = hash_pin(DEMO_PIN, salt=rng.randbytes(16))

    def pin() -> str:
        return hash_pin(DEMO_PIN, salt=rng.randbytes(16)) if hash_each else shared

    first_store = stores[0]
    for code, name, role in DEMO_LOGINS:
        rows.append((len(rows) + 1, code, name, role, first_store.id, pin(), True))
        staff.add(first_store.id, role, len(rows))
    for store in stores:
        taken: set[str] = set()
        for role in roles:
            female = rng.random() < 0.6
            first = rng.choice(names.FEMALE_FIRST if female else names.MALE_FIRST)
            last = rng.choice(names.LAST)
            code = f"{store.code.lower()}-{_ascii(first)}"
            if code in taken:
                code = f"{code}-{_ascii(last)[0]}"
            n = 2
            while code in taken:
                code, n = f"{store.code.lower()}-{_ascii(first)}{n}", n + 1
            taken.add(code)
            rows.append((len(rows) + 1, code, f"{first} {last}", role, store.id, pin(), True))
            staff.add(store.id, role, len(rows))
    return rows, staff
