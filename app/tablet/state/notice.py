"""A message on top of the current scene: an i18n key and its values."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Notice:
    key: str  # i18n key
    values: dict[str, object] = field(default_factory=dict)
    error: bool = False
