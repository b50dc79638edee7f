"""Coupons of every kind, and the bookkeeping that keeps redeemed_count equal to the number of
redemptions that are not voided."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain import coupons as rules
from app.qr.coupon import PUBLIC_ID_BYTES
from app.qr.envelope import b32
from app.server.seed.common import NOW, Cust, between

COUPON_COLUMNS = (
    "id", "code", "campaign", "kind", "value", "min_basket_kurus", "valid_from", "valid_until",
    "channels", "max_redemptions", "per_customer_limit", "customer_id", "redeemed_count",
    "created_at", "public_id",
)  # fmt: skip
REDEMPTION_COLUMNS = (
    "id", "coupon_id", "customer_id", "order_id", "channel", "location_id", "till_id",
    "sale_ref", "associate_id", "status", "discount_kurus", "basket_total_kurus", "created_at",
    "voided_at", "voided_by",
)  # fmt: skip
ALL_CHANNELS = "web,app,store,endless_aisle"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _d(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


# code, campaign, kind, value, min basket, from, until, channels, max, per customer
CAMPAIGNS: tuple[tuple[Any, ...], ...] = (
    ("HOSGELDIN10", "Hoş geldin indirimi", "percent", 1000, 50_000,
     _d(2025, 1, 1), _d(2028, 12, 31), "web,app", None, 1),
    ("MAGAZA15", "Mağaza ayrıcalığı", "percent", 1500, 150_000,
     _d(2025, 3, 1), _d(2028, 12, 31), "store,endless_aisle", None, None),
    ("SEPETTE200", "Sepette 200 TL indirim", "amount", 20_000, 200_000,
     _d(2025, 6, 1), _d(2028, 12, 31), ALL_CHANNELS, None, None),
    ("UYGULAMA100", "Uygulamaya özel 100 TL", "amount", 10_000, 100_000,
     _d(2025, 9, 1), _d(2028, 6, 30), "app", None, 2),
    ("KASIM100", "Kasım kampanyası (ilk 100 kişi)", "percent", 2000, 100_000,
     _d(2026, 11, 1), _d(2026, 12, 1), ALL_CHANNELS, 100, 1),
    ("KARACUMA25", "Efsane Cuma 2025", "percent", 2500, 0,
     _d(2025, 11, 28), _d(2025, 12, 2), ALL_CHANNELS, None, 1),
    ("YAZ2026", "Yaz indirimi 2026", "amount", 15_000, 120_000,
     _d(2026, 6, 1), _d(2026, 9, 1), ALL_CHANNELS, None, None),
    ("YILBASI2027", "Yılbaşı 2027", "percent", 2000, 75_000,
     _d(2026, 12, 20), _d(2027, 1, 6), ALL_CHANNELS, None, 1),
    ("SEVGILILER27", "Sevgililer Günü 2027", "amount", 25_000, 150_000,
     _d(2027, 2, 7), _d(2027, 2, 15), "web,app,store", 500, 1),
)  # fmt: skip


@dataclass(slots=True)
class CouponBook:
    rows: list[list[Any]] = field(default_factory=list)
    terms: list[rules.CouponTerms] = field(default_factory=list)
    owned: dict[int, list[int]] = field(default_factory=dict)  # customer id -> coupon indexes
    public: list[int] = field(default_factory=list)
    used_by: dict[tuple[int, int], int] = field(default_factory=dict)  # (coupon, customer)
    redemptions: list[list[Any]] = field(default_factory=list)

    def _add(self, row: list[Any]) -> None:
        # public_id, what the QR code carries: fixed per code, and drawn from its own generator
        # so adding it left every other seeded value as it was.
        row.append(b32(random.Random(f"reyon-coupon/{row[1]}").randbytes(PUBLIC_ID_BYTES)))
        self.rows.append(row)
        (_, _, _, kind, value, min_basket, start, until, channels, max_r, per_c, owner, _, _, _) = (
            row
        )
        self.terms.append(
            rules.CouponTerms(
                kind=rules.CouponKind(kind),
                value=value,
                min_basket_kurus=min_basket,
                valid_from=start,
                valid_until=until,
                channels=frozenset(rules.Channel(c) for c in channels.split(",")),
                max_redemptions=max_r,
                per_customer_limit=per_c,
                owner_customer_id=owner,
            )
        )

    def applicable(
        self, i: int, *, total: int, at: datetime, channel: str, customer_id: int | None
    ) -> int:
        """The discount coupon `i` gives, or 0 when the domain rules refuse it."""
        row = self.rows[i]
        decision = rules.evaluate(
            self.terms[i],
            basket_total_kurus=total,
            now=at,
            channel=rules.Channel(channel),
            customer_id=customer_id,
            redeemed_count=row[12],
            customer_redeemed_count=self.used_by.get((i, customer_id or 0), 0),
        )
        return decision.discount_kurus if decision.applies else 0

    def choose(
        self, rng: random.Random, *, total: int, at: datetime, channel: str, customer_id: int
    ) -> tuple[int, int] | None:
        """A coupon a shopper would use on this basket: their own first, else a campaign."""
        for pool in (self.owned.get(customer_id, []), self.public):
            options = [i for i in pool if rng.random() < 0.7]
            rng.shuffle(options)
            for i in options:
                discount = self.applicable(
                    i, total=total, at=at, channel=channel, customer_id=customer_id
                )
                if discount > 0:
                    return i, discount
        return None

    def redeem(self, i: int, customer_id: int | None, row: list[Any]) -> None:
        """Record a redemption row (status reserved/confirmed/voided) and count it."""
        row[0] = len(self.redemptions) + 1
        row[1] = i + 1
        self.redemptions.append(row)
        if row[9] != "voided":
            self.rows[i][12] += 1
            key = (i, customer_id or 0)
            self.used_by[key] = self.used_by.get(key, 0) + 1


def coupon_book(rng: random.Random, customers: Sequence[Cust], personal: int) -> CouponBook:
    book = CouponBook()
    for code, campaign, kind, value, min_b, start, until, channels, max_r, per_c in CAMPAIGNS:
        created = min(start - timedelta(days=7), NOW - timedelta(days=1))
        book._add(
            [len(book.rows) + 1, code, campaign, kind, value, min_b, start, until, channels,
             max_r, per_c, None, 0, created]
        )  # fmt: skip
        book.public.append(len(book.rows) - 1)
    taken: set[str] = set()
    owners = rng.sample(customers, min(personal, len(customers)))
    if customers and customers[0] not in owners:
        owners[0] = customers[0]
    for cust in owners:
        while True:
            code = "HB-" + "".join(rng.choice(_CODE_ALPHABET) for _ in range(8))
            code = f"{code[:7]}-{code[7:]}"
            if code not in taken:
                taken.add(code)
                break
        start = between(rng, max(cust.created_at, NOW - timedelta(days=200)), NOW)
        if cust.id == 1:  # the showcase customer has a gift waiting
            start = NOW - timedelta(days=3)
        start = start.replace(hour=0, minute=0, second=0)
        if rng.random() < 0.5:
            campaign, kind, value = "Doğum günü hediyesi", "amount", rng.choice((10_000, 15_000))
        else:
            campaign, kind, value = "Sadakat teşekkürü", "percent", rng.choice((1000, 1500, 2000))
        book._add(
            [len(book.rows) + 1, code, campaign, kind, value, 0, start, start + timedelta(days=60),
             ALL_CHANNELS, 1, 1, cust.id, 0, start]
        )  # fmt: skip
        book.owned.setdefault(cust.id, []).append(len(book.rows) - 1)
    return book
