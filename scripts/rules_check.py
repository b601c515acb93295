#!/usr/bin/env python3
"""An independent check of cross-field rules: exports the SubscriptionLifecycle model of
tests/pydantic/models.py, has synthtune export N rows of it as NDJSON, and checks every
rule the model's x-synth states on every row, in plain Python (its own date arithmetic,
not synthtune's), plus that every row loads back into the model.

Usage: scripts/rules_check.py SYNTHTUNE_BINARY [-n 100000] [--seed 42]
Prints each rule with the rows it applied to and its violations; exit status 0 when
there are none, 1 otherwise, 2 on bad usage or missing pydantic.
"""

import argparse
import datetime as dt
import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.dont_write_bytecode = True
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from entities_check import read_places  # noqa: E402  (the places files, read apart from synthtune)
DAY = dt.timedelta(days=1)


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def slug(text):
    """The template's ascii|slug, written apart from synthtune's: accents folded by
    Unicode decomposition, then runs of anything but letters and digits to one '-'."""
    text = text.translate(str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}))
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def cents(value):
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    try:
        sys.path.insert(0, str(REPO / "tests" / "pydantic"))
        import models
    except ImportError as e:
        print(f"rules_check: {e}: run scripts/setup-python.sh", file=sys.stderr)
        return 2
    model = models.SubscriptionLifecycle
    with tempfile.TemporaryDirectory() as folder:
        schema = Path(folder) / "subscription_lifecycle.json"
        schema.write_text(json.dumps(model.model_json_schema()))
        export = subprocess.run(
            [args.binary, "export", str(schema), "-n", str(args.n), "--seed", str(args.seed), "--format", "ndjson", "-o", "-"],
            capture_output=True,
            text=True,
        )
    if export.returncode != 0:
        print(f"rules_check: synthtune failed: {export.stderr}", file=sys.stderr)
        return 1
    applied, broken, examples = Counter(), Counter(), {}
    statuses = Counter()
    canceled_by_status = Counter()

    def rule(name, applies, holds, row):
        if not applies:
            return
        applied[name] += 1
        if not holds:
            broken[name] += 1
            examples.setdefault(name, row)

    places = read_places("de_DE")
    rows = 0
    for line in export.stdout.splitlines():
        rows += 1
        r = json.loads(line)
        model.model_validate_json(line)
        status = r["status"]
        statuses[status] += 1
        created = parse_time(r["created_at"])
        canceled = r.get("canceled_at")
        canceled_by_status[status, canceled is not None] += 1
        rule("canceled_at iff status == canceled", True, (canceled is not None) == (status == "canceled"), r)
        if canceled is not None:
            gap = parse_time(canceled) - created
            rule("canceled_at 1 to 400 days after created_at", True, DAY <= gap <= 400 * DAY, r)
        refunded = r.get("refunded_at")
        rule("refunded_at iff status == canceled", True, (refunded is not None) == (status == "canceled"), r)
        if refunded is not None and canceled is not None:
            gap = parse_time(refunded) - parse_time(canceled)
            rule("refunded_at 0 to 14 days after canceled_at", True, dt.timedelta(0) <= gap <= 14 * DAY, r)
        rule("updated_at after created_at", True, parse_time(r["updated_at"]) >= created, r)
        trial = dt.date.fromisoformat(r["trial_started_on"])
        rule("trial_started_on 0 to 30 days before created_at", True, 0 <= (created.date() - trial).days <= 30, r)
        rule("seats_cap 0 to 100 above seats", True, 0 <= r["seats_cap"] - r["seats"] <= 100, r)
        pause = r.get("pause_reason")
        rule("pause_reason iff status == paused", True, (pause is not None) == (status == "paused"), r)
        # Decimal from the JSON text, as pydantic reads it: exact, no float.
        price = Decimal(str(r["seat_price"]))
        monthly = Decimal(str(r["monthly_total"]))
        rule("monthly_total = seats × seat_price", True, monthly == cents(r["seats"] * price), r)
        yearly = Decimal(str(r["yearly_total"]))
        rule("yearly_total = monthly_total × 12 × 0.9, to the cent", True, yearly == cents(monthly * 12 * Decimal("0.9")), r)
        first, last = slug(r["owner_first_name"]), slug(r["owner_last_name"])
        # Names that fold to nothing would make an invalid email: the field keeps its own.
        if first and last:
            rule("owner_email = first.last@example.com", True, r["owner_email"] == f"{first}.{last}@example.com", r)
        address = r["billing_address"]
        regions = places.get(address["city"], set())
        rule("billing_address: city lies in state", True, any(region == address["state"] for region, _ in regions), r)
        rule("billing_address: country is Deutschland, DE", True, (address["country"], address["country_code"]) == ("Deutschland", "DE"), r)
        rule("billing_address: postcode is 5 digits", True, re.fullmatch(r"[0-9]{5}", address["postcode"]) is not None, r)
    if rows != args.n:
        print(f"rules_check: {rows} rows, expected {args.n}", file=sys.stderr)
        return 1
    print(f"{rows} rows of SubscriptionLifecycle (seed {args.seed}), all loaded into the model")
    for name in applied:
        share = 100.0 * (applied[name] - broken[name]) / applied[name]
        print(f"  {share:7.3f} %  {name} ({applied[name]} rows, {broken[name]} broken)")
    print("  canceled_at by status (has a value / null):")
    for status in sorted(statuses):
        print(f"    {status:9} {canceled_by_status[status, True]:8} / {canceled_by_status[status, False]}")
    for name, row in examples.items():
        print(f"broken: {name}: {json.dumps(row)}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
