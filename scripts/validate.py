#!/usr/bin/env python3
"""A second, independent validator: Python `jsonschema` checks synthtune's records.

Reads cases as JSON lines on stdin, one per schema:
    {"name": "...", "schema": {...}, "base": "/dir/of/the/schema/file" | null,
     "remotes": {"http://localhost:1234/": "/local/folder/"} (optional),
     "stand_ins": {"https://remote/doc.json": {...}} (optional),
     "instances": [...]}
and writes one JSON line per case to stdout:
    {"name": "...", "checked": N, "invalid": [{"index", "path", "message"}, ...],
     "invalid_count": K, "error": null | "why the schema could not be checked"}

Formats are asserted (`FORMAT_CHECKER`, with the `format-nongpl` extras installed by
scripts/setup-python.sh) and `multipleOf` is tested the way this library does it, by
float division: that is the point of a second validator. References to files beside the
schema resolve through `base`, URLs under a `remotes` prefix to the folder it names
(the JSON Schema Test Suite's remotes), `stand_ins` (remote documents nowhere on this
machine) as the documents given, in which what the schema refers to is `false`, as
synthtune reads them; the bundled metaschemas resolve as usual; anything else
(a remote URL) makes the case an `error`, reported, never a silent pass.
"""

import json
import os
import sys
from urllib.parse import unquote, urlparse

from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import specification_with

# How many invalid instances are described per case (all are counted).
SHOWN = 3


def file_retriever(base, remotes, stand_ins, specification):
    """Reads referenced documents; one that names no `$schema` is read in the dialect
    of the schema that refers to it."""

    def resource(path):
        with open(path, encoding="utf-8") as f:
            return Resource.from_contents(json.load(f), default_specification=specification)

    def retrieve(uri):
        if uri.split("#")[0] in stand_ins:
            return Resource.from_contents(stand_ins[uri.split("#")[0]], default_specification=specification)
        parsed = urlparse(uri)
        for prefix, folder in remotes.items():
            if uri.startswith(prefix):
                return resource(os.path.join(folder, uri[len(prefix):].split("#")[0]))
        if parsed.scheme == "file":
            path = unquote(parsed.path)
        elif parsed.scheme == "" and base is not None:
            path = os.path.join(base, unquote(parsed.path))
        else:
            raise NoSuchResource(ref=uri)
        return resource(path)

    return retrieve


def check(case):
    schema = case["schema"]
    instances = case["instances"]
    result = {"name": case["name"], "checked": 0, "invalid": [], "invalid_count": 0, "error": None}
    try:
        cls = validator_for(schema)
        specification = specification_with(cls.META_SCHEMA["$schema"])
        validator = cls(
            schema,
            registry=Registry(retrieve=file_retriever(
                    case.get("base"), case.get("remotes") or {}, case.get("stand_ins") or {}, specification
                )),
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
