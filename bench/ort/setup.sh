#!/usr/bin/env bash
# Installs what bench/networks.py needs to run ONNX Runtime beside tessel's generated code:
# Node.js and npm, Debian's python3-onnx (writes the ONNX models) and the npm package
# onnxruntime-node, whose CPU binaries for Linux come inside the package. The package goes to a
# folder under the build folder, which git ignores. Safe to run again.
#
#   bench/ort/setup.sh [FOLDER]     default: ${TESSEL_BUILD_DIR:-build}/bench/ort
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
folder=${1:-${TESSEL_BUILD_DIR:-$root/build}/bench/ort}
version=1.30.0 # the version bench/README.md was measured with

# By command rather than by package: a Node.js from elsewhere (e.g. NodeSource, which brings its
# own npm) counts, and Debian's npm would conflict with it. The ONNX models are written with
# Debian's Python, where python3-onnx goes.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing+=(python3-onnx)
if [[ ${#missing[@]} -gt 0 ]]; then
  "$root/scripts/install-deps.sh" --only "${missing[@]}"
fi

# --ignore-scripts: the package's install script fetches what the package does not bundle (the
# CUDA binaries) from outside the npm registry; the CPU runtime is bundled.
mkdir -p "$folder"
npm install --prefix "$folder" --ignore-scripts --no-audit --no-fund "onnxruntime-node@$version"
node -e "require('$folder/node_modules/onnxruntime-node'); console.log('onnxruntime-node $version loads')"
echo "bench/ort/setup.sh: done; bench/networks.py now runs ONNX Runtime beside tessel"
