#!/usr/bin/env bash
# Instructions per collected object, the model's collector beside python3's, counted by
# valgrind's callgrind (no hardware counters needed). For each case the collection is run at
# two sizes and the difference divided by the difference in objects, so start-up and fixed
# costs cancel. The model's side is the `gc` bench (one warm-up and one timed round: two
# collections); python3's side is the same case's script (`PYHEAP_BENCH_SCRIPT=1`), with
# only `gc_collect_main` counted. Prints a markdown table, one row per case, after a line
# saying when, where and with which python3 it was counted.
#
# usage: bash benches/count-instructions.sh [case ...]   (default: the gc_full cases)
# The book includes a complete run: bash benches/count-instructions.sh > book/src/speed-instructions.md
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(pairs_slots pairs_dict ring ring_shuffled reachable_chain reachable_lists weak_pairs)
small=100000
large=300000
cargo bench --bench gc --no-run 2>/dev/null
bench=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/deps/gc-* | grep -v '\.d$' | head -1)
python=$(python3 -c 'import sys; print(sys.executable)')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Total instructions inside the toggled function, from a callgrind output file.
counted() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}'; }

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
echo "Counted $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
  "$(nproc)-core ${cpu:-unknown CPU}, python3 $("$python" -c 'import platform; print(platform.python_version())')," \
  "N = $small and $large."
echo
echo "| case | model (instructions per object) | python3 | model / python3 |"
echo "|---|---:|---:|---:|"
for c in "${cases[@]}"; do
  declare -A m p
  for n in $small $large; do
    PYHEAP_BENCH_N=$n PYHEAP_BENCH_ROUNDS=1 valgrind --tool=callgrind \
      --callgrind-out-file="$work/model.$n" --toggle-collect='*gc_collect_main*' \
      "$bench" --bench --exact "gc_full/$c" >/dev/null 2>&1
    m[$n]=$(counted "$work/model.$n")
    PYHEAP_BENCH_SCRIPT=1 PYHEAP_BENCH_N=$n "$bench" --bench --exact "gc_full/$c" > "$work/case.py"
    valgrind --tool=callgrind --callgrind-out-file="$work/python.$n" \
      --toggle-collect='gc_collect_main' "$python" "$work/case.py" >/dev/null 2>&1
    p[$n]=$(counted "$work/python.$n")
  done
  awk -v c="$c" -v m1="${m[$small]}" -v m2="${m[$large]}" -v p1="${p[$small]}" -v p2="${p[$large]}" \
      -v d="$((large - small))" 'BEGIN {
        mo = (m2 - m1) / (2 * d); po = (p2 - p1) / d;
        printf "| `%s` | %.0f | %.0f | %.2f |\n", c, mo, po, mo / po }'
done
