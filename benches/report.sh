#!/usr/bin/env bash
# Runs the fleet benchmarks and regenerates the figures in BENCHMARKS.md
# (the part between the `figures:begin` and `figures:end` markers).
#
#   bash benches/report.sh            # 3 rounds (default)
#   ROUNDS=1 bash benches/report.sh   # quicker, noisier
#
# Each round is one `cargo bench --bench fleet --features key-pairing` run; the table shows, for
# each benchmark, the median over the rounds of divan's median, and each
# ratio is the median over the rounds of the ratio measured within one run
# (so that load that comes and goes on a shared machine cancels out as far
# as it can). Raw divan output: target/bench-report/round-N.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-3}"
out=target/bench-report
mkdir -p "$out"
rm -f "$out"/round-*.txt

{
  echo "load_before=$(uptime | sed 's/.*load average: //')"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "mem=$(free -h | awk '/^Mem:/ {print $2}')"
  echo "rustc=$(rustc --version)"
  echo "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src benches Cargo.toml || echo '+changes')"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out/machine.txt"

cargo bench --bench fleet --features key-pairing --no-run 2>&1 | tail -1
for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds" >&2
  cargo bench --bench fleet --features key-pairing > "$out/round-$r.txt" 2>&1
done
echo "load_after=$(uptime | sed 's/.*load average: //')" >> "$out/machine.txt"

python3 benches/report.py "$out" BENCHMARKS.md
