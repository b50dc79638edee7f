"""Recommendations on the tablet (issue 15): what is bought together, refreshed by the worker
from the order history, and read by the product and customer scenes with their reasons."""
