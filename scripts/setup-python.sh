#!/usr/bin/env bash
# Installs what the pydantic round-trip test (tests/pydantic_roundtrip.rs) needs:
# pydantic 2.14.4 (the release whose JSON Schema the tests pin: `Decimal` is
# `anyOf: [number, bare string]`), email-validator (for EmailStr) and jsonschema (the
# second validator, which tests multipleOf by float division). Idempotent and fast: pip
# is only called when an import fails or the installed pydantic is another version.
set -euo pipefail
python=${PYTHON:-python3}
pydantic_version=2.14.4
if PYDANTIC_WANTED=$pydantic_version "$python" - <<'PY' 2>/dev/null; then
import os
import sys
import email_validator  # noqa: F401
import jsonschema  # noqa: F401
import pydantic
sys.exit(0 if pydantic.VERSION == os.environ["PYDANTIC_WANTED"] else 1)
PY
  exit 0
fi
"$python" -m pip install --quiet "pydantic==$pydantic_version" email-validator jsonschema
"$python" -c 'import pydantic, email_validator, jsonschema; print("pydantic", pydantic.VERSION, "with email-validator and jsonschema ready")'
