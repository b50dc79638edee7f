"""The single customer view: a read model gathering one person from customers, orders,
promotions and loyalty, so it sits above those packages rather than inside customers (which
orders uses)."""
