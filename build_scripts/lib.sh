# Shared by build_android.sh (and any other bash build script here): prerequisite checks, the
# flet-cli virtual environment and staging. Source it; it defines functions and a few
# variables and runs nothing else.
# shellcheck shell=bash
# shellcheck disable=SC2034  # REYON_* variables are read by the scripts that source this

REYON_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REYON_BUILD_DIR="${REYON_ROOT}/build"
REYON_STAGE_DIR="${REYON_BUILD_DIR}/tablet-src"
REYON_CLI_VENV="${REYON_BUILD_DIR}/flet-cli"

say() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

need_cmd() { # need_cmd NAME "how to get it"
    command -v "$1" >/dev/null 2>&1 || die "'$1' is not installed. $2"
}

# A Python 3.11+ to run flet-cli and the staging script (tomllib is 3.11+).
find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python; do
        [[ -n "${candidate}" ]] || continue
        command -v "${candidate}" >/dev/null 2>&1 || continue
        if "${candidate}" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
            REYON_PYTHON="$(command -v "${candidate}")"
            return 0
        fi
    done
    die "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11 if it is not on PATH)."
}

# flet build downloads Flutter, the build template, a Python build and pip packages.
check_internet() {
    if [[ "${REYON_SKIP_NETWORK_CHECK:-0}" == "1" ]]; then return 0; fi
    need_cmd curl "Install curl (Debian/Ubuntu: sudo apt-get install curl)."
    local url
    for url in https://pypi.org/simple/flet/ https://github.com/ https://storage.googleapis.com/; do
        if ! curl --silent --head --location --fail --max-time 15 --output /dev/null "${url}"; then
            die "cannot reach ${url}: flet build needs internet access (PyPI, GitHub and \
Google's Flutter downloads). Behind a proxy, set HTTPS_PROXY; to skip this check, set \
REYON_SKIP_NETWORK_CHECK=1."
        fi
    done
}

# Tools the Flutter SDK itself needs on Linux and macOS.
check_flutter_host_tools() {
    local tool
    for tool in git unzip zip xz; do
        need_cmd "${tool}" "The Flutter SDK needs git, unzip, zip and xz (Debian/Ubuntu: sudo \
apt-get install git unzip zip xz-utils)."
    done
}

check_free_space() { # check_free_space DIR GIGABYTES
    local free_kb
    free_kb="$(df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }' || true)"
    if [[ -n "${free_kb}" ]] && ((free_kb < $2 * 1024 * 1024)); then
        warn "only $((free_kb / 1024 / 1024)) GB free under $1; a first build needs about $2 GB \
(Flutter SDK, Gradle/Android SDK caches, the build itself)."
    fi
}

# build/ holds everything generated (the staged app, flet-cli, the packages): never committed.
ensure_build_dir() {
    mkdir -p "${REYON_BUILD_DIR}"
    if [[ ! -e "${REYON_BUILD_DIR}/.gitignore" ]]; then
        printf '# build output, never committed\n*\n' >"${REYON_BUILD_DIR}/.gitignore"
    fi
}

# The flet-cli of exactly the Flet release pyproject.toml pins: the build template and the
# Flutter version follow the flet-cli that runs.
ensure_flet_cli() {
    local flet_version installed
    flet_version="$("${REYON_PYTHON}" "${REYON_ROOT}/build_scripts/stage_tablet.py" --print-flet-version)"
    ensure_build_dir
    if [[ ! -x "${REYON_CLI_VENV}/bin/python" ]]; then
        say "creating ${REYON_CLI_VENV} for flet-cli ${flet_version}"
        "${REYON_PYTHON}" -m venv "${REYON_CLI_VENV}" || die "could not create a virtual \
environment (Debian/Ubuntu: sudo apt-get install python3-venv)."
    fi
    installed="$("${REYON_CLI_VENV}/bin/python" -c \
        'import importlib.metadata as m; print(m.version("flet-cli"))' 2>/dev/null || true)"
    if [[ "${installed}" != "${flet_version}" ]]; then
        say "installing flet[cli]==${flet_version}"
        "${REYON_CLI_VENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
            "flet[cli]==${flet_version}"
    fi
    REYON_FLET="${REYON_CLI_VENV}/bin/flet"
    REYON_FLUTTER_VERSION="$("${REYON_CLI_VENV}/bin/python" -c \
        'import flet.version as v; print(v.flutter_version)')"
}

# flet build accepts a Flutter SDK on PATH when its major.minor matches; otherwise it downloads
# the right one into ~/flutter/<version> (with --yes, without asking).
check_flutter() {
    local found
    if command -v flutter >/dev/null 2>&1; then
        found="$(flutter --version --no-version-check 2>/dev/null |
            sed -n 's/^Flutter \([0-9][0-9.]*\).*/\1/p' | head -n 1 || true)"
        if [[ "${found%.*}" == "${REYON_FLUTTER_VERSION%.*}" ]]; then
            say "Flutter ${found} on PATH fits (Flet wants ${REYON_FLUTTER_VERSION})"
            return 0
        fi
        warn "Flutter ${found:-of unknown version} on PATH does not match ${REYON_FLUTTER_VERSION}; \
flet build will download Flutter ${REYON_FLUTTER_VERSION} into ~/flutter/ and use that."
    else
        say "no Flutter on PATH: flet build will download Flutter ${REYON_FLUTTER_VERSION} into ~/flutter/"
    fi
}

# stage_tablet PIN...: writes build/tablet-src/ (see stage_tablet.py) for REYON_API_URL.
stage_tablet() {
    local args=(--out "${REYON_STAGE_DIR}")
    if [[ -n "${REYON_API_URL:-}" ]]; then args+=(--api-url "${REYON_API_URL}"); fi
    local pin
    for pin in "$@"; do
        args+=(--pin "${pin}")
    done
    say "staging the tablet app into ${REYON_STAGE_DIR}"
    "${REYON_PYTHON}" "${REYON_ROOT}/build_scripts/stage_tablet.py" "${args[@]}" >/dev/null
}

# Options every target shares, from the environment, appended to the array FLET_ARGS.
# (No namerefs or empty-array expansions: macOS still ships bash 3.2.)
add_common_flet_args() {
    FLET_ARGS+=(--yes)
    if [[ -n "${REYON_ORG:-}" ]]; then FLET_ARGS+=(--org "${REYON_ORG}"); fi
    if [[ -n "${REYON_BUILD_NUMBER:-}" ]]; then
        [[ "${REYON_BUILD_NUMBER}" =~ ^[0-9]+$ ]] ||
            die "REYON_BUILD_NUMBER must be a whole number, not '${REYON_BUILD_NUMBER}'."
        FLET_ARGS+=(--build-number "${REYON_BUILD_NUMBER}")
    fi
    if [[ -n "${REYON_BUILD_VERSION:-}" ]]; then
        FLET_ARGS+=(--build-version "${REYON_BUILD_VERSION}")
    fi
    if [[ -n "${REYON_PYTHON_VERSION:-}" ]]; then
        FLET_ARGS+=(--python-version "${REYON_PYTHON_VERSION}")
    fi
    if [[ "${REYON_VERBOSE:-0}" == "1" ]]; then FLET_ARGS+=(-v); fi
}

# run_flet ARGS...: flet build, or with REYON_DRY_RUN=1 only the command it would run.
run_flet() {
    if [[ "${REYON_DRY_RUN:-0}" == "1" ]]; then
        printf 'would run:'
        printf ' %q' "${REYON_FLET}" "$@"
        printf '\n'
        return 0
    fi
    (cd "${REYON_ROOT}" && "${REYON_FLET}" "$@")
}
