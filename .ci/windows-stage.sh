#!/usr/bin/env bash
# Windows stage: cross-compiles the crate for x86_64-pc-windows-gnu, lints it,
# and runs its tests under Wine, headless. Run from the repository root:
#
#   bash .ci/windows-stage.sh
#
# Idempotent. Installs what it needs (Debian packages gcc-mingw-w64-x86-64,
# wine, wine64; the rustup target x86_64-pc-windows-gnu) and keeps everything
# else under target/: the bcryptprimitives.dll shim (target/wine-shim) and
# the Wine prefix (target/wine-prefix). Where the toolchain or packages cannot
# be obtained it prints `SKIPPED windows stage: <reason>` and exits 0; a
# failing lint or test exits non-zero.
#
# Environment:
#   WINDOWS_STAGE_FEATURES  cargo feature flags (default: --all-features)
#
# Doctests: recent cargo (seen with 1.95) also builds the doctests for the
# cross target and runs them through the same runner, so they run under Wine
# too (the "Doc-tests sstp_cert" block). An older cargo skips them silently.
set -euo pipefail

target=x86_64-pc-windows-gnu
started=$(date +%s)

skip() {
    echo "SKIPPED windows stage: $*"
    exit 0
}

log() {
    echo "windows stage: $*"
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

[[ "$(uname -s)" == Linux && "$(uname -m)" == x86_64 ]] ||
    skip "needs x86_64 Linux (this is $(uname -s) $(uname -m))"
command -v cargo >/dev/null || skip "cargo not found"

# --- packages -----------------------------------------------------------
find_wine_loader() {
    local candidate
    for candidate in /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! find_wine_loader >/dev/null; then
    command -v apt-get >/dev/null || skip "MinGW or Wine missing and apt-get not available"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            skip "MinGW or Wine missing and not root (cannot apt-get install)"
        fi
    fi
    log "installing gcc-mingw-w64-x86-64 wine wine64"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq >/dev/null ||
        skip "apt-get update failed"
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        gcc-mingw-w64-x86-64 wine wine64 >/dev/null ||
        skip "apt-get install gcc-mingw-w64-x86-64 wine wine64 failed"
fi
command -v x86_64-w64-mingw32-gcc >/dev/null || skip "x86_64-w64-mingw32-gcc not found after install"
wine_loader=$(find_wine_loader) || skip "no Wine loader found after install"
wineserver=/usr/lib/wine/wineserver
[[ -x "$wineserver" ]] || wineserver=$(command -v wineserver || true)
[[ -n "$wineserver" ]] || skip "wineserver not found"

# --- Rust target --------------------------------------------------------
sysroot=$(rustc --print sysroot)
if [[ ! -d "$sysroot/lib/rustlib/$target/lib" ]]; then
    command -v rustup >/dev/null || skip "Rust target $target not installed and rustup not available"
    log "rustup target add $target"
    rustup target add "$target" >/dev/null 2>&1 || skip "rustup target add $target failed"
fi

# --- Wine prefix, headless ----------------------------------------------
export WINEPREFIX="$root/target/wine-prefix"
export WINEARCH=win64
export WINEDEBUG=-all
# No Mono/Gecko install prompts, no desktop menu entries written to $HOME.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$root/target"

bash .ci/wine-shim/build.sh "$root/target/wine-shim"

if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
    log "creating Wine prefix $WINEPREFIX"
    "$wine_loader" wineboot -i >/dev/null 2>&1 || skip "wineboot -i failed"
    "$wineserver" -w
fi
system32="$WINEPREFIX/drive_c/windows/system32"
[[ -d "$system32" ]] || skip "Wine prefix has no system32"
# Rust's std imports ProcessPrng from bcryptprimitives.dll, which Wine 8
# lacks. Only 64-bit programs run here (no wine32), so system32 is the only
# directory that matters; syswow64 is for 32-bit programs.
cmp -s "$root/target/wine-shim/bcryptprimitives.dll" "$system32/bcryptprimitives.dll" ||
    cp -f "$root/target/wine-shim/bcryptprimitives.dll" "$system32/bcryptprimitives.dll"

# One persistent wineserver for all test binaries (each would otherwise
# start, and wait for, its own); stopped on exit. It serves this prefix only.
"$wineserver" -p
trap '"$wineserver" -k >/dev/null 2>&1 || true' EXIT

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine_loader"
read -r -a features <<<"${WINDOWS_STAGE_FEATURES:---all-features}"

log "$("$wine_loader" --version 2>/dev/null || echo 'wine (unknown version)'), prefix $WINEPREFIX"
log "cargo clippy --target $target --all-targets ${features[*]} -- -D warnings"
cargo clippy --target "$target" --all-targets "${features[@]}" -- -D warnings

log "cargo test --target $target ${features[*]} (runner: $wine_loader)"
cargo test --target "$target" "${features[@]}"

log "done in $(($(date +%s) - started)) s"
