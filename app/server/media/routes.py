"""Product pictures over HTTP: public (the storefront shows them too) and holding nothing
about any customer. Browsers, the tablet and a CDN cache them: the URL names the drawing's
version, and the ETag answers a revalidation with 304 and no body."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import Response

from app.contracts.common import problem_responses
from app.contracts.media import COLOUR_SLUG, COLOUR_SLUG_MAX, PICTURE_VERSION, ImageSize
from app.server.deps import DbDep
from app.server.media import service

# A day fresh, then a week served while it is checked again: a product's name or category
# may change (and with it the picture) under the same URL; a new drawing gets a new `v`.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"


class WebPResponse(Response):
    media_type = "image/webp"


router = APIRouter(tags=["media"])


@router.get(
    "/v1/media/products/{product_id}.webp",
    response_class=WebPResponse,
    responses={
        200: {
            "description": "The picture, WebP: 480 x 600 (full) or 160 x 200 (thumb)",
            "content": {"image/webp": {"schema": {"type": "string", "format": "binary"}}},
        },
        304: {"description": "Not modified: the ETag sent in If-None-Match still holds"},
        **problem_responses(404, 422),
    },
)
def product_picture(
    product_id: Annotated[int, Path(ge=1, le=2**31 - 1, examples=[1])],
    db: DbDep,
    colour: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=COLOUR_SLUG_MAX,
            pattern=COLOUR_SLUG,
            description="The colour as a slug (zumrut-yesili); the product's first if absent",
        ),
    ] = None,
    size: ImageSize = "full",
    v: Annotated[
        int, Query(ge=1, le=1_000_000, description="The drawing's version (cache key only)")
    ] = PICTURE_VERSION,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> Response:
    with db.session() as session:
        picture = service.product_picture(
            db_session=session, product_id=product_id, colour=colour, size=size
        )
    headers = {
        "ETag": picture.etag,
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if service.matches(if_none_match, picture.etag):
        return Response(status_code=304, headers=headers)
    return WebPResponse(picture.body, headers=headers)
