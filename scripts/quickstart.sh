#!/usr/bin/env bash
# tessel's main job on a shipped network, from a fresh machine:
#   1. install what is missing and build the compiler,
#   2. compile networks/yolov2-16.yaml (608x608) under a memory budget,
#   3. build the generated C++ and run it on the deterministic input,
#   4. run the reference executor on the same input and compare.
#
#   scripts/quickstart.sh [NETWORK] [BUDGET]     (default: yolov2-16, 64MiB)
# NETWORK is a YAML description, a Darknet .cfg (seeded random weights) or an
# ONNX model.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
network=${1:-$root/networks/yolov2-16.yaml}
budget=${2:-64MiB}
build=${TESSEL_BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)
name=$(basename "$network")
name=${name%.*}
work=$build/quickstart/$name

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs" --target tessel

echo "== tessel compile $name --budget $budget"
"$build/tessel" compile "$network" -o "$work/generated" --budget "$budget"

echo "== building the generated code (for this machine's CPU: -march=native; -DTESSEL_NATIVE=OFF for any x86-64)"
cmake -S "$work/generated" -B "$work/generated-build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/generated-build" -j"$jobs" >/dev/null

echo "== running the generated code (deterministic input, seed 1)"
demo=$(find "$work/generated-build" -maxdepth 1 -name '*_demo' -type f | head -n 1)
"$demo" --seed 1 --repeat 3 --output "$work/generated.bin"

echo "== running the reference executor on the same input"
"$build/tessel" run "$network" --seed 1 --output "$work/reference.bin"

echo "== generated vs reference"
"$build/tessel" compare "$work/generated.bin" "$work/reference.bin"
