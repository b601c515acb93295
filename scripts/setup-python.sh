#!/usr/bin/env bash
# Installs what the pydantic round-trip test (tests/pydantic_roundtrip.rs) needs:
# pydantic v2 and email-validator (for EmailStr). Idempotent and fast when they are
# already there: pip is only called when an import fails or pydantic is not v2.7+.
set -euo pipefail
python=${PYTHON:-python3}
if "$python" - <<'PY' 2>/dev/null; then
import sys
import email_validator  # noqa: F401
import pydantic
major, minor = (int(part) for part in pydantic.VERSION.split(".")[:2])
sys.exit(0 if (major, minor) >= (2, 7) and major < 3 else 1)
PY
  exit 0
fi
"$python" -m pip install --quiet 'pydantic>=2.7,<3' email-validator
"$python" -c 'import pydantic, email_validator; print("pydantic", pydantic.VERSION, "and email-validator ready")'
