"""A real headless Chromium (Debian's `chromium`, driven by Playwright; never a downloaded
browser). Without it the browser tests skip with a message, except in CI, where they fail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DemoWorld
from tests.server import ApiProcess, start_tablet

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed (apt-get install -y chromium): browser tests skipped"
        if os.environ.get("CI") == "true":
            pytest.fail(message.replace("skipped", "required in CI"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


def launch(playwright: Any, *extra_flags: str) -> Any:
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*FLAGS, *extra_flags]
    )


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    launched = launch(playwright)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """REYON_SCREENSHOTS=docs/screens refreshes the README's pictures; otherwise they go
    to a temporary directory, so a test run never changes the working tree."""
    target = os.environ.get("REYON_SCREENSHOTS")
    path = Path(target) if target else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def tablet(demo_world: DemoWorld, tmp_path: Path) -> Iterator[ApiProcess]:
    """The tablet web app (`reyon tablet`) in its own process, against the demo API."""
    app = start_tablet(demo_world.url, log_dir=tmp_path, device=demo_world.tablet)
    try:
        yield app
    finally:
        app.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed browser test shows the end of each tablet process's log beside its error (CI
    keeps no files): what the tablet drew and when, what it logged."""
    report = yield
    if report.when == "call" and report.failed:
        funcargs = getattr(item, "funcargs", {})
        for name, value in funcargs.items():
            if isinstance(value, ApiProcess) and value.log.exists():
                lines = value.log.read_text(errors="replace").splitlines()[-80:]
                report.sections.append((f"{name} log, last lines", "\n".join(lines)))
    return report
