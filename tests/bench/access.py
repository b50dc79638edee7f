"""What the bench needs to act as a store: an enrolled tablet, and customers who consented.
Written straight into the bench database, as an operator's set-up would (the API asks a
manager's one-time code for a tablet and the customer's proof for consent)."""

from __future__ import annotations

from functools import cache

import app.server.models  # noqa: F401  (every table, for the foreign keys)
from app.contracts.devices import DeviceCredential
from app.server.customers.models import Customer
from app.server.db import Database, make_scratch_engine, utcnow
from app.server.devices.service import enrol_directly

STORE = "IST01"


@cache
def tablet(db_url: str) -> DeviceCredential:
    db = Database(make_scratch_engine(db_url))
    try:
        with db.write() as session:
            return enrol_directly(session, store_code=STORE, name="bench")
    finally:
        db.dispose()


def login_body(db_url: str, associate: str, pin: str) -> dict[str, str]:
    device = tablet(db_url)
    return {
        "store_code": STORE,
        "associate_code": associate,
        "pin": pin,
        "device_id": device.device_id,
        "device_secret": device.device_secret,
    }


def consent(db_url: str, customer_id: int) -> None:
    """Clienteling consent as the seed would have recorded it."""
    db = Database(make_scratch_engine(db_url))
    try:
        with db.write() as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise LookupError(f"no customer {customer_id} in the bench data")
            customer.consent_clienteling = True
            customer.consent_clienteling_at = utcnow()
            customer.consent_clienteling_source = "bench"
            session.add(customer)
    finally:
        db.dispose()
