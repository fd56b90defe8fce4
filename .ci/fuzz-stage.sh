#!/usr/bin/env bash
# Fuzz stage: builds every cargo-fuzz target of fuzz/ and runs each one for
# a bounded time, starting from its committed seed corpus and dictionary;
# fails if any target crashes, leaks past the memory limit or hangs.
#
# Time budget on the CI machine (2 cores), measured cold on 2026-12-04
# with 11 targets x 30 s; since then the two network-path targets
# (sstp_request, sstp_request_reader; feature `listener`, which adds tokio
# and rustls to the build) run too, at 25 s each for every target, so the
# fuzzing time stays where it was:
#   install cargo-fuzz (debug build; skipped when present)  ~ 0.5 min
#   build the 13 targets (nightly + ASan, 16 codegen units)  ~ 2 min (estimated)
#   run 13 targets x FUZZ_SECONDS (25 s)                     ~ 5.5 min (325 s + start-up)
#   total                                                    ~ 8 min
#
# Toolchain: nightly when rustup has it (AddressSanitizer), else the
# default (stable) toolchain with `-s none` (no sanitizer; panics, timeouts
# and the memory limit still fail the stage).
#
# Environment: FUZZ_SECONDS (default 25) per target; FUZZ_TARGETS (default
# all) to build and run a subset; FUZZ_TOOLCHAIN=stable to use the stable
# toolchain even when nightly is there.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-25}"
# shellcheck source=../fuzz/targets.sh
source fuzz/targets.sh
targets="${FUZZ_TARGETS:-$FUZZ_ALL_TARGETS}"

if cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz: $(cargo fuzz --version) (already installed)"
else
  # A debug build: cargo-fuzz only drives cargo, and compiles in a
  # fraction of the release build's time.
  echo "cargo-fuzz: installing"
  cargo install cargo-fuzz --locked --debug
fi

if [ "${FUZZ_TOOLCHAIN:-}" != stable ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
  sanitizer=()
  echo "toolchain: nightly ($(rustc +nightly --version)), AddressSanitizer"
else
  toolchain=()
  sanitizer=(-s none)
  echo "toolchain: $(rustc --version), no sanitizer (-s none)"
fi

# The committed corpus must be what its generator writes.
generated="$(mktemp -d)"
work="$(mktemp -d)"
trap 'rm -rf "$generated" "$work"' EXIT
cargo run --quiet --example fuzz_corpus -- "$generated/corpus" >/dev/null
if ! diff -r "$generated/corpus" fuzz/corpus >/dev/null; then
  echo "fuzz/corpus differs from what 'cargo run --example fuzz_corpus' writes:" >&2
  diff -rq "$generated/corpus" fuzz/corpus >&2 || true
  exit 1
fi

start=$(date +%s)
# More codegen units than cargo-fuzz's release default: a faster build for
# a run this short.
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}"
features=(--features "$FUZZ_FEATURES")
if [ -n "${FUZZ_TARGETS:-}" ]; then
  for t in $targets; do cargo "${toolchain[@]}" fuzz build "${sanitizer[@]}" "${features[@]}" "$t"; done
else
  cargo "${toolchain[@]}" fuzz build "${sanitizer[@]}" "${features[@]}"
fi
echo "build: $(($(date +%s) - start)) s"

failed=()
total_runs=0
for t in $targets; do
  mkdir -p "$work/$t"
  dict="$(dict_for "$t")"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 -print_final_stats=1)
  if [ -n "$dict" ]; then args+=(-dict="$dict"); fi
  log="$work/$t.log"
  t0=$(date +%s)
  touch "$work/$t.stamp"
  # New inputs go to the scratch directory (the first corpus); the
  # committed corpus is only read.
  if cargo "${toolchain[@]}" fuzz run "${sanitizer[@]}" "${features[@]}" "$t" "$work/$t" "fuzz/corpus/$t" -- "${args[@]}" >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    failed+=("$t")
  fi
  runs=$(grep -a 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
  runs=${runs:-$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -1 | awk '{print $2}')}
  runs=${runs:-0}
  total_runs=$((total_runs + runs))
  printf 'fuzz: %-16s %10s executions in %3s s  %s\n' "$t" "$runs" "$(($(date +%s) - t0))" "$status"
  if [ "$status" = FAILED ]; then
    grep -a -m1 -A40 -E 'panicked|ERROR: (AddressSanitizer|libFuzzer)|SUMMARY' "$log" >&2 || tail -40 "$log" >&2
    for f in $(find fuzz/artifacts/"$t" -type f -newer "$work/$t.stamp" 2>/dev/null); do
      echo "artifact $f ($(wc -c <"$f") bytes), base64:" >&2
      base64 -w 76 "$f" | head -40 >&2
    done
  fi
done

echo "fuzz: $total_runs executions in total, $(($(date +%s) - start)) s including the build"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
  exit 1
fi
