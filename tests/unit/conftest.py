"""What the scene tests share: the in-memory gateway's demo store and a tablet on it."""

from __future__ import annotations

from datetime import date

import pytest

from app.tablet.gateway.memory import MemoryGateway
from app.tablet.state.tablet import Tablet

TODAY = date(2026, 6, 15)  # the store's calendar day in every scene test


@pytest.fixture
def gw() -> MemoryGateway:
    return MemoryGateway.demo()


def demo_tablet(gw: MemoryGateway, lang: str) -> Tablet:
    return Tablet(gw, device_id="tab-1", device_secret="secret-1", lang=lang, today=lambda: TODAY)
