"""Snapshots for a tablet's first sync: pages of the catalogue and of stock. They read catalog
and inventory, which record their changes through sync, so they sit above all three."""
