#!/usr/bin/env bash
# Runs the hostile inputs of issue #13 through a release build, each under `timeout 20`
# and /usr/bin/time: exit status, wall seconds, peak RSS and the first line of stderr.
# The target: no panic, nothing past 10 s before the first record, nothing above 1 GB.
#
#   bash scripts/measure-hostile.sh [path/to/synthtune]   (default: target/release)
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/synthtune}
[ -x "$bin" ] || { echo "no binary at $bin: cargo build --release" >&2; exit 2; }
bin=$(realpath "$bin")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
python3 - <<'PY'
import json
def w(name, obj):
    with open(name, "w") as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))
prop = lambda p: {"type": "object", "properties": {"x": p}, "required": ["x"]}
w("min_length_1e8.json", prop({"type": "string", "minLength": 100000000}))
w("min_length_1e9.json", prop({"type": "string", "minLength": 1000000000}))
w("min_items_1e8.json", prop({"type": "array", "items": {"type": "integer"}, "minItems": 100000000}))
w("min_properties_1e8.json", {"type": "object", "minProperties": 100000000})
w("nested_min_items.json", {"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000, "items": {"type": "array", "minItems": 1000}}})
defs = {"l0": {"type": "string"}}
for i in range(1, 30):
    defs[f"l{i}"] = {"type": "object", "properties": {f"p{j}": {"$ref": f"#/$defs/l{i-1}"} for j in range(10)}}
w("billion_laughs.json", {"$defs": defs, "$ref": "#/$defs/l29"})
w("properties_10k.json", {"type": "object", "properties": {f"p{i}": {"type": "integer"} for i in range(10000)}})
w("properties_30k.json", {"type": "object", "properties": {f"p{i}": {"type": "integer"} for i in range(30000)}})
w("any_of_3000.json", {"anyOf": [{"type": "object", "properties": {f"k{i}": {"const": i}}, "required": [f"k{i}"]} for i in range(3000)]})
w("one_of_3000.json", {"oneOf": [{"type": "object", "properties": {f"k{i}": {"const": i}}, "required": [f"k{i}"], "additionalProperties": False} for i in range(3000)]})
w("ref_dev_zero.json", {"$ref": "/dev/zero"})
w("values_from_dev_zero.json", prop({"type": "string", "x-synth": {"values_from": "/dev/zero"}}))
defs = {f"d{i}": {"$ref": f"#/$defs/d{i+1}"} for i in range(5000)}
defs["d5000"] = {"type": "integer"}
w("ref_chain_5000.json", {"$defs": defs, "$ref": "#/$defs/d0"})
defs = {f"d{i}": {"type": "object", "properties": {"a": {"$ref": f"#/$defs/d{i+1}"}}, "required": ["a"]} for i in range(5000)}
defs["d5000"] = {"type": "integer"}
w("property_chain_5000.json", {"$defs": defs, "$ref": "#/$defs/d0"})
w("nesting_10000.json", '{"items":' * 10000 + "{}" + "}" * 10000)
w("regex_too_big.json", {"type": "string", "pattern": "^a{1000000}$"})
w("enum_million.json", {"enum": list(range(1000000))})
w("bad_locale.json", {"type": "string", "x-synth": {"domain": "name", "locale": "xx_YY"}})
with open("bom.json", "wb") as f:
    f.write(b'\xef\xbb\xbf{"type": "integer"}')
PY
printf '%-26s %-7s %4s %7s %8s  %s\n' schema command exit "wall s" "RSS MB" "stderr"
for schema in *.json; do
  for command in check "sample -n 1"; do
    set +e
    /usr/bin/time -f '%e %M' -o time.txt timeout 20 "$bin" $command "$schema" > /dev/null 2> err.txt
    status=$?
    set -e
    read -r wall rss < <(tail -1 time.txt)
    printf '%-26s %-7s %4s %7s %8s  %s\n' "$schema" "${command%% *}" "$status" "$wall" \
      "$((rss / 1024))" "$(head -c 110 err.txt | head -1)"
  done
done
# A reader that leaves early.
set +e
"$bin" check properties_10k.json 2> err.txt | head -1 > /dev/null
echo "check | head -1: stderr $(wc -c < err.txt) bytes"
