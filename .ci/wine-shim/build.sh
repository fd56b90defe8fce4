#!/usr/bin/env bash
# Builds the bcryptprimitives.dll shim (see bcryptprimitives.c) with MinGW.
#
#   .ci/wine-shim/build.sh OUT_DIR
#
# Writes OUT_DIR/bcryptprimitives.dll; rebuilds only when a source is newer
# than the DLL. Needs x86_64-w64-mingw32-gcc (Debian: gcc-mingw-w64-x86-64).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUT_DIR}"
mkdir -p "$out"
dll="$out/bcryptprimitives.dll"

if [[ -f "$dll" && "$dll" -nt "$here/bcryptprimitives.c" && "$dll" -nt "$here/bcryptprimitives.def" && "$dll" -nt "$here/build.sh" ]]; then
    exit 0
fi

x86_64-w64-mingw32-gcc -shared -O2 -Wall -Wextra -Werror \
    -o "$dll.tmp" \
    "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" \
    -ladvapi32 -static-libgcc
mv -f "$dll.tmp" "$dll"
