from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, computed_field

from app.contracts.common import LocationId
from app.contracts.media import product_image_url
from app.domain.sourcing import LocationKind


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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def image_url(self) -> str:
        """This variant's colour, 480 x 600 WebP, relative to the API's base URL."""
        return product_image_url(self.product_id, self.colour)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def thumb_url(self) -> str:
        """This variant's colour, 160 x 200."""
        return product_image_url(self.product_id, self.colour, "thumb")


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

    # Derived from the id, not stored: the tablet's offline cache builds these from older
    # JSON too, and the URL has one spelling (app/contracts/media.py).
    @computed_field  # type: ignore[prop-decorator]
    @property
    def image_url(self) -> str:
        """The product's picture (its first colour), 480 x 600 WebP, relative to the API."""
        return product_image_url(self.id)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def thumb_url(self) -> str:
        """The same picture, 160 x 200, for lists."""
        return product_image_url(self.id, size="thumb")


class ProductDetail(ProductSummary):
    description_tr: str
    description_en: str
    sizes: list[str]
    colours: list[str]
    variants: list[VariantOut]


PAGE_MAX = 100


class ProductQuery(BaseModel):
    """A product search: the API's query string and the tablet's search are this one model."""

    model_config = ConfigDict(extra="forbid")

    q: Annotated[
        str | None, Field(max_length=100, description="Turkish-aware: gomlek finds Gömlek")
    ] = None
    category: Annotated[str | None, Field(max_length=40)] = None
    size: Annotated[str | None, Field(max_length=20, description="Only products made in it")] = None
    in_stock_at: LocationId | None = Field(
        default=None, description="Only products with a unit available at this location"
    )
    limit: Annotated[int, Field(ge=1, le=PAGE_MAX)] = 20
    cursor: Annotated[str | None, Field(max_length=64)] = None


class ProductPage(BaseModel):
    items: list[ProductSummary]
    next_cursor: str | None
    # How many products match in all, over every page; None where it was not counted.
    total: int | None = None


class VariantDetail(VariantOut):
    product: ProductSummary


class VariantList(BaseModel):
    items: list[VariantDetail]
