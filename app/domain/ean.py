"""EAN-13 barcodes: check digit and validation."""

from __future__ import annotations


def check_digit(first12: str) -> int:
    if len(first12) != 12 or not (first12.isascii() and first12.isdigit()):
        raise ValueError("EAN-13 body must be 12 digits")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def make(first12: str) -> str:
    return first12 + str(check_digit(first12))


def is_valid(code: str) -> bool:
    return (
        len(code) == 13
        and code.isascii()
        and code.isdigit()
        and check_digit(code[:12]) == int(code[12])
    )
