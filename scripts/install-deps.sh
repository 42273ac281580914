#!/usr/bin/env bash
# Installs the Debian 12 packages tessel needs to build and test, skipping those already
# installed. Safe to run again at any time.
#
#   scripts/install-deps.sh           compiler, runtime and test dependencies
#   scripts/install-deps.sh --cross   also cross compilers and qemu-user for target tests
#   scripts/install-deps.sh --only PACKAGE...   just these (bench/ort/setup.sh uses it)
set -euo pipefail

# Build and test dependencies (cmake/TesselDependencies.cmake finds them).
BASE_PACKAGES=(
  g++               # C++17 compiler for tessel and the generated code
  make              # CMake's default generator
  cmake             # build system (3.20 or newer; Debian 12 has 3.25)
  llvm-14-dev       # LLVM Support: command line, errors, JSON
  llvm-14-tools     # FileCheck and friends for output-checking tests
  libfmt-dev        # string formatting
  libyaml-cpp-dev   # network description parser
  doctest-dev       # unit test framework
  libonnx-dev       # ONNX's protobuf classes: the ONNX importer reads models with them
  libprotobuf-dev   # protobuf runtime the ONNX classes use
  libonnx-testdata  # ONNX's backend test cases: the ONNX importer's conformance suite
  python3-onnx      # builds the shipped ONNX example (networks/onnx/) and test models
  clang-14          # second compiler: generated code must build warning-free with it too
  libclang-rt-14-dev # sanitizer and libFuzzer runtimes for clang (tests/fuzz)
  python3           # benchmark harnesses in bench/
  darknet           # libdarknet and its cfgs: the Darknet importer's oracle (tests/darknet)
)

# Cross toolchains and emulation, installed only with --cross.
CROSS_PACKAGES=(
  g++-aarch64-linux-gnu     # 64-bit Arm Linux targets (aarch64)
  g++-arm-linux-gnueabihf   # 32-bit Arm Linux targets (armv7, hard float)
  gcc-arm-none-eabi         # bare-metal Arm microcontrollers (Cortex-M)
  libnewlib-arm-none-eabi   # C library (expf, memcpy) for linking Cortex-M firmware
  qemu-user                 # runs the cross-compiled binaries on the build machine
)

usage() {
  echo "usage: $0 [--cross | --only PACKAGE...]"
  echo "  Installs the missing Debian packages tessel needs; --cross adds cross compilers and qemu-user."
  echo "  --only installs the packages named instead."
}

want=("${BASE_PACKAGES[@]}")
if [[ "${1:-}" == --only ]]; then
  shift
  want=("$@")
  if [[ ${#want[@]} -eq 0 ]]; then usage >&2; exit 2; fi
else
  for arg in "$@"; do
    case "$arg" in
      --cross) want+=("${CROSS_PACKAGES[@]}") ;;
      -h|--help) usage; exit 0 ;;
      *) echo "install-deps: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
    esac
  done
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: dpkg-query/apt-get not found; this script supports Debian 12 only." >&2
  echo "install-deps: install these packages by other means: ${want[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#want[@]} packages already installed: ${want[*]}"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: not running as root and sudo is not available; run this script as root." >&2
  exit 1
fi

echo "install-deps: missing packages: ${missing[*]}"
echo "install-deps: running ${sudo[*]:+${sudo[*]} }apt-get update"
"${sudo[@]}" apt-get update
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: done"
