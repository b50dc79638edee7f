"""The store manager's figures (scene 10 of the brief): endless-aisle sales by associate,
shelf-QR scans and what they turned into, coupon redemptions, over a window of local days."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


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
