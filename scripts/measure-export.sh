#!/usr/bin/env bash
# Export throughput of the release binary, as the README's performance section reports
# it: NDJSON of the bundled example tables to a file, on 1 and 2 threads, best of RUNS.
#
#   bash scripts/measure-export.sh            # 1,000,000 rows, 3 runs
#   ROWS=10000000 RUNS=1 bash scripts/measure-export.sh customer
#
# Prints, per table and thread count: rows/s (wall clock), CPU seconds, peak RSS.
# Measure on an idle machine: a concurrent build halves the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
OUT=${OUT:-$(mktemp -d)}
TABLES=("$@")
[ ${#TABLES[@]} -gt 0 ] || TABLES=(customer order event)

cargo build --release --quiet
bin=target/release/synthtune

printf '%-10s %7s %12s %9s %9s\n' table threads rows/s cpu_s rss_mb
for table in "${TABLES[@]}"; do
    for threads in 1 2; do
        best_wall=""
        for _ in $(seq "$RUNS"); do
            rm -f "$OUT/$table.ndjson"
            # Let the previous run's dirty pages reach the disk first, so that their
            # writeback does not compete with this run.
            sync
            # %e wall seconds, %U+%S CPU seconds, %M peak RSS in KiB.
            stats=$(/usr/bin/time -f '%e %U %S %M' "$bin" export "schemas/$table.json" \
                -n "$ROWS" --threads "$threads" -o "$OUT/$table.ndjson" --quiet 2>&1 >/dev/null)
            read -r wall user sys rss <<<"$stats"
            if [ -z "$best_wall" ] || awk "BEGIN{exit !($wall < $best_wall)}"; then
                best_wall=$wall best_cpu=$(awk "BEGIN{print $user + $sys}") best_rss=$rss
            fi
        done
        printf '%-10s %7s %12.0f %9.2f %9.1f\n' "$table" "$threads" \
            "$(awk "BEGIN{print $ROWS / $best_wall}")" "$best_cpu" \
            "$(awk "BEGIN{print $best_rss / 1024}")"
    done
    rm -f "$OUT/$table.ndjson"
done
