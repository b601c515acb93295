#!/usr/bin/env bash
# Fetches the JSON Schema Test Suite (all drafts, with its remotes), as shipped inside PyPI's source
# distribution of `jsonschema` 4.26.0, into .cache/json-schema-test-suite/.
# Idempotent: does nothing when the copy is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/json-schema-test-suite
if [[ -f $dest/.complete ]]; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: jsonschema==4.26.0 -d "$tmp"
tar xzf "$tmp"/jsonschema-4.26.0.tar.gz -C "$tmp" jsonschema-4.26.0/json/tests jsonschema-4.26.0/json/remotes
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$tmp"/jsonschema-4.26.0/json/tests "$tmp"/jsonschema-4.26.0/json/remotes "$dest"/
touch "$dest/.complete"
echo "JSON Schema Test Suite ready in $dest"
