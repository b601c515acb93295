#!/usr/bin/env bash
# Installs what the test suite needs beyond cargo: the JSON Schema Test Suite (from PyPI's
# jsonschema sdist) and pydantic for the round-trip test. Idempotent and quiet when done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/fetch-test-suite.sh
if [[ -f scripts/setup-python.sh ]]; then
  bash scripts/setup-python.sh
fi
if [[ -f scripts/start-postgres.sh ]]; then
  eval "$(bash scripts/start-postgres.sh)"
fi
