#!/usr/bin/env bash
# Foreign keys at scale, on the release binary: CHILDREN orders (default 10,000,000) of
# PARENTS customers (default 1,000,000), order.json's customer_id referencing
# Customer.customer_id with its zipf fan-out. Prints wall time and peak RSS for 1 and 2
# threads and for two shards, and checks that all of them give the same bytes.
#
#   bash scripts/measure-foreign-keys.sh
#   CHILDREN=1000000 PARENTS=100000 bash scripts/measure-foreign-keys.sh
#
# Needs about 2 × 3.6 GB of free disk at the default size (in $TMPDIR).
set -euo pipefail
cd "$(dirname "$0")/.."
CHILDREN=${CHILDREN:-10000000}
PARENTS=${PARENTS:-1000000}
cargo build --release --quiet
bin=target/release/synthtune
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rows=(--rows "Customer=$PARENTS" --rows "Order=$CHILDREN")
for threads in 1 2; do
    /usr/bin/time -f "$threads thread(s): %e s wall, %M KB peak RSS" \
        "$bin" export schemas/order.json schemas/customer.json --only Order "${rows[@]}" \
        --threads "$threads" -o "$out/t$threads.ndjson" --quiet
done
whole=$(md5sum <"$out/t1.ndjson")
[[ $(md5sum <"$out/t2.ndjson") == "$whole" ]] || { echo "1 and 2 threads differ"; exit 1; }
rm "$out/t2.ndjson"
for k in 1 2; do
    /usr/bin/time -f "shard $k/2 (both tables): %e s wall, %M KB peak RSS" \
        "$bin" export schemas/order.json schemas/customer.json "${rows[@]}" \
        --shard "$k/2" -o "$out/s$k/" --quiet
done
[[ $(cat "$out/s1/Order.1-of-2.ndjson" "$out/s2/Order.2-of-2.ndjson" | md5sum) == "$whole" ]] ||
    { echo "the shards do not concatenate to the whole"; exit 1; }
echo "same bytes for 1 and 2 threads and across 2 shards"
