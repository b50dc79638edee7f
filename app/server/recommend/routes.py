from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.contracts.common import problem_responses
from app.contracts.recommendations import CustomerRecommendations, ProductRecommendations
from app.server.deps import CurrentAssociate, DbDep, PathId
from app.server.recommend import service

router = APIRouter(tags=["recommendations"], responses=problem_responses(401, 422))


@router.get(
    "/v1/products/{product_id}/recommendations",
    response_model=ProductRecommendations,
    responses=problem_responses(404),
)
def product_recommendations(
    product_id: Annotated[int, PathId],
    db: DbDep,
    principal: CurrentAssociate,
    size: Annotated[str | None, Query(min_length=1, max_length=16)] = None,
):
    """What completes this product's look (bought together in the order history), and with
    `size`, products of the same kind this store has on the shelf in that size."""
    with db.read_session() as session:
        return service.product_recommendations(
            db_session=session, product_id=product_id, location_id=principal.store_id, size=size
        )


@router.get(
    "/v1/customers/{customer_id}/recommendations",
    response_model=CustomerRecommendations,
    responses=problem_responses(403, 404),
)
def customer_recommendations(
    customer_id: Annotated[int, PathId], db: DbDep, principal: CurrentAssociate
):
    """For this customer, from what they saved, tried on and bought: each with its reason.
    Personal data: with the customer's consent or during their visit, as their view."""
    with db.read_session() as session:
        return service.customer_recommendations(
            db_session=session, customer_id=customer_id, principal=principal
        )
