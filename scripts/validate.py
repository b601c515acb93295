#!/usr/bin/env python3
"""A second, independent validator: Python `jsonschema` checks synthtune's records.

Reads cases as JSON lines on stdin, one per schema:
    {"name": "...", "schema": {...}, "base": "/dir/of/the/schema/file" | null,
     "instances": [...]}
and writes one JSON line per case to stdout:
    {"name": "...", "checked": N, "invalid": [{"index", "path", "message"}, ...],
     "invalid_count": K, "error": null | "why the schema could not be checked"}

Formats are asserted (`FORMAT_CHECKER`, with the `format-nongpl` extras installed by
scripts/setup-python.sh) and `multipleOf` is tested the way this library does it, by
float division: that is the point of a second validator. References to files beside the
schema resolve through `base`; the bundled metaschemas resolve as usual; anything else
(a remote URL) makes the case an `error`, reported, never a silent pass.
"""

import json
import os
import sys
from urllib.parse import unquote, urlparse

from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

# How many invalid instances are described per case (all are counted).
SHOWN = 3


def file_retriever(base):
    def retrieve(uri):
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            path = unquote(parsed.path)
        elif parsed.scheme == "" and base is not None:
            path = os.path.join(base, unquote(parsed.path))
        else:
            raise NoSuchResource(ref=uri)
        with open(path, encoding="utf-8") as f:
            return Resource.from_contents(json.load(f))

    return retrieve


def check(case):
    schema = case["schema"]
    instances = case["instances"]
    result = {"name": case["name"], "checked": 0, "invalid": [], "invalid_count": 0, "error": None}
    try:
        cls = validator_for(schema)
        validator = cls(
            schema,
            registry=Registry(retrieve=file_retriever(case.get("base"))),
            format_checker=cls.FORMAT_CHECKER,
        )
    except Exception as e:  # noqa: BLE001 - any failure to build is reported
        result["error"] = f"{type(e).__name__}: {e}"[:500]
        return result
    for index, instance in enumerate(instances):
        try:
            error = next(iter(validator.iter_errors(instance)), None)
        except Exception as e:  # noqa: BLE001 - e.g. a pattern Python's `re` cannot compile
            result["error"] = f"{type(e).__name__}: {e}"[:500]
            return result
        result["checked"] += 1
        if error is not None:
            result["invalid_count"] += 1
            if len(result["invalid"]) < SHOWN:
                result["invalid"].append(
                    {
                        "index": index,
                        "path": "/" + "/".join(str(p) for p in error.absolute_path),
                        "message": error.message[:300],
                    }
                )
    return result


def main():
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(check(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
