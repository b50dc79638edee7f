"""Routes are matched in the order the app includes them (the tablets' first, see app.py):
moving a router must never hand one route's paths to another."""

from __future__ import annotations

import re

import pytest

from app.server.app import create_app
from app.settings import ApiSettings
from tests.server import TEST_SECRET


def _routes(demo: bool) -> list[tuple[str, re.Pattern[str], set[str]]]:
    """Every route as the app matches them, in turn: its path, pattern and methods."""
    app = create_app(
        ApiSettings(
            _env_file=None, secret_key=TEST_SECRET, database_url="sqlite://", demo_mode=demo
        )
    )
    routes: list[tuple[str, re.Pattern[str], set[str]]] = []
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # an included router
            routes += [(c.path_format, c.path_regex, set(c.methods or ())) for c in contexts()]
        elif getattr(route, "methods", None):  # an endpoint (the docs' files are a mount)
            routes.append((route.path, route.path_regex, set(route.methods)))
    return routes


@pytest.mark.parametrize("demo", [False, True])
def test_every_route_answers_its_own_paths(demo: bool, our_logging: None) -> None:
    """Each route's path, its parameters filled with a number and with a word, is answered by
    that route for each of its methods, not by one matched before it."""
    routes = _routes(demo)
    assert len(routes) > 90  # the whole API, not an empty app
    taken = []
    for path, _, methods in routes:
        for value in ("1", "abc"):
            sample = re.sub(r"\{[^}]+\}", value, path)
            for method in methods or {"GET"}:
                first = next(
                    p for p, rx, ms in routes if rx.match(sample) and (not ms or method in ms)
                )
                if first != path:
                    taken.append(f"{method} {sample}: {first} answers it, not {path}")
    assert not taken, taken
