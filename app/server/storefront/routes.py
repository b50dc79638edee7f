"""Storefront pages for customers' phones: /p/... (shelf labels) and /pay/... (pay links)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["storefront"], include_in_schema=False)
