"""Idempotency-Key handling for the POSTs that create something: the records (models.py), the
two-transaction protocol (store.py) and the one way a route uses it (routes.py). A package of its
own, below the domains whose routes use it; it has nothing to do with the change feed."""
