from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.contracts.catalog import (
    LocationOut,
    ProductDetail,
    ProductPage,
    ProductQuery,
    VariantDetail,
    VariantList,
)
from app.contracts.common import problem_responses
from app.server.catalog import service
from app.server.deps import CurrentAssociate, DbDep, PathId, PathSku

router = APIRouter(tags=["catalog"], responses=problem_responses(401, 422))


@router.get("/v1/locations", response_model=list[LocationOut])
def list_locations(db: DbDep, _: CurrentAssociate):
    with db.session() as session:
        return service.list_locations(db_session=session)


@router.get("/v1/products", response_model=ProductPage, responses=problem_responses(400))
def search_products(db: DbDep, _: CurrentAssociate, query: Annotated[ProductQuery, Query()]):
    # The query string is the contract's model (unknown parameters are refused, 422): the
    # tablet's client sends exactly its fields, so the two cannot drift.
    with db.session() as session:
        return service.search_products(db_session=session, query=query)


@router.get(
    "/v1/products/{product_id}", response_model=ProductDetail, responses=problem_responses(404)
)
def get_product(product_id: Annotated[int, PathId], db: DbDep, _: CurrentAssociate):
    with db.session() as session:
        return service.get_product(db_session=session, product_id=product_id)


@router.get("/v1/variants", response_model=VariantList)
def find_variants(
    db: DbDep,
    _: CurrentAssociate,
    barcode: Annotated[
        str, Query(min_length=1, max_length=32, description="EAN-13", examples=["8681000000010"])
    ],
):
    with db.session() as session:
        return VariantList(items=service.find_variants(db_session=session, barcode=barcode))


@router.get("/v1/variants/{sku}", response_model=VariantDetail, responses=problem_responses(404))
def get_variant(sku: Annotated[str, PathSku], db: DbDep, _: CurrentAssociate):
    with db.session() as session:
        return service.get_variant(db_session=session, sku=sku)
