#!/usr/bin/env python3
"""An independent check of entities: for every shipped locale, has synthtune export N
rows of a flat customer schema (names, email, username, street, city, state, postcode,
country, phone) and checks, in plain Python, that each row's fields belong together:

- the city lies in the state (src/generate/domain/places/LOCALE.txt, read here), and
  the state abbreviation is that state's, where the locale writes one;
- the country and country code are the locale's own;
- the full name holds the first and last name;
- in locales whose names are in Latin script, the email's local part and the username
  are made of the row's first and last name (folded to ASCII by Unicode decomposition,
  not by synthtune's table), in one of the shapes synthtune uses.

Usage: scripts/entities_check.py SYNTHTUNE_BINARY [-n 100000] [--seed 42] [LOCALE...]
Prints each locale with the share of rows where each agreement held; exit status 0 when
every one held on every row, 1 otherwise.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLACES = REPO / "src" / "generate" / "domain" / "places"

# locale: (its places file, its own country as addresses write it, ISO 3166-1 code,
# whether its names are in Latin script)
LOCALES = {
    "en": ("en", "United States", "US", True),
    "fr_FR": ("fr_FR", "France", "FR", True),
    "de_DE": ("de_DE", "Deutschland", "DE", True),
    "it_IT": ("it_IT", "Italia", "IT", True),
    "nl_NL": ("nl_NL", "Nederland", "NL", True),
    "pt_BR": ("pt_BR", "Brasil", "BR", True),
    "pt_PT": ("pt_PT", "Portugal", "PT", True),
    "ja_JP": ("ja_JP", "日本", "JP", False),
    "zh_CN": ("zh_CN", "中国", "CN", False),
    "zh_TW": ("zh_TW", "臺灣", "TW", False),
    "ar_SA": ("ar_SA", "المملكة العربية السعودية", "SA", False),
    "fa_IR": ("fa_IR", "ایران", "IR", False),
    "tr_TR": ("tr_TR", "Türkiye", "TR", True),
    "cy_GB": ("cy_GB", "Y Deyrnas Unedig", "GB", True),
}


def read_places(locale_file):
    """city -> {(region, abbreviation or None)}; a city name may lie in two regions."""
    places = {}
    for line in (PLACES / f"{locale_file}.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        abbr = parts[2] if len(parts) > 2 else None
        places.setdefault(parts[0], set()).add((parts[1], abbr))
    return places


def fold(name):
    """Lowercase ASCII letters and digits of a name: accents dropped by decomposition."""
    name = name.translate(str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}))
    folded = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded)


def handle_shapes(first, last):
    """The shapes a handle made of a first and a last name takes."""
    f, l, i = re.escape(first), re.escape(last), re.escape(first[:1])
    return re.compile(
        rf"^(?:{f}\.{l}(?:\d{{1,2}})?|{i}{l}(?:\d{{1,2}})?|{f}{l}\d{{4}}|{f}_{l}|{l}\.{f}|{f}\d{{2,3}})$"
    )


def schema_for(locale, with_abbr):
    fields = ["first_name", "last_name", "full_name", "email", "username", "street_address",
              "city", "state", "postcode", "country", "country_code", "phone"]
    if with_abbr:
        fields.append("state_abbr")
    properties = {f: {"type": "string"} for f in fields}
    # state_abbr is not inferred from its name: say what it holds.
    if with_abbr:
        properties["state_abbr"]["x-synth"] = {"domain": "state_abbr"}
    return {"title": "Customer", "type": "object", "properties": properties,
            "required": fields, "x-synth": {"locale": locale}}


def check_locale(binary, locale, n, seed):
    places_file, country, code, latin = LOCALES[locale]
    places = read_places(places_file)
    with_abbr = all(abbr for regions in places.values() for _, abbr in regions)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customer.json"
        path.write_text(json.dumps(schema_for(locale, with_abbr)), encoding="utf-8")
        export = subprocess.run(
            [binary, "export", str(path), "-n", str(n), "--seed", str(seed), "--format", "ndjson", "-o", "-"],
            capture_output=True, text=True, encoding="utf-8",
        )
    if export.returncode != 0:
        raise SystemExit(f"entities_check: synthtune failed for {locale}: {export.stderr}")
    held, applied, examples = Counter(), Counter(), {}

    def agree(name, holds, row):
        applied[name] += 1
        if holds:
            held[name] += 1
        else:
            examples.setdefault(name, row)

    rows = 0
    for line in export.stdout.splitlines():
        rows += 1
        r = json.loads(line)
        regions = places.get(r["city"], set())
        agree("city lies in state", any(region == r["state"] for region, _ in regions), r)
        if with_abbr:
            agree("state_abbr is the state's", (r["state"], r["state_abbr"]) in regions, r)
        agree("country is the locale's", r["country"] == country, r)
        agree("country_code is the locale's", r["country_code"] == code, r)
        agree("full_name holds first and last name", r["first_name"] in r["full_name"] and r["last_name"] in r["full_name"], r)
        first, last = fold(r["first_name"]), fold(r["last_name"])
        if latin and first and last:
            shapes = handle_shapes(first, last)
            agree("email made of the names", bool(shapes.match(r["email"].split("@")[0])), r)
            agree("username made of the names", bool(shapes.match(r["username"])), r)
    if rows != n:
        raise SystemExit(f"entities_check: {locale}: {rows} rows, expected {n}")
    print(f"{locale}: {rows} rows (seed {seed})")
    for name in applied:
        share = 100.0 * held[name] / applied[name]
        print(f"  {share:7.3f} %  {name} ({applied[name]} rows, {applied[name] - held[name]} not)")
    for name, row in examples.items():
        print(f"broken: {locale}: {name}: {json.dumps(row, ensure_ascii=False)}", file=sys.stderr)
    return not examples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("locales", nargs="*", default=list(LOCALES))
    args = parser.parse_intermixed_args()
    ok = all([check_locale(args.binary, locale, args.n, args.seed) for locale in args.locales])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
