"""Stage the tablet app for `flet build`: one folder holding only what a tablet runs.

`flet build` packages a single folder. It wants the entry module at that folder's root and it
installs the Python dependencies listed in that folder's pyproject.toml. The project root fits
neither: the entry is app/main.py, inside the package it imports, and the root's dependencies
are the central API's too (the PostgreSQL driver, uvicorn, SQLAlchemy ...), which a tablet never
runs and which have no Android wheels. So this writes a folder (build/tablet-src/ by default):

    main.py         the entry `flet build` starts: the API address given at build time, then
                    app.main's Flet `main`
    app/            the app package without app/server/ (tablets never run the API)
    assets/         copied from the root (an icon.png there becomes the app icon)
    pyproject.toml  [project] with the tablet's dependencies, pinned as the root pins them, and
                    the root's [tool.flet] sections copied verbatim

The build scripts beside this file run it, then `flet build <target> build/tablet-src`.
Standard library only (Python 3.11+), since it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "tablet-src"
MARKER = ".reyon-stage"  # hidden: flet build leaves hidden files out of the package

# What the tablet imports, by distribution. tests/unit/test_build_scripts.py imports the staged
# app and fails when it loads a third-party module that this list does not bring in.
TABLET_DISTRIBUTIONS = (
    "flet",  # the UI (without the [web] extra: a built app carries its own Flutter client)
    "flet-camera",  # camera scanning (a Flutter extension: flet build compiles it in)
    "flet-charts",  # manager charts (a Flutter extension)
    "httpx",  # the typed API client
    "pydantic",  # app/contracts/ (the root gets it through fastapi and sqlmodel)
    "qrcode",  # showing pay-link and coupon QR codes
    "pillow",  # images for qrcode and the decoder
    "zxing-cpp",  # reading QR, EAN-13 and Code 128 from camera frames
    "tzdata",  # zoneinfo's data: Android and Windows have no system copy Python can read
    "sqlmodel",  # the offline cache's tables (app/tablet/cache/)
    "sqlalchemy",  # the offline cache's SQLite access (pure Python wheels exist)
    "cryptography",  # checking coupon QR signatures (Ed25519) offline at the till
    "pydantic-settings",  # TabletSettings (app/settings.py): REYON_TABLET_* and REYON_API_URL
    "python-dotenv",  # read by pydantic-settings for a .env next to the app
)


class StageError(Exception):
    """Staging cannot go on; the message says why and what to do."""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*$")


def split_requirement(text: str) -> tuple[str, str]:
    """(canonical name, everything after the name and extras: version and marker)."""
    match = _REQUIREMENT.match(text)
    if match is None:
        raise StageError(f"cannot read the requirement {text!r}")
    return canonical(match.group(1)), match.group(3)


def locked_versions(lock_text: str) -> dict[str, str]:
    return {
        canonical(package["name"]): package["version"]
        for package in tomllib.loads(lock_text).get("package", [])
        if "version" in package
    }


def tablet_requirements(
    pyproject: dict, locked: dict[str, str], pins: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """The tablet's requirements: each pinned as the root's [project].dependencies pins it, else
    at its uv.lock version; `pins` (e.g. "pillow==12.2.0") replace or add by name."""
    declared = {}
    for text in pyproject.get("project", {}).get("dependencies", []):
        name, rest = split_requirement(text)
        declared[name] = rest
    chosen: dict[str, str] = {}
    for dist in TABLET_DISTRIBUTIONS:
        name = canonical(dist)
        if name in declared:
            chosen[name] = f"{name}{declared[name]}"
        elif name in locked:
            chosen[name] = f"{name}=={locked[name]}"
        else:
            raise StageError(
                f"{name} is neither a dependency in pyproject.toml nor in uv.lock; "
                "run `uv lock` or pin it with --pin"
            )
    for pin in pins:
        name, rest = split_requirement(pin)
        chosen[name] = f"{name}{rest}"
    return list(chosen.values())


def flet_version(pyproject: dict) -> str:
    """The exact Flet version the root pins: flet-cli must be the same release."""
    for text in pyproject.get("project", {}).get("dependencies", []):
        name, rest = split_requirement(text)
        if name == "flet":
            match = re.fullmatch(r"==\s*([0-9][^;,\s]*)", rest.split(";")[0].strip())
            if match:
                return match.group(1)
            raise StageError(f"flet must be pinned with == in pyproject.toml, not {text!r}")
    raise StageError("flet is not a dependency in pyproject.toml")


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def tool_flet_text(pyproject_text: str) -> str:
    """The [tool.flet] and [tool.flet.*] sections of a pyproject.toml, verbatim."""
    kept: list[str] = []
    inside = False
    for line in pyproject_text.splitlines():
        header = _HEADER.match(line)
        if header:
            name = header.group(1).replace(" ", "")
            inside = name == "tool.flet" or name.startswith("tool.flet.")
        if inside:
            kept.append(line)
    return "\n".join(kept).strip() + "\n" if kept else ""


def check_api_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StageError(f"the API address must look like https://host[:port], not {url!r}")
    if parts.query or parts.fragment:
        raise StageError(f"the API address takes no ?query or #fragment: {url!r}")
    return url.strip().rstrip("/")


def entry_module(api_url: str | None) -> str:
    default = (
        f"os.environ.setdefault({'REYON_API_URL'!r}, {api_url!r})\n"
        if api_url
        else "# No address was given at build time: app.main's default applies.\n"
    )
    return (
        '"""The entry point `flet build` starts. Written by build_scripts/stage_tablet.py:\n'
        "edit that, not this. REYON_API_URL set where the app runs wins over the address\n"
        'given at build time."""\n'
        "\n"
        "import os\n"
        "\n"
        f"{default}"
        "\n"
        "import flet as ft  # noqa: E402\n"
        "\n"
        "from app.main import main  # noqa: E402\n"
        "\n"
        'if __name__ == "__main__":\n'
        "    ft.run(main)\n"
    )


def staged_pyproject(pyproject: dict, pyproject_text: str, requirements: list[str]) -> str:
    project = pyproject.get("project", {})
    flet_section = tool_flet_text(pyproject_text)
    if not flet_section:
        raise StageError("pyproject.toml has no [tool.flet] section to build with")
    if pyproject.get("tool", {}).get("flet", {}).get("app", {}).get("path"):
        raise StageError(
            "[tool.flet.app] path is set in pyproject.toml; the staged folder is the app "
            "folder, so remove it"
        )
    lines = [
        "# Written by build_scripts/stage_tablet.py from the root pyproject.toml: edit that.",
        "[project]",
        f"name = {json.dumps(project.get('name', 'reyon'))}",
        f"version = {json.dumps(project.get('version', '0.1.0'))}",
        f"description = {json.dumps(project.get('description', ''))}",
        f"requires-python = {json.dumps(project.get('requires-python', '>=3.11'))}",
        "dependencies = [",
        *(f"    {json.dumps(req)}," for req in requirements),
        "]",
        "",
        flet_section,
    ]
    text = "\n".join(lines)
    staged = tomllib.loads(text)
    if staged["tool"]["flet"] != pyproject["tool"]["flet"]:
        raise StageError(
            "could not copy [tool.flet] faithfully: keep every tool.flet setting under a "
            "[tool.flet] or [tool.flet.*] header in pyproject.toml"
        )
    return text


def _prepare(out: Path, root: Path) -> None:
    out = out.resolve()
    if out == root or out in root.parents:
        raise StageError(f"refusing to stage into {out}: it holds the project")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise StageError(f"{out} exists and was not made by this script; choose another --out")
    # Everything but flet's own build/ cache (its Flutter project, pip downloads) is rewritten,
    # so a file deleted from app/ does not linger in the next build.
    for name in ("app", "assets", "main.py", "pyproject.toml"):
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by build_scripts/stage_tablet.py\n")
    build_dir = root / "build"
    if out.is_relative_to(build_dir) and not (build_dir / ".gitignore").exists():
        (build_dir / ".gitignore").write_text("# build output, never committed\n*\n")


def stage(
    out: Path = DEFAULT_OUT,
    *,
    api_url: str | None = None,
    pins: list[str] | tuple[str, ...] = (),
    root: Path = ROOT,
) -> Path:
    root = root.resolve()
    pyproject_text = (root / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = tomllib.loads(pyproject_text)
    lock_path = root / "uv.lock"
    locked = locked_versions(lock_path.read_text(encoding="utf-8")) if lock_path.exists() else {}
    requirements = tablet_requirements(pyproject, locked, pins)
    manifest = staged_pyproject(pyproject, pyproject_text, requirements)
    entry = entry_module(check_api_url(api_url) if api_url else None)

    _prepare(out, root)
    out = out.resolve()
    app_dir = root / "app"

    def leave_out(directory: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".pyo"))}
        if Path(directory).resolve() == app_dir:
            skipped |= {"server"} & set(names)
        return skipped

    shutil.copytree(app_dir, out / "app", ignore=leave_out)
    if (root / "assets").is_dir():
        shutil.copytree(root / "assets", out / "assets", ignore=leave_out)
    (out / "main.py").write_text(entry, encoding="utf-8")
    (out / "pyproject.toml").write_text(manifest, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write")
    parser.add_argument("--api-url", help="the central API's address, baked in as the default")
    parser.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="REQ",
        help="replace or add one requirement, e.g. --pin pillow==12.2.0 (repeatable)",
    )
    parser.add_argument(
        "--print-flet-version",
        action="store_true",
        help="print the Flet version pyproject.toml pins and stop",
    )
    args = parser.parse_args(argv)
    try:
        if args.print_flet_version:
            text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
            print(flet_version(tomllib.loads(text)))
            return 0
        out = stage(args.out, api_url=args.api_url, pins=args.pin)
    except StageError as exc:
        print(f"stage_tablet: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
