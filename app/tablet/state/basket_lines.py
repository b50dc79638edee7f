"""The basket's lines and their bounds: a line, the most it may hold, totals, a large order."""

from __future__ import annotations

from dataclasses import dataclass

from app.contracts.media import product_image_url

# A store sells to a customer, not to a reseller: more than this of one variant is a slip of
# the finger (57 shirts) or a wholesale order, which is not the tablet's to take.
MAX_PER_LINE = 10
# An order above either of these is confirmed before it is placed: it reserves stock other
# customers want, and a mistyped one sends the customer a pay link for a sum that scares them.
# (A store's typical endless-aisle order is 1-3 items, a few thousand lira.)
CONFIRM_UNITS = 5
CONFIRM_KURUS = 2_000_000  # 20.000,00 TL


@dataclass
class BasketLine:
    sku: str
    label: str
    price_kurus: int
    quantity: int = 1
    product_id: int | None = None  # for the picture
    colour: str = ""
    size: str = ""
    available: int | None = None  # units available now, where the product scene knew it

    @property
    def most(self) -> int:
        """The most this line may hold: the per-line bound, and no more than is available
        where that is known (at least 1: the line is there; the server decides the rest)."""
        if self.available is None:
            return MAX_PER_LINE
        return max(1, min(MAX_PER_LINE, self.available))

    @property
    def total_kurus(self) -> int:
        return self.price_kurus * self.quantity

    @property
    def thumb_url(self) -> str | None:
        if self.product_id is None:
            return None
        return product_image_url(self.product_id, self.colour or None, "thumb")


class BasketLines:
    """The totals and bounds of the basket's lines (BasketScene holds the lines)."""

    lines: list[BasketLine]

    @property
    def total_kurus(self) -> int:
        return sum(line.price_kurus * line.quantity for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def large(self) -> bool:
        """Big enough to be confirmed before it is placed."""
        return self.units > CONFIRM_UNITS or self.total_kurus > CONFIRM_KURUS

    def line(self, sku: str) -> BasketLine | None:
        return next((x for x in self.lines if x.sku == sku), None)
