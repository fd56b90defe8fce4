#!/usr/bin/env python3
"""Turns divan's output of the fleet benchmarks into the figures section of
BENCHMARKS.md. Usage: report.py <dir with round-*.txt and machine.txt> <BENCHMARKS.md>
(run by benches/report.sh)."""

import glob
import re
import statistics
import sys

TIME = {"ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
BYTES = {"B": 1.0, "KB": 1e3, "MB": 1e6, "GB": 1e9}
RATE = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9}
NODE = re.compile(r"^([│ ]*)([├╰])─ (\S+)(.*)$")


def value(cell):
    """A divan cell as a number: ns, bytes, items/s or bytes/s."""
    cell = cell.strip()
    m = re.fullmatch(r"([\d.]+) (ns|µs|us|ms|s)", cell)
    if m:
        return float(m.group(1)) * TIME[m.group(2)]
    m = re.fullmatch(r"([\d.]+) ([KMG]?)item/s", cell)
    if m:
        return float(m.group(1)) * RATE[m.group(2)]
    m = re.fullmatch(r"([\d.]+) ([KMG]?B)/s", cell)
    if m:
        return float(m.group(1)) * BYTES[m.group(2)]
    m = re.fullmatch(r"([\d.]+) ([KMG]?B)", cell)
    if m:
        return float(m.group(1)) * BYTES[m.group(2)]
    return float(cell)


def parse(path):
    """{"group/leaf": {"time": [fastest, slowest, median, mean], key: [...]}}"""
    results, stack, cur, key = {}, [], None, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = NODE.match(line)
        if m:
            depth = len(m.group(1)) // 3
            stack = stack[:depth] + [m.group(3)]
            cells = m.group(4).split("│")
            if len(cells) >= 4 and cells[0].strip():
                cur = results.setdefault("/".join(stack), {})
                cur["time"] = [value(c) for c in cells[:4]]
                key = "throughput"
            else:
                cur = None
            continue
        if cur is None or "│" not in line:
            continue
        cells = line.split("│")
        # The first cell carries the tree's vertical bars; the numbers are
        # in the cells after the leading bars.
        while cells and not cells[0].strip():
            cells = cells[1:]
        if not cells:
            continue
        first = cells[0].strip()
        if first.endswith(":"):
            key = first[:-1]
            continue
        nums = [value(c) for c in cells[:4] if c.strip()]
        if key == "throughput":
            cur["throughput"] = nums
            key = None
        elif key:
            slot = "count" if key + ".count" not in cur else "bytes"
            cur[f"{key}.{slot}"] = nums
    return results


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def fmt_bytes(b):
    for unit, scale in (("MB", 1e6), ("KB", 1e3)):
        if b >= scale:
            return f"{b / scale:.3g} {unit}"
    return f"{b:.0f} B"


def main():
    folder, md = sys.argv[1], sys.argv[2]
    machine = dict(
        line.rstrip("\n").split("=", 1) for line in open(f"{folder}/machine.txt", encoding="utf-8")
    )
    rounds = [parse(p) for p in sorted(glob.glob(f"{folder}/round-*.txt"))]
    rounds = [r for r in rounds if r]
    if not rounds:
        sys.exit("no benchmark results found")
    names = list(rounds[0])

    def med(name, key="time", col=2):
        vals = [r[name][key][col] for r in rounds if name in r and key in r[name]]
        return statistics.median(vals) if vals else float("nan")

    def ratio(a, b, key="time", col=2):
        vals = [r[a][key][col] / r[b][key][col] for r in rounds if a in r and b in r]
        return statistics.median(vals) if vals else float("nan")

    def items(name):
        m = re.search(r"/(\d+)$", name)
        if m:
            return int(m.group(1))
        return 1000 if name.startswith("check_host/") else 1

    lines = [
        f"Measured {machine['date']} at commit `{machine['commit']}`, "
        f"{len(rounds)} round(s) of `cargo bench --bench fleet --features key-pairing`.",
        "",
        "| machine | |",
        "|---|---|",
        f"| CPU | {machine['cpu']} ({machine['nproc']} cores as `nproc` sees them) |",
        f"| memory | {machine['mem']} |",
        f"| rustc | `{machine['rustc']}` |",
        f"| load average (1, 5, 15 min) before / after | {machine['load_before']} / {machine['load_after']} |",
        "",
        "| benchmark | median | fastest | per item (median) | allocations / iteration | bytes allocated / iteration | peak live bytes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for n in names:
        per = med(n) / items(n)
        alloc_c = med(n, "alloc.count", 2)
        alloc_b = med(n, "alloc.bytes", 2)
        peak = med(n, "max alloc.bytes", 2)
        thr = ""
        if n.startswith("netsh_parse"):
            thr = f" ({med(n, 'throughput', 2) / 1e6:.0f} MB/s)"
        lines.append(
            f"| `{n}` | {fmt_time(med(n))}{thr} | {fmt_time(med(n, col=0))} | {fmt_time(per)} "
            f"| {alloc_c:,.0f} | {fmt_bytes(alloc_b)} | {fmt_bytes(peak)} |"
        )

    def verdict(ok):
        return "**met**" if ok else "**missed**"

    lines += ["", "| target | measured | target | |", "|---|---:|---:|---|"]
    for n in (1, 100, 10000):
        r = ratio(f"select/{n}", f"floor_parse_hash/{n}")
        r0 = ratio(f"select/{n}", f"floor_parse_hash/{n}", col=0)
        per_round = [
            rr[f"select/{n}"]["time"][2] / rr[f"floor_parse_hash/{n}"]["time"][2]
            for rr in rounds
            if f"select/{n}" in rr and f"floor_parse_hash/{n}" in rr
        ]
        spread = f"; rounds: {min(per_round):.2f}–{max(per_round):.2f}×" if per_round else ""
        tgt = "≤ 1.0×" if n == 10000 else "(information)"
        ok = verdict(r <= 1.0) if n == 10000 else ""
        lines.append(
            f"| `select/{n}` ÷ `floor_parse_hash/{n}` (medians; fastest: {r0:.2f}×{spread}) | {r:.2f}× | {tgt} | {ok} |"
        )
    for n in (100, 10000):
        a = f"select_all_host_verdicts/{n}"
        if any(a in rr for rr in rounds):
            r = ratio(a, f"floor_parse_hash/{n}")
            lines.append(
                f"| `{a}` ÷ `floor_parse_hash/{n}` (every candidate's host verdicts read) | {r:.2f}× | (information) |  |"
            )
    r = ratio("check_host/sstp_cert", "check_host/webpki")
    lines.append(
        f"| `check_host/sstp_cert` ÷ `check_host/webpki` | {r:.2f}× | ≤ 1.0× | {verdict(r <= 1.0)} |"
    )
    mbs = med("netsh_parse/10000", "throughput", 2) / 1e6
    lines.append(f"| `netsh_parse/10000` throughput | {mbs:.0f} MB/s | ≥ 100 MB/s | {verdict(mbs >= 100)} |")
    per_entry = {}
    for n in (100, 10000):
        extra_c = (med(f"select/{n}", "alloc.count") - med(f"floor_parse_hash/{n}", "alloc.count")) / n
        extra_b = (med(f"select/{n}", "alloc.bytes") - med(f"floor_parse_hash/{n}", "alloc.bytes")) / n
        peak = med(f"select/{n}", "max alloc.bytes") / n
        per_entry[n] = (extra_c, extra_b, peak)
    c1, b1, p1 = per_entry[10000]
    c0, b0, p0 = per_entry[100]

    # Constant per entry: what each further entry adds (the growth from N=1
    # to 100 and from 100 to 10,000, per entry added) is the same within
    # 10 %. (A plain per-entry average would count the fixed part of a
    # selection, amortised over 100 entries, as growth.)
    def growth(key, a, b):
        return (med(f"select/{b}", key) - med(f"select/{a}", key)) / (b - a)

    g_peak = (growth("max alloc.bytes", 1, 100), growth("max alloc.bytes", 100, 10000))
    g_count = (growth("alloc.count", 1, 100), growth("alloc.count", 100, 10000))
    constant = all(abs(late - early) <= 0.1 * early for early, late in (g_peak, g_count))
    lines.append(
        f"| `select` memory per entry added, beyond the DER it holds: peak live (allocations) | "
        f"N=1→100: {g_peak[0]:,.0f} B ({g_count[0]:.1f}); N=100→10,000: {g_peak[1]:,.0f} B ({g_count[1]:.1f}) "
        f"| constant per entry (within 10 %) | {verdict(constant)} |"
    )
    lines.append(
        f"| `select/10000` allocations per entry beyond the floor's | {c1:.1f} allocations, {b1:,.0f} B (N=100: {c0:.1f}, {b0:,.0f} B) | (information) | the report itself, kept until it is dropped |"
    )

    text = open(md, encoding="utf-8").read()
    begin, end = "<!-- figures:begin -->", "<!-- figures:end -->"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(md, "w", encoding="utf-8").write(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
