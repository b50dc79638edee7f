"""Locations, products and their variants (size x colour)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.domain.sourcing import LocationKind
from app.server.db import EnumText, utcnow


class Location(SQLModel, table=True):
    """A store or the online warehouse: anywhere stock lives."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=120)
    kind: LocationKind = Field(sa_type=EnumText(LocationKind, 16))
    city: str = Field(max_length=60)
    district: str = Field(default="", max_length=60)
    address: str = Field(default="", max_length=240)
    latitude: float
    longitude: float
    active: bool = True

    __table_args__ = (CheckConstraint("kind in ('store', 'warehouse')", name="ck_location_kind"),)


class Product(SQLModel, table=True):
    """A style: what a customer calls "that shirt", in every size and colour."""

    id: int | None = Field(default=None, primary_key=True)
    style_code: str = Field(max_length=32, unique=True)
    name_tr: str = Field(max_length=160)
    name_en: str = Field(max_length=160)
    brand: str = Field(max_length=60)
    category: str = Field(max_length=40, index=True)
    description_tr: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    kdv_rate: int = Field(default=10)  # percent, included in prices
    # Folded (Turkish-aware, lower-case ASCII) name, brand, category and style for LIKE search.
    search_text: str = Field(default="", max_length=600)
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (Index("ix_product_category_id", "category", "id"),)


class Variant(SQLModel, table=True):
    """One sellable unit: a style in one size and colour, with its barcode and price."""

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    sku: str = Field(max_length=40, unique=True)
    ean13: str = Field(max_length=13, unique=True)
    size: str = Field(max_length=16)
    colour: str = Field(max_length=40)
    colour_en: str = Field(default="", max_length=40)
    price_kurus: int
    currency: str = Field(default="TRY", max_length=3)
    active: bool = True
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (CheckConstraint("price_kurus >= 0", name="ck_variant_price"),)
