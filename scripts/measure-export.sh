#!/usr/bin/env bash
# Export throughput of the release binary, as the README's performance section reports
# it: NDJSON (or FORMAT) of the bundled example tables to a file, on 1 and 2 threads.
#
#   bash scripts/measure-export.sh            # 1,000,000 rows, 5 rounds
#   ROWS=10000000 RUNS=1 bash scripts/measure-export.sh customer
#   TO=/dev/null bash scripts/measure-export.sh   # generation alone, no file
#   FORMAT=parquet ROWS=300000 bash scripts/measure-export.sh
#
# Each round runs 1 thread, then 2 threads, back to back, so that both see the same
# machine: this VM's speed drifts by tens of percent over minutes, which would bias a
# ratio of figures taken minutes apart. Prints, per table and thread count: the best and
# the median rows/s (wall clock), the CPU seconds and peak RSS of the best run; then the
# speed-up of 2 threads over 1 as the median of the per-round ratios, and its range.
# Measure on an idle machine: a concurrent build halves the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
FORMAT=${FORMAT:-ndjson}
RUNS=${RUNS:-5}
OUT=${OUT:-$(mktemp -d)}
TABLES=("$@")
[ ${#TABLES[@]} -gt 0 ] || TABLES=(customer order event)

cargo build --release --quiet
bin=target/release/synthtune

# One run: prints "wall cpu rss_kib".
run() {
    local table=$1 threads=$2
    local target=${TO:-$OUT/$table.$FORMAT}
    [ -n "${TO:-}" ] || rm -f "$target"
    # Let the previous run's dirty pages reach the disk first, so that their writeback
    # does not compete with this run.
    sync
    /usr/bin/time -f '%e %U %S %M' "$bin" export "schemas/$table.json" -n "$ROWS" \
        --threads "$threads" --format "$FORMAT" -o "$target" --quiet 2>&1 >/dev/null |
        awk '{print $1, $2 + $3, $4}'
}

printf '%-10s %7s %12s %12s %9s %9s\n' table threads best_rows/s median_rows/s cpu_s rss_mb
for table in "${TABLES[@]}"; do
    runs1=() runs2=()
    for _ in $(seq "$RUNS"); do
        runs1+=("$(run "$table" 1)")
        runs2+=("$(run "$table" 2)")
    done
    for threads in 1 2; do
        if [ "$threads" = 1 ]; then runs=("${runs1[@]}"); else runs=("${runs2[@]}"); fi
        printf '%s\n' "${runs[@]}" | sort -n | awk -v rows="$ROWS" -v table="$table" \
            -v threads="$threads" '
            { wall[NR] = $1; cpu[NR] = $2; rss[NR] = $3 }
            END {
                median = (NR % 2) ? wall[(NR + 1) / 2] : (wall[NR / 2] + wall[NR / 2 + 1]) / 2
                printf "%-10s %7s %12.0f %12.0f %9.2f %9.1f\n", table, threads,
                    rows / wall[1], rows / median, cpu[1], rss[1] / 1024
            }'
    done
    # Speed-up per round: wall(1 thread) / wall(2 threads) of the same round.
    for i in "${!runs1[@]}"; do
        awk -v a="${runs1[$i]%% *}" -v b="${runs2[$i]%% *}" 'BEGIN { print a / b }'
    done | sort -n | awk -v table="$table" '
        { r[NR] = $1 }
        END {
            median = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
            printf "%-10s 2 threads / 1: median %.2fx (rounds %.2f to %.2f)\n",
                table, median, r[1], r[NR]
        }'
    rm -f "$OUT/$table.$FORMAT"
done
