"""The location directory as a route dependency. Here rather than in app/server/deps.py, which
sits below every package: the directory is the catalogue's, and deps.py must not import it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.server.catalog.directory import LocationDirectory


async def get_locations(request: Request) -> LocationDirectory:
    directory: LocationDirectory = request.app.state.locations
    return directory


LocationsDep = Annotated[LocationDirectory, Depends(get_locations)]
