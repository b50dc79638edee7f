from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

LocationKind = Literal["store", "warehouse"]


class LocationOut(BaseModel):
    id: int
    code: str
    name: str
    kind: LocationKind
    city: str
    district: str
    address: str
    latitude: float
    longitude: float


class VariantOut(BaseModel):
    variant_id: int = Field(description="What stock rows and the change feed name it by")
    sku: str
    ean13: str
    product_id: int
    size: str
    colour: str
    colour_en: str
    price_kurus: int
    currency: str
    kdv_rate: int


class ProductSummary(BaseModel):
    id: int
    style_code: str
    name_tr: str
    name_en: str
    brand: str
    category: str
    kdv_rate: int
    price_min_kurus: int
    price_max_kurus: int
    currency: str = "TRY"


class ProductDetail(ProductSummary):
    description_tr: str
    description_en: str
    sizes: list[str]
    colours: list[str]
    variants: list[VariantOut]


class ProductPage(BaseModel):
    items: list[ProductSummary]
    next_cursor: str | None


class VariantDetail(VariantOut):
    product: ProductSummary


class VariantList(BaseModel):
    items: list[VariantDetail]
