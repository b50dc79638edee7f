"""The offline cache as one object, `Cache`: the file and its schema (engine.py), the catalogue
with its Turkish-aware offline search (catalogue.py), stock at the locations this tablet follows
(stock.py), the customers it holds (customers.py) and its small state."""

from __future__ import annotations

from app.tablet.cache.catalogue import CacheCatalogue
from app.tablet.cache.customers import CacheCustomers
from app.tablet.cache.stock import CacheStock

__all__ = ["Cache"]


class Cache(CacheCatalogue, CacheStock, CacheCustomers):
    """Cache(path): the SQLite file at `path`, created or brought up to this schema."""
