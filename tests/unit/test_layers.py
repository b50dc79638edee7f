"""The import picture the README describes, kept true by a test: the tablet's views read
scene state only; scene state reaches data only through the gateway; server packages import
downwards only (no two packages import each other)."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _offences(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(APP)} imports {name}"
        for path in sorted((APP / folder).rglob("*.py"))
        for name in sorted(_imports(path))
        if name.startswith(forbidden)
    ]


def test_views_read_state_only() -> None:
    assert (
        _offences(
            "tablet/views",
            ("app.tablet.gateway", "app.tablet.cache", "app.tablet.client", "app.tablet.offline"),
        )
        == []
    )


def test_state_reaches_data_only_through_the_gateway() -> None:
    assert (
        _offences(
            "tablet/state",
            ("app.tablet.cache", "app.tablet.client", "app.tablet.offline", "flet", "sqlalchemy"),
        )
        == []
    )


def test_no_two_server_packages_import_each_other() -> None:
    server = APP / "server"
    packages = sorted(p.name for p in server.iterdir() if (p / "__init__.py").exists())
    uses: dict[str, set[str]] = {name: set() for name in packages}
    for name in packages:
        for path in (server / name).rglob("*.py"):
            for imported in _imports(path):
                parts = imported.split(".")
                inside = parts[:2] == ["app", "server"] and len(parts) > 2
                if inside and parts[2] != name and parts[2] in uses:
                    uses[name].add(parts[2])
    circles = [f"{a} <-> {b}" for a in packages for b in sorted(uses[a]) if a in uses.get(b, set())]
    assert circles == []
