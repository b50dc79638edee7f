"""Money in integer minor units (kuruş); KDV (Turkish VAT) is included in shelf prices."""

from __future__ import annotations

CURRENCY = "TRY"


def kdv_included(gross_kurus: int, rate_percent: int) -> int:
    """The KDV part of a KDV-inclusive amount, rounded half up to the kuruş.

    gross = net * (100 + rate) / 100, so kdv = gross * rate / (100 + rate).
    """
    if gross_kurus < 0:
        raise ValueError("amount must not be negative")
    if rate_percent < 0:
        raise ValueError("KDV rate must not be negative")
    numerator = gross_kurus * rate_percent
    denominator = 100 + rate_percent
    return (2 * numerator + denominator) // (2 * denominator)


def percent_of(amount_kurus: int, basis_points: int) -> int:
    """`basis_points`/10000 of an amount, rounded half up (10% is 1000 bp)."""
    return (amount_kurus * basis_points * 2 + 10_000) // 20_000


def allocate(total_kurus: int, weights: list[int]) -> list[int]:
    """Split `total_kurus` over lines in proportion to `weights`, exactly, largest remainder.

    Used to spread an order discount over its lines so line totals add up to the order total.
    """
    if total_kurus < 0:
        raise ValueError("amount must not be negative")
    weight_sum = sum(weights)
    if weight_sum <= 0:
        return [0 for _ in weights]
    shares = [total_kurus * w // weight_sum for w in weights]
    remainders = sorted(
        range(len(weights)),
        key=lambda i: (-(total_kurus * weights[i] % weight_sum), i),
    )
    for i in remainders[: total_kurus - sum(shares)]:
        shares[i] += 1
    return shares


def format_try(amount_kurus: int) -> str:
    """Turkish format: 1.234,50 TL."""
    sign = "-" if amount_kurus < 0 else ""
    lira, kurus = divmod(abs(amount_kurus), 100)
    grouped = f"{lira:,}".replace(",", ".")
    return f"{sign}{grouped},{kurus:02d} TL"
