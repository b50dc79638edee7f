"""The tablet's offline cache: one SQLite file per tablet (WAL), filled from the central API's
change feed (pull.py) and holding the durable outbox of writes waiting to be sent (outbox.py).
The server is the authority; the cache is a copy of the part of it this tablet needs."""
