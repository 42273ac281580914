#!/usr/bin/env bash
# Installs what is missing, builds tessel and its tests, and runs the whole
# suite through CTest. Extra arguments go to ctest (e.g. -R e2e, -L e2e).
#
#   scripts/test.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${TESSEL_BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

"$root/scripts/install-deps.sh" --cross # the cross tests (label cross) need them
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTESSEL_WERROR=ON
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs" "$@"
