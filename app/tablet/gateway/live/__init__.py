"""The gateway a tablet in a store runs on: the central API, with the offline cache behind it.
Reads ask the API and, when it cannot be reached, answer from the cache (what this tablet
synced and the customers it opened). Writes that may wait are commands through the durable
outbox: sent at once when the API answers, queued when it does not, with their optimistic
effect on the cached customer in the same local transaction. Without a cache (tests of the
online paths) the same calls go straight to the API.

One class, `LiveGateway`, composed of one part per area of the tablet's work, each sharing
the client, the offline kit and the read and write paths of `base.LiveBase`."""

from __future__ import annotations

from app.tablet.gateway.live.appointments import LiveAppointments
from app.tablet.gateway.live.back_office import LiveBackOffice
from app.tablet.gateway.live.catalogue import LiveCatalogue
from app.tablet.gateway.live.clienteling import LiveClienteling
from app.tablet.gateway.live.customers import LiveCustomers
from app.tablet.gateway.live.looks import LiveLooks
from app.tablet.gateway.live.orders import LiveOrders
from app.tablet.gateway.live.pickups import LivePickups
from app.tablet.gateway.live.returns import LiveReturns
from app.tablet.gateway.live.session import LiveSession
from app.tablet.gateway.live.sync import LiveSync
from app.tablet.gateway.live.transfers import LiveTransfers

__all__ = ["LiveGateway"]


class LiveGateway(
    LiveSession,
    LiveCatalogue,
    LiveCustomers,
    LiveLooks,
    LiveClienteling,
    LiveAppointments,
    LiveOrders,
    LivePickups,
    LiveReturns,
    LiveTransfers,
    LiveBackOffice,
    LiveSync,
):
    """LiveGateway(client, offline=None): the API, with the offline kit (cache, outbox,
    offline log-in) behind it when there is one."""
