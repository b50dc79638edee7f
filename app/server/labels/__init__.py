"""Shelf labels: they print catalogue products with what a store has in stock, so they sit
above both catalog and inventory (inventory uses catalog)."""
