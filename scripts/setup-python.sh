#!/usr/bin/env bash
# Installs what the pydantic round-trip test (tests/pydantic_roundtrip.rs) needs:
# pydantic 2.14.4 (the release whose JSON Schema the tests pin: `Decimal` is
# `anyOf: [number, bare string]`), email-validator (for EmailStr) and jsonschema (the
# second validator, which tests multipleOf by float division, with the `format-nongpl`
# extras it needs to assert every format: scripts/validate.py). Idempotent and fast: pip
# is only called when an import fails or the installed pydantic is another version.
set -euo pipefail
python=${PYTHON:-python3}
pydantic_version=2.14.4
if PYDANTIC_WANTED=$pydantic_version "$python" - <<'PY' 2>/dev/null; then
import os
import sys
import email_validator  # noqa: F401
import jsonschema  # noqa: F401
# The format checkers jsonschema's `format-nongpl` extra brings.
import fqdn, isoduration, rfc3339_validator, rfc3986_validator, rfc3987_syntax, uri_template, webcolors  # noqa: F401,E401
import pydantic
sys.exit(0 if pydantic.VERSION == os.environ["PYDANTIC_WANTED"] else 1)
PY
  exit 0
fi
"$python" -m pip install --quiet "pydantic==$pydantic_version" email-validator 'jsonschema[format-nongpl]==4.26.0'
"$python" -c 'import pydantic, email_validator, jsonschema; print("pydantic", pydantic.VERSION, "with email-validator and jsonschema ready")'
