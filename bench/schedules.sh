#!/usr/bin/env bash
# Measures generated code under several schedules of one network, side by
# side in one run: every variant is compiled and built the same way, then
# the variants run in turns (round-robin) so machine noise hits them alike.
# Prints a table (median latency, ratio to the first schedule, arena, MACs
# executed) and writes JSON.
#
#   bench/schedules.sh [options] [SCHEDULE ...]
#     --network FILE      (default networks/yolov2-16.yaml)
#     --input-size HxW    (default: the network's own)
#     --rounds N          runs per variant (default 7)
#     --json FILE         (default build/bench/schedules.json)
#     --native            build with -march=native
#     --threads LIST      thread counts, comma-separated (default 1): every
#                         schedule is measured with each (tessel compile --threads)
#   Default schedules: the ones compared for yolov2-16 (layers first).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${TESSEL_BUILD_DIR:-$root/build}
network=$root/networks/yolov2-16.yaml
input_size=""
rounds=7
json=$build/bench/schedules.json
flags=""
thread_counts=1
schedules=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --network) network=$2; shift 2 ;;
    --input-size) input_size=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --native) flags="-march=native"; shift ;;
    --threads) thread_counts=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) schedules+=("$1"); shift ;;
  esac
done
if [[ ${#schedules[@]} -eq 0 ]]; then
  schedules=("0-15:layers" "0-15:tile3x3" "0-15:tile5x5" "0-7:tile5x5, 8-15:tile2x2"
             "0-7:stream8, 8-15:layers")
fi

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target tessel >/dev/null
work=$build/bench/schedules
rm -rf "$work" && mkdir -p "$work" "$(dirname "$json")"
size_args=()
[[ -n $input_size ]] && size_args=(--input-size "$input_size")

# One variant per schedule and thread count.
declare -a variant_schedule variant_threads
IFS=, read -r -a thread_list <<<"$thread_counts"
for schedule in "${schedules[@]}"; do
  for threads in "${thread_list[@]}"; do
    variant_schedule+=("$schedule")
    variant_threads+=("$threads")
  done
done

declare -a arena macs extra demo rss
for k in "${!variant_schedule[@]}"; do
  report=$("$build/tessel" compile "$network" "${size_args[@]}" --schedule "${variant_schedule[$k]}" \
           --threads "${variant_threads[$k]}" --name "v$k" -o "$work/v$k")
  arena[$k]=$(sed -n 's/^arena: \([0-9]*\) bytes.*/\1/p' <<<"$report")
  macs[$k]=$(sed -n 's/^executed: \([0-9.]*\) GMAC.*/\1/p' <<<"$report")
  extra[$k]=$(sed -n 's/^executed: [0-9.]* GMAC (+\{0,1\}\([-0-9.]*\)%.*/\1/p' <<<"$report")
  cmake -S "$work/v$k" -B "$work/v$k-build" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS="$flags" >/dev/null
  cmake --build "$work/v$k-build" >/dev/null
  demo[$k]=$work/v$k-build/v${k}_demo
done

# Round-robin runs; one time per run in ms.
declare -A times
for ((r = 0; r < rounds; r++)); do
  for k in "${!variant_schedule[@]}"; do
    out=$("${demo[$k]}" --seed 1)
    times[$k]+="$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$out") "
    rss[$k]=$(sed -n 's/^peak rss \([0-9]*\) KiB/\1/p' <<<"$out")
  done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

base=$(median "${times[0]}")
printf '%-34s %7s %12s %8s %14s %12s %8s %12s\n' schedule threads "median ms" ratio "arena bytes" \
  "GMAC exec" "extra" "peak RSS KiB"
{
  printf '{\n  "network": "%s",\n  "input_size": "%s",\n  "rounds": %d,\n  "cpu": "%s",\n  "results": [\n' \
    "$(basename "$network")" "${input_size:-default}" "$rounds" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  for k in "${!variant_schedule[@]}"; do
    m=$(median "${times[$k]}")
    ratio=$(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.3f", a / b}')
    printf '%-34s %7s %12s %8s %14s %12s %7s%% %12s\n' "${variant_schedule[$k]}" \
      "${variant_threads[$k]}" "$m" "$ratio" "${arena[$k]}" "${macs[$k]}" "${extra[$k]}" \
      "${rss[$k]}" >&2
    sep=$([[ $k -lt $((${#variant_schedule[@]} - 1)) ]] && echo , || true)
    printf '    {"schedule": "%s", "threads": %s, "median_ms": %s, "ratio_to_first": %s, "arena_bytes": %s, "gmac_executed": %s, "extra_mac_percent": %s, "peak_rss_kib": %s, "times_ms": [%s]}%s\n' \
      "${variant_schedule[$k]}" "${variant_threads[$k]}" "$m" "$ratio" "${arena[$k]}" \
      "${macs[$k]}" "${extra[$k]}" "${rss[$k]:-null}" "$(sed 's/ $//; s/ /, /g' <<<"${times[$k]}")" "$sep"
  done
  printf '  ]\n}\n'
} 2>&1 >"$json" | cat
echo "wrote $json"
