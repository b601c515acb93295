#!/usr/bin/env bash
# Fetches the real-world corpus: the SchemaStore (and other public) schemas vendored by
# PyPI's `check-jsonschema` 0.39.0 source distribution, into .cache/schemastore/
# (tests/real_world.rs). Idempotent: does nothing when the copy is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/schemastore
if [[ -f $dest/.complete ]]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: check-jsonschema==0.39.0 -d "$tmp"
vendor=check_jsonschema-0.39.0/src/check_jsonschema/builtin_schemas/vendor
tar xzf "$tmp"/check_jsonschema-0.39.0.tar.gz -C "$tmp" "$vendor"
rm -rf "$dest"
mkdir -p "$dest"
cp "$tmp/$vendor"/*.json "$dest"/
cp -r "$tmp/$vendor"/licenses "$dest"/
touch "$dest/.complete"
echo "real-world corpus ready in $dest ($(ls "$dest"/*.json | wc -l) schemas)"
