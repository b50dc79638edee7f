"""The store manager's figures (scene 10 of the brief): endless-aisle sales by associate,
shelf-QR scans and what they turned into, coupon redemptions, click & collect pickups made
ready on time, returns by reason, over a window of local days."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from app.contracts.looks import OutreachFigures
from app.domain.returns import ReturnReason


class DayFigures(BaseModel):
    """One local day (the store's time zone) of the window, in order; days without activity
    are present with zeros, so a chart's x axis has no holes."""

    day: date
    endless_aisle_orders: int
    endless_aisle_revenue_kurus: int
    shelf_scans: int
    redemptions: int


class AssociateSales(BaseModel):
    associate_id: int
    associate_code: str
    name: str
    orders: int
    revenue_kurus: int = Field(description="Order totals with KDV, after discounts")


class CampaignUse(BaseModel):
    campaign: str
    redemptions: int
    discount_kurus: int


class ReturnReasonFigures(BaseModel):
    reason: ReturnReason
    units: int
    refund_kurus: int = Field(description="Refunded for those units, whatever the method")


class StoreReport(BaseModel):
    store_id: int
    store_code: str
    store_name: str
    first_day: date
    last_day: date
    timezone: str
    currency: str = Field(default="TRY", description="Of every *_kurus figure")
    days: list[DayFigures]
    # Endless aisle: orders placed by this store's associates (cancelled ones left out).
    endless_aisle_orders: int
    endless_aisle_revenue_kurus: int
    by_associate: list[AssociateSales] = Field(description="Highest revenue first")
    # Shelf QR: scans of this store's labels; converted = a scan by a known customer who
    # ordered that product (any channel) within 7 days of the scan.
    shelf_scans: int
    shelf_scan_visitors: int = Field(description="Distinct phones or customers that scanned")
    shelf_conversions: int
    # Coupons redeemed at this store's tills or on its orders (voided ones left out).
    redemptions: int
    redemption_discount_kurus: int
    by_campaign: list[CampaignUse] = Field(description="Most used first")
    # Customers who bought here in the window and also hold web or app orders.
    cross_channel_customers: int
    # Click & collect and reserve-in-store orders for pickup here that became ready in the
    # window. Defaults: a report from an API before these figures reads as "none".
    pickups_ready: int = Field(
        default=0, description="Orders for pickup here whose first `ready` fell in the window"
    )
    pickups_on_time: int = Field(
        default=0,
        description=(
            "Of those, ready by the day the customer was promised: the local day they became "
            "ready is on or before the order's promised day (`expected_on` as at placing: "
            "same day before the picking cut-off, else the next; 2 days from the warehouse, "
            "3 from another store; a reservation at once)"
        ),
    )
    pickups_on_time_share: float | None = Field(
        default=None,
        description="pickups_on_time / pickups_ready, to 4 places; None when none became ready",
    )
    # Returns taken back at this store in the window (orders bought anywhere).
    returns_taken: int = 0
    returned_units: int = 0
    return_refund_kurus: int = 0
    returns_by_reason: list[ReturnReasonFigures] = Field(
        default_factory=list, description="Most units first"
    )
    exchange_rate: float | None = Field(
        default=None,
        description="Of the returns taken here in the window, the share that were exchanges "
        "(their value paid for a new order), to 4 places; None when none were taken",
    )
    # Looks sent from this store in the window, per associate who sent any (issue 15).
    outreach: list[OutreachFigures] = Field(
        default_factory=list,
        description="Per associate: looks sent in the window (by when they went out), how many "
        "were opened and clicked, and the orders credited to them: the look's customer bought "
        "one of its products within 14 days of it, not cancelled, each order to the latest "
        "look only; sales are those orders' totals with KDV. Most sales first",
    )
