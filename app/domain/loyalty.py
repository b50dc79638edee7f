"""Loyalty points: earned on what the customer paid, from every channel alike."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    CLASSIC = "classic"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


# Points per 10 TL paid, by tier (in tenths so the rule stays in integers).
_TENTHS_PER_10_TL = {Tier.CLASSIC: 10, Tier.SILVER: 12, Tier.GOLD: 15, Tier.PLATINUM: 20}


def points_earned(paid_kurus: int, tier: Tier) -> int:
    if paid_kurus <= 0:
        return 0
    return paid_kurus * _TENTHS_PER_10_TL[tier] // (1000 * 10)
