#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (AddressSanitizer + UBSan) in
# build-fuzz/ and runs each for a while, growing a corpus in
# build-fuzz/corpus/<target>. Findings (crash-*, leak-*, oom-*, timeout-*)
# land in build-fuzz/findings/<target>; a finding makes the script exit 1.
#
#   tests/fuzz/run.sh                 every target, 60 s each
#   tests/fuzz/run.sh 3600 fuzz_network_description
#
# Prints, per target, the executions, the coverage (libFuzzer's `cov`:
# instrumented edges reached) and the features (`ft`) at the end of the run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${TESSEL_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_network_description fuzz_darknet_cfg fuzz_onnx_model fuzz_schedule_text fuzz_target_profile)

"$root/scripts/install-deps.sh" >/dev/null
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESSEL_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

seeds_of() {
  case "$1" in
    fuzz_network_description) echo "$root/networks $root/tests/data/good $root/tests/data/bad" ;;
    fuzz_darknet_cfg) echo "$root/tests/fuzz/darknet_seeds" ;;
    fuzz_onnx_model) echo "$root/networks/onnx" ;;
    fuzz_schedule_text) echo "$root/tests/fuzz/schedule_seeds" ;;
    fuzz_target_profile) echo "$root/targets" ;;
    *) echo "run.sh: unknown target '$1'" >&2; exit 2 ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target findings=$build/findings/$target
  mkdir -p "$corpus" "$findings"
  dict=()
  [[ $target == fuzz_network_description ]] && dict=(-dict="$root/tests/fuzz/network.dict")
  log=$build/$target.log
  # shellcheck disable=SC2046 # the seed folders are separate arguments
  if ! (cd "$findings" && "$build/tests/fuzz/$target" "$corpus" $(seeds_of "$target") \
          "${dict[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
          -malloc_limit_mb=2048 -max_len=8192 -print_final_stats=1) >"$log" 2>&1; then
    status=1
    echo "$target: FINDING, see $log and $findings"
  fi
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  coverage=$(grep -o 'cov: [0-9]*' <<<"$last" || true)
  features=$(grep -o 'ft: [0-9]*' <<<"$last" || true)
  echo "$target: ${seconds} s, ${executions} executions, ${coverage:-cov: ?}, ${features:-ft: ?}, corpus $(ls "$corpus" | wc -l) inputs"
done
exit $status
