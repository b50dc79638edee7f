"""The machine's processes as /proc shows them, for figures counted per server (Linux only)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

TICK = os.sysconf("SC_CLK_TCK")


class Proc(NamedTuple):
    path: Path  # /proc/<pid>
    name: str
    session: int  # the servers run in sessions of their own: their workers share the id
    cpu_s: float  # user + system CPU so far


def processes() -> Iterator[Proc]:
    """Every live process; one that ends while it is read is left out."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, _, rest = (entry / "stat").read_text().rpartition(")")
        except OSError:
            continue
        fields = rest.split()
        cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        yield Proc(entry, head.partition("(")[2], int(fields[3]), cpu)
