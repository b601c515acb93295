#!/usr/bin/env bash
# Export throughput of the release binary, as the README's performance section reports
# it: NDJSON (or FORMAT) of the bundled example tables to a file, on 1 and 2 threads.
#
#   bash scripts/measure-export.sh            # 1,000,000 rows, 5 rounds
#   ROWS=10000000 RUNS=1 bash scripts/measure-export.sh customer
#   TO=/dev/null bash scripts/measure-export.sh   # generation alone, no file
#   FORMAT=parquet ROWS=300000 bash scripts/measure-export.sh
#
# Each round runs 1 thread, then 2 threads, then two independent 1-thread exports at
# once, back to back, so that all three see the same machine: this VM's speed drifts by
# tens of percent over minutes, which would bias a ratio of figures taken minutes apart.
# Prints, per table and thread count: the best and the median rows/s (wall clock), the
# CPU seconds and peak RSS of the best run; then, as medians of the per-round ratios
# with their range:
# - the speed-up of 2 threads over 1;
# - the machine's ceiling: the same over 1 thread for the two independent processes
#   (twice the rows in the time the slower of them took). Nothing is shared between
#   them, so no 2-thread export can beat it by more than the rounds' noise;
# - the export's share of that ceiling (speed-up / ceiling, per round).
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

# The tables a table's foreign keys reference, read for their keys (only the table
# itself is written): order.json references Customer.
parents() {
    case $1 in
    order) echo "schemas/customer.json --only Order" ;;
    esac
}

# One run: prints "wall cpu rss_kib". A third argument names its own output file.
run() {
    local table=$1 threads=$2
    local target=${TO:-$OUT/$table${3:-}.$FORMAT}
    [ -n "${TO:-}" ] || rm -f "$target"
    /usr/bin/time -f '%e %U %S %M' "$bin" export "schemas/$table.json" $(parents "$table") -n "$ROWS" \
        --threads "$threads" --format "$FORMAT" -o "$target" --quiet 2>&1 >/dev/null |
        awk '{print $1, $2 + $3, $4}'
}

# Let the previous run's dirty pages reach the disk first, so that their writeback does
# not compete with the next run.
settle() { sync; }

# Two 1-thread exports at once: prints the wall time of the slower.
pair() {
    local table=$1 a b
    settle
    a=$(mktemp) b=$(mktemp)
    run "$table" 1 .a >"$a" &
    run "$table" 1 .b >"$b" &
    wait
    awk '{ if ($1 > slowest) slowest = $1 } END { print slowest }' "$a" "$b"
    rm -f "$a" "$b" "$OUT/$table.a.$FORMAT" "$OUT/$table.b.$FORMAT"
}

# Median and range of the numbers on stdin, one a line: prints "median min max".
median() {
    sort -n | awk '{ r[NR] = $1 } END {
        m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
        printf "%.2f %.2f %.2f\n", m, r[1], r[NR] }'
}

printf '%-10s %7s %12s %12s %9s %9s\n' table threads best_rows/s median_rows/s cpu_s rss_mb
for table in "${TABLES[@]}"; do
    runs1=() runs2=() pairs=()
    for _ in $(seq "$RUNS"); do
        settle
        runs1+=("$(run "$table" 1)")
        settle
        runs2+=("$(run "$table" 2)")
        pairs+=("$(pair "$table")")
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
    # Per round, from the same minute: wall(1 thread) / wall(2 threads); the ceiling,
    # 2 * wall(1 thread) / wall(slower of the pair); and the first over the second.
    speedup=() ceiling=() share=()
    for i in "${!runs1[@]}"; do
        one=${runs1[$i]%% *} two=${runs2[$i]%% *} both=${pairs[$i]}
        speedup+=("$(awk -v a="$one" -v b="$two" 'BEGIN { print a / b }')")
        ceiling+=("$(awk -v a="$one" -v p="$both" 'BEGIN { print 2 * a / p }')")
        share+=("$(awk -v a="$one" -v b="$two" -v p="$both" 'BEGIN { print (a / b) / (2 * a / p) }')")
    done
    read -r m lo hi < <(printf '%s\n' "${speedup[@]}" | median)
    printf '%-10s 2 threads / 1: median %.2fx (rounds %.2f to %.2f)\n' "$table" "$m" "$lo" "$hi"
    read -r m lo hi < <(printf '%s\n' "${ceiling[@]}" | median)
    printf '%-10s machine ceiling (two 1-thread exports at once): median %.2fx (rounds %.2f to %.2f)\n' \
        "$table" "$m" "$lo" "$hi"
    read -r m lo hi < <(printf '%s\n' "${share[@]}" | median)
    printf '%-10s speed-up / ceiling: median %.2f (rounds %.2f to %.2f)\n' "$table" "$m" "$lo" "$hi"
    rm -f "$OUT/$table.$FORMAT"
done
