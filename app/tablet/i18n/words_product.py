"""The product scenes' words, in both languages (merged into STRINGS by strings.py)."""

from __future__ import annotations

TR: dict[str, str] = {}

EN: dict[str, str] = {}
