#!/usr/bin/env bash
# Build the Reyon tablet app for Android with `flet build`: an .apk to install directly on the
# store's tablets, or an .aab to publish through Google Play. Runs on Linux or macOS with
# internet access; see build_scripts/README.md for the prerequisites and for signing.
#
#   build_scripts/build_android.sh --api-url https://reyon-api.example.com
#   build_scripts/build_android.sh --api-url https://reyon-api.example.com --aab
#
# Output: build/tablet/apk/ (or build/tablet/aab/) under the project root.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: build_scripts/build_android.sh --api-url URL [options] [-- extra flet build options]

  --api-url URL     the central API the tablets talk to (or set REYON_API_URL)
  --aab             build an Android App Bundle for Google Play instead of an .apk
  --split-per-abi   one smaller .apk per CPU type instead of one universal .apk
  --arch ABI        only this CPU type: arm64-v8a, armeabi-v7a or x86_64 (repeatable)
  --pin REQ         replace a pinned tablet dependency, e.g. --pin pillow==12.2.0 (repeatable)
  --dry-run         check and stage, then print the flet build command instead of running it
  -h, --help        this text

Environment: REYON_ORG, REYON_BUILD_NUMBER, REYON_BUILD_VERSION, REYON_PYTHON_VERSION,
REYON_VERBOSE=1, REYON_SKIP_NETWORK_CHECK=1, REYON_DRY_RUN=1, and for a release signature
FLET_ANDROID_SIGNING_KEY_STORE, FLET_ANDROID_SIGNING_KEY_STORE_PASSWORD,
FLET_ANDROID_SIGNING_KEY_ALIAS (FLET_ANDROID_SIGNING_KEY_PASSWORD defaults to the store's).
EOF
}

# shellcheck source=build_scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

target=apk
pins=()
FLET_ARGS=()
passthrough=()
while (($# > 0)); do
    case "$1" in
        --api-url)
            (($# >= 2)) || die "--api-url needs a value"
            REYON_API_URL="$2"
            shift 2
            ;;
        --aab) target=aab && shift ;;
        --split-per-abi) FLET_ARGS+=(--split-per-abi) && shift ;;
        --arch)
            (($# >= 2)) || die "--arch needs a value"
            case "$2" in
                arm64-v8a | armeabi-v7a | x86_64) FLET_ARGS+=(--arch "$2") ;;
                *) die "unknown --arch '$2' (arm64-v8a, armeabi-v7a or x86_64)" ;;
            esac
            shift 2
            ;;
        --pin)
            (($# >= 2)) || die "--pin needs a value"
            pins+=("$2")
            shift 2
            ;;
        --dry-run) REYON_DRY_RUN=1 && shift ;;
        -h | --help) usage && exit 0 ;;
        --)
            shift
            passthrough=("$@")
            break
            ;;
        *) usage >&2 && die "unknown option '$1'" ;;
    esac
done

# --- prerequisites ---------------------------------------------------------------------------
case "$(uname -s)" in
    Linux | Darwin) ;;
    *) die "run this on Linux or macOS (on Windows, use WSL or build_windows.ps1 for Windows)." ;;
esac
[[ -n "${REYON_API_URL:-}" ]] || die "give the central API's address: --api-url \
https://reyon-api.example.com (or set REYON_API_URL). 127.0.0.1 would be the tablet itself."
case "${REYON_API_URL}" in
    http://127.* | http://localhost* | https://127.* | https://localhost*)
        die "${REYON_API_URL} is the tablet itself, not the central API: give an address the \
tablets can reach on the store network." ;;
    http://*) warn "${REYON_API_URL} is plain HTTP: associates' PINs and customer data cross the \
network unencrypted. Use HTTPS outside a closed test network." ;;
esac

find_python
check_internet
check_flutter_host_tools
check_free_space "${HOME}" 15

if [[ -n "${JAVA_HOME:-}" ]]; then
    java_major="$("${JAVA_HOME}/bin/javac" -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p' || true)"
    if [[ "${java_major}" != "17" ]]; then
        warn "JAVA_HOME (${JAVA_HOME}) is not a JDK 17; flet build will download Temurin JDK 17 \
into ~/java/ and use that."
    fi
else
    say "no JAVA_HOME: flet build will use or download JDK 17 (Temurin) into ~/java/"
fi
if [[ -n "${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}" ]]; then
    say "Android SDK: ${ANDROID_HOME:-${ANDROID_SDK_ROOT}} (flet build adds what is missing)"
else
    say "no ANDROID_HOME: flet build will use Android Studio's SDK if found, else install the \
command-line tools, platform 35 and build-tools 34 into ~/Android/sdk (licences accepted)"
fi

# Release signing: Gradle reads these variables itself, so passwords never appear on a command
# line. Without a key store flet build signs with the debug key.
if [[ -n "${FLET_ANDROID_SIGNING_KEY_STORE:-}" ]]; then
    [[ -f "${FLET_ANDROID_SIGNING_KEY_STORE}" ]] ||
        die "FLET_ANDROID_SIGNING_KEY_STORE=${FLET_ANDROID_SIGNING_KEY_STORE} is not a file."
    [[ -n "${FLET_ANDROID_SIGNING_KEY_STORE_PASSWORD:-}" ]] ||
        die "set FLET_ANDROID_SIGNING_KEY_STORE_PASSWORD for the key store."
    [[ -n "${FLET_ANDROID_SIGNING_KEY_ALIAS:-}" ]] ||
        die "set FLET_ANDROID_SIGNING_KEY_ALIAS (the alias given to keytool -genkey)."
    # Gradle resolves a relative path against the generated Android project, not here.
    FLET_ANDROID_SIGNING_KEY_STORE="$(cd "$(dirname "${FLET_ANDROID_SIGNING_KEY_STORE}")" &&
        pwd)/$(basename "${FLET_ANDROID_SIGNING_KEY_STORE}")"
    export FLET_ANDROID_SIGNING_KEY_STORE FLET_ANDROID_SIGNING_KEY_STORE_PASSWORD
    export FLET_ANDROID_SIGNING_KEY_ALIAS
    export FLET_ANDROID_SIGNING_KEY_PASSWORD="${FLET_ANDROID_SIGNING_KEY_PASSWORD:-${FLET_ANDROID_SIGNING_KEY_STORE_PASSWORD}}"
    say "signing with ${FLET_ANDROID_SIGNING_KEY_STORE} (alias ${FLET_ANDROID_SIGNING_KEY_ALIAS})"
elif [[ "${target}" == "aab" ]]; then
    die "Google Play needs a signed .aab: set FLET_ANDROID_SIGNING_KEY_STORE and its passwords \
(README.md, 'Signing an Android release')."
else
    warn "no FLET_ANDROID_SIGNING_KEY_STORE: the .apk is signed with this machine's debug key. \
Fine for a trial; tablets cannot later update it to a release-signed build without uninstalling \
it (and losing its local data)."
fi

ensure_flet_cli
check_flutter

# --- build -----------------------------------------------------------------------------------
if ((${#pins[@]} > 0)); then stage_tablet "${pins[@]}"; else stage_tablet; fi
out_dir="${REYON_BUILD_DIR}/tablet/${target}"
add_common_flet_args
FLET_ARGS+=(-o "${out_dir}")
if ((${#passthrough[@]} > 0)); then FLET_ARGS+=("${passthrough[@]}"); fi

say "flet build ${target} (API ${REYON_API_URL})"
run_flet build "${target}" "${REYON_STAGE_DIR}" "${FLET_ARGS[@]}"
if [[ "${REYON_DRY_RUN:-0}" != "1" ]]; then
    say "done: ${out_dir}"
    ls -l "${out_dir}"
fi
