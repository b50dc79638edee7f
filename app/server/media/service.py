"""Product pictures: which look a product has, drawn once per process and look, named by an
ETag that every API process computes alike (from the look, not from the bytes)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.contracts.media import IMAGE_SIZES, PICTURE_VERSION, ImageSize, colour_slug
from app.domain.errors import NotFound
from app.server.catalog.models import Product, Variant
from app.server.media.drawing import Look, draw, look_for
from app.server.media.palette import rgb

NO_COLOUR = "Gri"  # a product without variants yet still gets a picture


@dataclass(frozen=True, slots=True)
class Picture:
    look: Look
    size: ImageSize
    etag: str

    @property
    def body(self) -> bytes:
        return render(self.look, self.size)


@lru_cache(maxsize=1024)  # ~30 shapes x 9 patterns x 31 colours x 2 sizes at most; ~8 KB each
def render(look: Look, size: ImageSize) -> bytes:
    return draw(look, IMAGE_SIZES[size])


def etag(look: Look, size: ImageSize) -> str:
    key = f"{PICTURE_VERSION}|{look.shape}|{look.pattern}|{look.colour}|{size}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'


def product_picture(
    *, db_session: Session, product_id: int, colour: str | None, size: ImageSize
) -> Picture:
    """The picture of `product_id` in the colour whose slug is `colour` (else its first
    colour, by the order its variants were made). Unknown product or colour: NotFound."""
    row = db_session.execute(
        select(col(Product.category), col(Product.name_en)).where(col(Product.id) == product_id)
    ).first()
    if row is None:
        raise NotFound("Product", product_id)
    colours = list(
        db_session.execute(
            select(col(Variant.colour))
            .where(col(Variant.product_id) == product_id)
            .group_by(col(Variant.colour))
            .order_by(func.min(col(Variant.id)))
        ).scalars()
    )
    if colour is None:
        chosen = colours[0] if colours else NO_COLOUR
    else:
        found = [c for c in colours if colour_slug(c) == colour]
        if not found:
            raise NotFound("Colour", f"{colour} of product {product_id}")
        chosen = found[0]
    look = look_for(row[0], row[1], rgb(chosen))
    return Picture(look=look, size=size, etag=etag(look, size))


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether a conditional GET already holds `tag` (RFC 9110: weak comparison)."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or tag in tags
