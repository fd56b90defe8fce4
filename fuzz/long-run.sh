#!/usr/bin/env bash
# Long fuzzing runs: every target, one at a time, at the lowest priority,
# each until it reaches LONG_RUNS executions or LONG_SECONDS seconds,
# whichever comes first; prints one Markdown table row per target (the
# format of the "Long-run results" table in fuzz/README.md). Exits non-zero
# if any target crashed; its input is kept in the scratch directory.
#
#   bash fuzz/long-run.sh                       # all targets, -s none
#   LONG_SECONDS=600 bash fuzz/long-run.sh certificate registry
#
# Environment:
#   LONG_RUNS      executions per target (default 10000000)
#   LONG_SECONDS   time cap per target (default 3600)
#   SANITIZER      none (default: about 5x the executions of ASan; the
#                  crate has no unsafe code outside its Windows modules,
#                  which are not built here) or address (nightly)
#   SCRATCH        where corpora, logs and crash inputs go
#                  (default /tmp/sstp-cert-fuzz-long)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

runs="${LONG_RUNS:-10000000}"
seconds="${LONG_SECONDS:-3600}"
sanitizer="${SANITIZER:-none}"
scratch="${SCRATCH:-/tmp/sstp-cert-fuzz-long}"
# shellcheck source=../fuzz/targets.sh
source fuzz/targets.sh
targets="${*:-$FUZZ_ALL_TARGETS}"

toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
elif [ "$sanitizer" != none ]; then
  echo "SANITIZER=$sanitizer needs a nightly toolchain" >&2
  exit 2
fi

mkdir -p "$scratch"
target_dir="$scratch/target-$sanitizer"
echo "building ($sanitizer) into $target_dir" >&2
cargo "${toolchain[@]}" fuzz build -s "$sanitizer" --target-dir "$target_dir" \
  --features "$FUZZ_FEATURES" >&2
bin="$target_dir/x86_64-unknown-linux-gnu/release"

echo "| target | executions | seconds | result |"
echo "|---|---:|---:|---|"
failed=()
for t in $targets; do
  work="$scratch/$t"
  mkdir -p "$work/corpus"
  args=(-runs="$runs" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
    -malloc_limit_mb=512 -print_final_stats=1 -artifact_prefix="$work/")
  dict="$(dict_for "$t")"
  if [ -n "$dict" ]; then args+=(-dict="$root/$dict"); fi
  t0=$(date +%s)
  if nice -n 19 "$bin/$t" "${args[@]}" "$work/corpus" "$root/fuzz/corpus/$t" >"$work/log" 2>&1; then
    result="no crash"
  else
    result="CRASH (see $work)"
    failed+=("$t")
  fi
  executed=$(grep -a 'stat::number_of_executed_units' "$work/log" | tail -1 | awk '{print $2}')
  printf '| `%s` | %s | %s | %s |\n' "$t" "${executed:-?}" "$(($(date +%s) - t0))" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashed: ${failed[*]}" >&2
  exit 1
fi
