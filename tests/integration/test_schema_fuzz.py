"""Schemathesis against the live API's /openapi.json over HTTP: no 5xx, and every response
matches the schema the API publishes (status codes, content types, bodies). Every date and
date-time field is also sent the extremes that once overflowed Python's datetime (finding 8)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

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


# Year 1 at +14:00 and year 9999 at -14:00 overflow when shifted to UTC or a local day: sent
# as explicit examples (schemathesis's first phase sends each one) to every such field of the
# published document, whether or not its type is contracts.common.Moment or Day.
EXTREMES = {
    "date-time": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"],
    "date": ["0001-01-01", "9999-12-31"],
}
# These end the fuzzer's own session or tablet, after which every request is a 401 and tests
# nothing, or (deactivating) the demo associates' the browser tests log in as; their own tests
# are in test_devices.py.
SESSION_ENDING = [
    "/v1/auth/logout",
    "/v1/devices/{device_id}/revoke",
    "/v1/associates/{associate_id}/deactivate",
]


def with_extreme_dates(node: Any) -> int:
    """Add EXTREMES to the examples of every date and date-time schema; how many."""
    found = 0
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") in EXTREMES:
            node["examples"] = [*EXTREMES[node["format"]], *node.get("examples", [])]
            found += 1
        found += sum(with_extreme_dates(value) for value in node.values())
    elif isinstance(node, list):
        found += sum(with_extreme_dates(value) for value in node)
    return found


def date_formats(
    node: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()
) -> set[str]:
    """The date formats a request part can carry, through $refs."""
    if isinstance(node, list):
        return set().union(*(date_formats(v, components, seen) for v in node))
    if not isinstance(node, dict):
        return set()
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return set() if name in seen else date_formats(components[name], components, seen | {name})
    own = {node["format"]} if node.get("format") in EXTREMES else set()
    return own.union(*(date_formats(v, components, seen) for v in node.values()))


def run_schemathesis(
    world: DemoWorld, out_dir: Path, *, max_examples: int
) -> subprocess.CompletedProcess[str]:
    document = httpx.get(f"{world.url}/openapi.json", timeout=HANG_S).json()
    assert with_extreme_dates(document) > 0
    schema = out_dir / "openapi.json"
    schema.write_text(json.dumps(document))
    cli = Path(sys.executable).with_name("schemathesis")
    excluded = [arg for path in SESSION_ENDING for arg in ("--exclude-path", path)]
    return subprocess.run(
        [
            str(cli),
            "run",
            str(schema),
            "--url",
            world.url,
            *excluded,
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
            "junit,har",
            "--report-har-path",
            str(out_dir / "requests.har"),
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
    log_start = demo_world.api.log.stat().st_size
    result = run_schemathesis(demo_world, tmp_path, max_examples=30)
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]

    # Every date field got every extreme, and some got as far as validation (422; not a
    # 401 of an ended session, which would test nothing).
    document = json.loads((tmp_path / "openapi.json").read_text())
    components = document["components"]["schemas"]
    entries = json.loads((tmp_path / "requests.har").read_text())["log"]["entries"]
    dated = 0
    for path, operations in document["paths"].items():
        pattern = re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in operations.items():
            request_parts = [operation.get("parameters", []), operation.get("requestBody", {})]
            for fmt in date_formats(request_parts, components):
                dated += 1
                sent = [
                    (
                        e["response"]["status"],
                        unquote(e["request"]["url"])
                        + e["request"].get("postData", {}).get("text", ""),
                    )
                    for e in entries
                    if e["request"]["method"] == method.upper()
                    and pattern.match(urlsplit(e["request"]["url"]).path)
                ]
                for value in EXTREMES[fmt]:
                    answers = {status for status, text in sent if value in text}
                    assert 422 in answers, (method, path, value, answers)
    assert dated >= 3  # the report's days, the losses' since, an offline sale's time

    # And the API's own log saw no 5xx answer during the run.
    lines = demo_world.api.log.read_bytes()[log_start:].decode().split("\n")[:-1]
    failures = [line for line in lines if (json.loads(line).get("status") or 0) >= 500]
    assert not failures, failures[:5]
    (tmp_path / "requests.har").unlink()  # tens of MB; kept only when a check failed
