"""A small store held in memory, behind the same `Gateway` as the live one: for fast state tests
and for trying a scene without a server. It keeps the rules the state objects rely on (PINs,
enrolled devices, consent before a customer is shown, stock reserved by orders and refused
when short, single-use coupons) and the offline behaviour of the live gateway: `online` is a
plain switch; when it is off, what this tablet "cached" still answers, queueable writes wait in
a queue that `sync()` sends, and everything else fails as the live one does (status 0).

One class, `MemoryGateway`, composed of one part per area of the tablet's work over the state
and rules of `base.MemoryBase`; its demo world is memory_world.py."""

from __future__ import annotations

from app.tablet.gateway import Gateway
from app.tablet.gateway.memory.appointments import MemoryAppointments
from app.tablet.gateway.memory.back_office import MemoryBackOffice
from app.tablet.gateway.memory.catalogue import MemoryCatalogue
from app.tablet.gateway.memory.clienteling import MemoryClienteling, fill_client_book
from app.tablet.gateway.memory.customers import MemoryCustomers
from app.tablet.gateway.memory.looks import MemoryLooks
from app.tablet.gateway.memory.orders import MemoryOrders
from app.tablet.gateway.memory.pickups import MemoryPickups
from app.tablet.gateway.memory.recommendations import MemoryRecommendations
from app.tablet.gateway.memory.returns import MemoryReturns
from app.tablet.gateway.memory.session import MemorySession
from app.tablet.gateway.memory.sync import MemorySync
from app.tablet.gateway.memory.transfers import MemoryTransfers
from app.tablet.gateway.memory_world import fill_demo_world

__all__ = ["MemoryGateway"]


class MemoryGateway(
    MemorySession,
    MemoryCatalogue,
    MemoryRecommendations,
    MemoryCustomers,
    MemoryLooks,
    MemoryClienteling,
    MemoryAppointments,
    MemoryOrders,
    MemoryPickups,
    MemoryReturns,
    MemoryTransfers,
    MemoryBackOffice,
    MemorySync,
):
    @classmethod
    def demo(cls) -> MemoryGateway:
        """Two Istanbul stores and the online warehouse (memory_world.py)."""
        g = cls()
        fill_demo_world(g)
        fill_client_book(g)  # Ayşe's clients and the worker's tasks of a morning
        return g


def _satisfies_the_protocol() -> Gateway:
    """mypy checks here that the fake has every member of the gateway, typed alike."""
    gateway: Gateway = MemoryGateway.demo()
    return gateway
