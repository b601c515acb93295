#!/usr/bin/env python3
"""Round trip through pydantic: every record synthtune generates from a model's JSON Schema
must load back into the model.

For every pydantic model in tests/pydantic/models.py and in the shared examples
(../shared/examples beside the repo, or $SYNTHTUNE_SHARED), this exports
`Model.model_json_schema()` to a temporary folder, runs
`SYNTHTUNE export SCHEMA -n N -o -`, and loads each NDJSON line with
`Model.model_validate_json(line)` (JSON mode, as an API would receive it); each record
must also pass Python `jsonschema` against the exported schema (a second validator, which
tests `multipleOf` by float division as ajv does).

Usage: scripts/pydantic_check.py SYNTHTUNE_BINARY [-n 1000] [--seed 42] [--timeout 60]
                                 [--only NAME ...]
Exit status: 0 every record loaded; 1 some record was rejected or synthtune failed;
2 bad usage or missing prerequisites (pydantic, the shared examples).
"""

import argparse
import concurrent.futures
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# Importing the models must leave no __pycache__ in the repo or the shared folder.
sys.dont_write_bytecode = True

REPO = Path(__file__).resolve().parent.parent
SETUP_HINT = "run scripts/setup-python.sh (installs pydantic 2.14, email-validator and jsonschema)"
# Files in the shared examples folder that are scripts, not model modules.
NOT_MODELS = {"export.py"}
ROWS_SHOWN = 3


def fail_setup(message):
    print(f"pydantic_check: {message}", file=sys.stderr)
    sys.exit(2)


def shared_examples_dir():
    """../shared/examples beside the repo, else $SYNTHTUNE_SHARED (the shared folder or
    its examples folder itself)."""
    candidates = [REPO.parent / "shared" / "examples"]
    env = os.environ.get("SYNTHTUNE_SHARED")
    if env:
        candidates += [Path(env) / "examples", Path(env)]
    for candidate in candidates:
        if (candidate / "customers.py").is_file():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    fail_setup(f"cannot find the shared example models (tried {tried}); set SYNTHTUNE_SHARED to the shared folder")


def import_file(path):
    """Imports a module from a file, registered under its stem so that pydantic can
    resolve forward references ("Span") and the module can import its neighbours."""
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def models_of(module, base_model):
    """The BaseModel subclasses a module defines, in definition order."""
    return [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, base_model) and obj is not base_model and obj.__module__ == module.__name__
    ]


def collect_models():
    try:
        import pydantic
        import email_validator  # noqa: F401  (EmailStr needs it)
        import jsonschema  # noqa: F401  (the second validator)
    except ImportError as e:
        fail_setup(f"{e}: {SETUP_HINT}")
    if not pydantic.VERSION.startswith("2."):
        fail_setup(f"pydantic {pydantic.VERSION} is installed, v2 is needed: {SETUP_HINT}")
    files = [REPO / "tests" / "pydantic" / "models.py"]
    files += sorted(p for p in shared_examples_dir().glob("*.py") if p.name not in NOT_MODELS)
    models = []
    for path in files:
        module = import_file(path)
        found = models_of(module, pydantic.BaseModel)
        if not found:
            fail_setup(f"{path} defines no pydantic model")
        models += [(f"{path.stem}.{m.__name__}", m) for m in found]
    return models


def brief(text, limit=300):
    return text if len(text) <= limit else text[:limit] + "…"


def describe_error(error):
    """One pydantic ValidationError as `loc: message (input)` lines."""
    lines = []
    for e in error.errors(include_url=False):
        loc = ".".join(str(part) for part in e["loc"]) or "(root)"
        lines.append(f"{loc}: {e['msg']} (input: {brief(json.dumps(e.get('input'), default=str), 80)})")
    return "; ".join(lines)


def jsonschema_validator(schema):
    """A Python `jsonschema` validator for `schema` (formats not asserted: pydantic
    judges those)."""
    import jsonschema

    return jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)


def referenced_tables(schema):
    """The table names a schema's foreign keys reference (`x-synth.references`, or
    DataSynthTool's `sql.reference`)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            target = (node.get("x-synth") or {}).get("references") if isinstance(node.get("x-synth"), dict) else None
            sql = node.get("sql")
            if isinstance(sql, dict) and sql.get("key") == "foreign":
                target = target or sql.get("reference")
            if isinstance(target, str) and "." in target:
                found.add(target.split(".", 1)[0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def parent_schemas(name, schema, schemas):
    """The schema files of the tables `schema` references, and theirs in turn: the
    model's own module first, then any other."""
    module = name.split(".")[0]
    wanted, paths, seen = list(referenced_tables(schema)), [], {schema.get("title")}
    while wanted:
        title = wanted.pop()
        if title in seen:
            continue
        seen.add(title)
        candidates = sorted((not n.startswith(module + "."), n) for n, s in schemas.items() if s.get("title") == title)
        if candidates:
            other = candidates[0][1]
            paths.append(other)
            wanted += referenced_tables(schemas[other])
    return paths


def round_trip(binary, name, model, folder, rows, seed, timeout, schemas):
    """Generates `rows` records for `model` and loads each; returns a failure report or None.
    The tables its foreign keys reference are exported beside it (`--only` keeps its own)."""
    import pydantic

    schema = schemas[name]
    schema_path = Path(folder) / f"{name}.json"
    parents = [str(Path(folder) / f"{other}.json") for other in parent_schemas(name, schema, schemas)]
    command = [binary, "export", str(schema_path), *parents, "-n", str(rows), "--seed", str(seed), "-o", "-"]
    if parents:
        command += ["--only", schema["title"]]
    try:
        run = subprocess.run(command, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"synthtune export of {rows} records did not finish within {timeout} s"
    if run.returncode != 0:
        stderr = run.stderr.decode(errors="replace").strip()
        return f"synthtune export exited with {run.returncode}: {stderr}"
    lines = run.stdout.decode(errors="replace").splitlines()
    if len(lines) != rows:
        return f"synthtune export wrote {len(lines)} records, expected {rows}"
    rejected = []
    # A second reader of the same records: Python `jsonschema`, which tests `multipleOf`
    # by float division (`0.15 / 0.05` is not 3 there), as ajv does.
    validator = jsonschema_validator(schema)
    for row, line in enumerate(lines):
        try:
            model.model_validate_json(line)
        except pydantic.ValidationError as e:
            rejected.append((row, line, describe_error(e)))
            continue
        errors = [e.message for e in validator.iter_errors(json.loads(line))]
        if errors:
            rejected.append((row, line, "jsonschema: " + "; ".join(brief(e, 120) for e in errors[:3])))
    if not rejected:
        return None
    shown = "\n".join(f"    row {row}: {brief(line)}\n      {why}" for row, line, why in rejected[:ROWS_SHOWN])
    return f"{len(rejected)} of {rows} records rejected by the model, for example:\n{shown}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", help="path to the synthtune binary")
    parser.add_argument("-n", "--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--timeout", type=float, default=60, help="seconds one model's export may take")
    parser.add_argument("--only", nargs="*", help="only these models (module.Model or Model)")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        fail_setup(f"{args.binary} is not an executable synthtune binary")

    all_models = collect_models()
    models = all_models
    if args.only:
        models = [(n, m) for n, m in models if n in args.only or n.split(".")[-1] in args.only]
    with tempfile.TemporaryDirectory(prefix="synthtune-pydantic-") as folder:
        # Every model's schema is written first: foreign keys name other models' tables.
        schemas = {name: model.model_json_schema() for name, model in all_models}
        for name, schema in schemas.items():
            (Path(folder) / f"{name}.json").write_text(json.dumps(schema, indent=2))
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            futures = [pool.submit(round_trip, args.binary, name, model, folder, args.rows, args.seed, args.timeout, schemas) for name, model in models]
            outcomes = [(name, f.result()) for (name, _), f in zip(models, futures)]

    failures = [(name, why) for name, why in outcomes if why]
    for name, why in outcomes:
        print(f"{'FAIL' if why else 'ok  '} {name}")
    for name, why in failures:
        print(f"\n{name}: {why}")
    print(f"\n{len(outcomes) - len(failures)} of {len(outcomes)} models round-trip {args.rows} records through pydantic")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
