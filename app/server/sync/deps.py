"""The openings this process recorded, as a route dependency. Here rather than in
app/server/deps.py, which sits below every package and must not import one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.server.sync.scope import OpenedCustomers


async def get_opened(request: Request) -> OpenedCustomers:
    opened: OpenedCustomers = request.app.state.opened_customers
    return opened


OpenedDep = Annotated[OpenedCustomers, Depends(get_opened)]
