"""Where a product's picture is: one spelling of the URL for the API, the tablet and the
storefront. The picture depends only on what the URL says, so a cache may keep it by URL."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from app.domain.text import fold

ImageSize = Literal["full", "thumb"]
IMAGE_SIZES: dict[str, tuple[int, int]] = {"full": (480, 600), "thumb": (160, 200)}
# Bumped when the drawings change: a new URL, so no cache keeps the old picture.
PICTURE_VERSION = 1
COLOUR_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
COLOUR_SLUG_MAX = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# A catalogue has a few hundred colour names; one customer view asks for about a hundred.
@lru_cache(maxsize=1024)
def colour_slug(colour: str) -> str:
    """ "Zümrüt Yeşili" -> "zumrut-yesili": a colour as it goes into a URL."""
    return _NOT_SLUG.sub("-", fold(colour)).strip("-")[:COLOUR_SLUG_MAX].strip("-")


def product_image_url(product_id: int, colour: str | None = None, size: ImageSize = "full") -> str:
    """The picture of a product, relative to the API's base URL: in `colour` (a variant's
    colour as the catalogue spells it), else in the product's first colour."""
    # Nothing to escape: a slug is [a-z0-9-] and a size one of IMAGE_SIZES' names.
    slug = colour_slug(colour) if colour else ""
    query = f"colour={slug}&" if slug else ""
    if size != "full":
        query += f"size={size}&"
    return f"/v1/media/products/{product_id}.webp?{query}v={PICTURE_VERSION}"
