#!/usr/bin/env bash
# Compile time, peak memory and time per record for every schema of the real-world
# corpus (.cache/schemastore, scripts/fetch-schemastore.sh), on a release build:
#   check:  `synthtune check FILE` (load + compile + report), wall seconds and peak RSS;
#   export: `synthtune export FILE -n 20 -o /dev/null`, wall seconds, and the milliseconds
#           per record once compilation (the `check` time) is taken off.
# Each figure is the best of RUNS (default 3) runs, to damp this VM's drift.
# Usage: bash scripts/measure-corpus.sh [NAME-FILTER]   (BIN=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/fetch-schemastore.sh
if [[ -z ${BIN:-} ]]; then
  cargo build --release --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/synthtune
fi
RUNS=${RUNS:-3}
LIMIT=${LIMIT:-60}
filter=${1:-}
best() { sort -g | head -1; }
printf '%-28s %9s %9s %9s %10s  %s\n' schema check_s rss_MB export_s ms/record status
for f in .cache/schemastore/*.json; do
  name=$(basename "$f")
  [[ -n $filter && $name != *$filter* ]] && continue
  checks=() rss=() exports=() status=ok
  for _ in $(seq "$RUNS"); do
    timing=$(mktemp)
    /usr/bin/time -o "$timing" -f '%e %M' timeout "$LIMIT" "$BIN" check "$f" >/dev/null 2>&1 || status="check exit $?"
    out=$(tail -1 "$timing")
    rm -f "$timing"
    checks+=("${out% *}") rss+=("${out#* }")
    t0=$(date +%s.%N)
    timeout "$LIMIT" "$BIN" export "$f" -n 20 -o /dev/null --quiet --force 2>/dev/null || status="export exit $?"
    t1=$(date +%s.%N)
    exports+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  done
  c=$(printf '%s\n' "${checks[@]}" | best)
  r=$(printf '%s\n' "${rss[@]}" | best)
  e=$(printf '%s\n' "${exports[@]}" | best)
  per=$(awk -v e="$e" -v c="$c" 'BEGIN { p = (e - c) * 1000 / 20; print (p < 0 ? 0 : p) }')
  printf '%-28s %9.2f %9.1f %9.2f %10.2f  %s\n' "$name" "$c" "$(awk -v r="$r" 'BEGIN { print r / 1024 }')" "$e" "$per" "$status"
done
