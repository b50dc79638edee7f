"""Pure parts behind the tablet sync: the product detail both the product endpoint and the
catalogue snapshot build, recording a customer opening without ever failing the view, and the
two retention settings."""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import Any, cast

import pytest
from pydantic import ValidationError

from app.contracts.catalog import ProductDetail
from app.server.catalog.service import product_detail
from app.server.db import Database
from app.server.sync.scope import note_opened
from app.settings import ApiSettings

PRODUCT = {
    "id": 7,
    "style_code": "RY-7",
    "name_tr": "Gömlek",
    "name_en": "Shirt",
    "brand": "Reyon",
    "category": "shirts",
    "kdv_rate": 10,
    "description_tr": "",
    "description_en": "",
}


def variant(variant_id: int, size: str, colour: str, price: int) -> dict[str, Any]:
    return {
        "variant_id": variant_id,
        "product_id": 7,
        "sku": f"RY-7-{colour}-{size}",
        "ean13": f"{variant_id:013d}",
        "size": size,
        "colour": colour,
        "colour_en": colour,
        "price_kurus": price,
        "currency": "TRY",
    }


def test_product_detail_orders_variants_by_colour_then_size_and_spans_their_prices() -> None:
    rows = [
        variant(1, "XL", "Mavi", 600),
        variant(2, "S", "Mavi", 500),
        variant(3, "M", "Beyaz", 550),
        variant(4, "42", "Beyaz", 700),
        variant(5, "XS", "Beyaz", 450),
    ]
    detail = ProductDetail.model_validate(product_detail(PRODUCT, rows))
    assert [v.variant_id for v in detail.variants] == [5, 3, 4, 2, 1]
    assert detail.sizes == ["XS", "S", "M", "XL", "42"]
    assert detail.colours == ["Beyaz", "Mavi"]
    assert (detail.price_min_kurus, detail.price_max_kurus) == (450, 700)
    assert all(v.kdv_rate == 10 for v in detail.variants)


def test_a_product_without_active_variants_has_no_price_range() -> None:
    detail = ProductDetail.model_validate(product_detail(PRODUCT, []))
    assert detail.variants == [] and detail.sizes == [] and detail.colours == []
    assert (detail.price_min_kurus, detail.price_max_kurus) == (0, 0)


class _BrokenDatabase:
    def write(self) -> AbstractContextManager[Any]:
        raise RuntimeError("database is locked")


def test_recording_an_opening_never_fails_the_view(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="reyon.api"):
        note_opened(cast(Database, _BrokenDatabase()), device_id="tab-1", customer_id=3)
    assert "tab-1" in caplog.text and "database is locked" in caplog.text


def test_retention_settings_default_and_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = ApiSettings(_env_file=None)  # type: ignore[call-arg]
    assert (defaults.changelog_keep_days, defaults.device_customer_keep_days) == (7, 30)
    monkeypatch.setenv("REYON_CHANGELOG_KEEP_DAYS", "14")
    monkeypatch.setenv("REYON_DEVICE_CUSTOMER_KEEP_DAYS", "90")
    changed = ApiSettings(_env_file=None)  # type: ignore[call-arg]
    assert (changed.changelog_keep_days, changed.device_customer_keep_days) == (14, 90)
    monkeypatch.setenv("REYON_CHANGELOG_KEEP_DAYS", "0")  # would prune every change at once
    with pytest.raises(ValidationError):
        ApiSettings(_env_file=None)  # type: ignore[call-arg]
