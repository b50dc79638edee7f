"""build_scripts/: what can be checked without Flutter or the internet. The scripts parse, the
entry point `flet build` starts imports without starting anything, and the staged app carries
every third-party package the tablet imports and none of the server's."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

from tests.server import HANG_S

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "build_scripts"
SHELL_SCRIPTS = [*sorted(SCRIPTS.glob("*.sh")), ROOT / ".ci" / "run"]
# The server's own dependencies: none of them may reach a tablet build.
# The tablet has its own SQLite cache (sqlmodel, sqlalchemy), but never the server's stack.
SERVER_ONLY = {"fastapi", "uvicorn", "alembic", "psycopg", "fpdf2"}
# httpx imports these for its optional command line when they happen to be installed.
OPTIONAL_IMPORTS = {"click", "rich", "pygments"}


def _stage_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stage_tablet", SCRIPTS / "stage_tablet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stage_tablet = _stage_module()


def _env_without_reyon() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("REYON_", "FLET_"))}


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_shell_scripts_parse(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_shell_scripts_pass_shellcheck() -> None:
    if shutil.which("shellcheck") is None:
        message = "shellcheck is not installed (apt-get install -y shellcheck)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": required in CI")
        pytest.skip(message)
    result = subprocess.run(
        ["shellcheck", "-x", *map(str, SHELL_SCRIPTS)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_android_script_stops_early_without_an_api_address() -> None:
    script = str(SCRIPTS / "build_android.sh")
    env = _env_without_reyon()
    usage = subprocess.run(["bash", script, "--help"], capture_output=True, text=True, env=env)
    assert usage.returncode == 0 and "--api-url" in usage.stdout
    missing = subprocess.run(["bash", script], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and "--api-url" in missing.stderr
    itself = subprocess.run(
        ["bash", script, "--api-url", "http://127.0.0.1:8000"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert itself.returncode == 1 and "the tablet itself" in itself.stderr


def test_main_exposes_a_flet_main_and_starts_nothing_on_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import flet as ft

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("importing app.main must not start the app")

    monkeypatch.setattr(ft, "run", refuse)
    monkeypatch.setenv("REYON_API_URL", "http://api.test:8000")
    import app.main

    module = importlib.reload(app.main)
    assert callable(module.main)
    source = (ROOT / "app" / "main.py").read_text(encoding="utf-8")
    guarded = source.split('if __name__ == "__main__":', 1)
    assert len(guarded) == 2 and "ft.run(main)" in guarded[1]
    assert "ft.run(" not in guarded[0]


def test_root_pyproject_has_the_flet_build_settings() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    flet = pyproject["tool"]["flet"]
    assert flet["org"] and flet["product"] == "Reyon"
    assert "camera" in flet["permissions"]  # flet-camera needs android.permission.CAMERA
    assert flet["app"].get("module", "main") == "main"
    assert "path" not in flet["app"]  # the staged folder is the app folder


def test_requirements_follow_the_root_pins() -> None:
    pyproject = {
        "project": {"dependencies": ["flet[web]==1.0.5", "httpx==0.28.1; python_version>'3'"]}
    }
    locked = {
        name: "9.9" for name in map(stage_tablet.canonical, stage_tablet.TABLET_DISTRIBUTIONS)
    }
    reqs = stage_tablet.tablet_requirements(pyproject, locked, ["Pillow==12.2.0", "extra-pkg>=1"])
    assert "flet==1.0.5" in reqs  # the [web] extra stays behind
    assert "httpx==0.28.1; python_version>'3'" in reqs
    assert "pillow==12.2.0" in reqs and "extra-pkg>=1" in reqs
    assert "tzdata==9.9" in reqs
    assert stage_tablet.flet_version(pyproject) == "1.0.5"
    with pytest.raises(stage_tablet.StageError):
        stage_tablet.flet_version({"project": {"dependencies": ["flet>=1"]}})
    with pytest.raises(stage_tablet.StageError):
        stage_tablet.tablet_requirements({"project": {"dependencies": []}}, {})


@pytest.mark.parametrize(
    "url", ["ftp://api.test", "api.test:8000", "https://", "https://api.test/?x=1"]
)
def test_bad_api_addresses_are_refused(url: str) -> None:
    with pytest.raises(stage_tablet.StageError):
        stage_tablet.check_api_url(url)


def test_tool_flet_sections_are_copied_verbatim() -> None:
    text = (
        '[project]\nname = "x"\n\n[tool.flet]\norg = "com.example"  # keep\n\n'
        '[tool.flet.android.permission]\n"android.permission.CAMERA" = true\n\n'
        "[tool.ruff]\nline-length = 100\n"
    )
    copied = stage_tablet.tool_flet_text(text)
    assert "[tool.ruff]" not in copied and "line-length" not in copied
    assert tomllib.loads(copied)["tool"]["flet"] == tomllib.loads(text)["tool"]["flet"]


def test_staged_app_carries_what_the_tablet_imports(tmp_path: Path) -> None:
    out = stage_tablet.stage(tmp_path / "stage", api_url="https://reyon-api.example.com/")
    assert (out / "main.py").is_file() and (out / "app" / "tablet" / "app.py").is_file()
    assert not (out / "app" / "server").exists()
    assert not list(out.rglob("__pycache__"))
    entry = (out / "main.py").read_text(encoding="utf-8")
    assert "'https://reyon-api.example.com'" in entry and 'if __name__ == "__main__":' in entry

    staged = tomllib.loads((out / "pyproject.toml").read_text(encoding="utf-8"))
    root = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert staged["tool"]["flet"] == root["tool"]["flet"]
    requirements = [Requirement(r) for r in staged["project"]["dependencies"]]
    names = {stage_tablet.canonical(r.name) for r in requirements}
    assert not names & SERVER_ONLY
    # zoneinfo finds no time zone data of its own on Android or Windows (Linux has it, so the
    # import probe below cannot tell).
    assert "tzdata" in names

    # Import the staged app alone (the project root off sys.path) and list what it loads.
    probe = (
        "import importlib, json, os, pkgutil, sys\n"
        f"sys.path = [p for p in sys.path if os.path.realpath(p or '.') != {str(ROOT)!r}]\n"
        "import main, app, app.tablet\n"
        "for m in pkgutil.walk_packages(app.tablet.__path__, 'app.tablet.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps({'app': app.__file__, 'main': callable(main.main),\n"
        "    'server': sorted(m for m in sys.modules if m.startswith('app.server')),\n"
        "    'tops': sorted({m.split('.')[0] for m in sys.modules})}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=out,
        capture_output=True,
        text=True,
        env=_env_without_reyon(),
        timeout=HANG_S,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(seen["app"]).resolve().is_relative_to(out)
    assert seen["main"] and seen["server"] == []

    # Every third-party distribution loaded must come with the staged requirements.
    wanted = _closure(requirements)
    providers = metadata.packages_distributions()
    loaded = set()
    for top in seen["tops"]:
        if top in sys.stdlib_module_names or top in {"app", "main"} or top in OPTIONAL_IMPORTS:
            continue
        loaded |= {stage_tablet.canonical(d) for d in providers.get(top, [])}
    assert loaded - wanted == set(), f"add these to TABLET_DISTRIBUTIONS: {loaded - wanted}"


def _closure(requirements: list[Requirement]) -> set[str]:
    """The requirements' names and, transitively, what they depend on here (no extras)."""
    found: set[str] = set()
    todo = list(requirements)
    while todo:
        req = todo.pop()
        name = stage_tablet.canonical(req.name)
        if name in found or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
            continue
        found.add(name)
        try:
            todo.extend(Requirement(r) for r in metadata.requires(name) or [])
        except metadata.PackageNotFoundError:
            continue
    return found
