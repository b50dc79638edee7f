"""Where a sale is made: one spelling for orders, coupons and redemptions alike."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    WEB = "web"
    APP = "app"
    STORE = "store"
    ENDLESS_AISLE = "endless_aisle"  # ordered on a store's tablet from the whole stock
