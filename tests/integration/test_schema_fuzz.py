"""Schemathesis against the live API's /openapi.json over HTTP: no 5xx, and every response
matches the schema the API publishes (status codes, content types, bodies)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import DemoWorld
from tests.server import HANG_S

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)


def run_schemathesis(
    world: DemoWorld, out_dir: Path, *, max_examples: int
) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("schemathesis")
    return subprocess.run(
        [
            str(cli),
            "run",
            f"{world.url}/openapi.json",
            "--checks",
            CHECKS,
            "--header",
            f"Authorization: Bearer {world.token('demo-manager')}",
            "--max-examples",
            str(max_examples),
            "--seed",
            "20261122",
            "--request-timeout",
            str(int(HANG_S)),
            "--continue-on-failure",
            "--report",
            "junit",
            "--report-dir",
            str(out_dir),
            "--suppress-health-check",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=HANG_S,
    )


def test_api_conforms_to_its_schema_on_the_demo_data(demo_world: DemoWorld, tmp_path: Path) -> None:
    result = run_schemathesis(demo_world, tmp_path, max_examples=30)
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]
