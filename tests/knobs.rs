//! The tuning knobs that live in the compiler: rates, weights, values, keys, noise and
//! custom synthesizers. Statistical checks use fixed seeds and 3σ (or chi-square)
//! tolerances, so they are exact for this build and meaningful for any other.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::{Value, json};
use synthtune::rng::SynthRng;
use synthtune::sink::JsonWriter;
use synthtune::synthesizer::{Synthesizer, Synthesizers};
use synthtune::{Options, Table};

const SEED: u64 = 7;

fn table(schema: Value) -> Table {
    Table::from_value(schema, None).unwrap_or_else(|e| panic!("schema refused: {e}"))
}

fn rows(t: &Table, n: u64) -> Vec<Value> {
    (0..n).map(|i| t.row_value(SEED, i)).collect()
}

/// |observed - expected| within 3 standard deviations of a binomial share.
fn assert_share(hits: usize, n: usize, p: f64, what: &str) {
    let sigma = (p * (1.0 - p) / n as f64).sqrt();
    let observed = hits as f64 / n as f64;
    assert!(
        (observed - p).abs() <= 3.0 * sigma + 1e-12,
        "{what}: observed {observed:.4}, asked for {p} (3σ = {:.4})",
        3.0 * sigma
    );
}

/// Pearson's chi-square statistic of counts against expected shares.
fn chi_square(counts: &[usize], shares: &[f64]) -> f64 {
    let n: usize = counts.iter().sum();
    counts
        .iter()
        .zip(shares)
        .map(|(&c, &p)| {
            let e = p * n as f64;
            (c as f64 - e).powi(2) / e
        })
        .sum()
}

/// `t` has a diagnostic at `pointer` whose message contains `text`.
fn assert_noted(t: &Table, pointer: &str, text: &str) {
    assert!(
        t.diagnostics
            .iter()
            .any(|d| d.pointer == pointer && d.message.contains(text)),
        "no {text:?} at {pointer}: {:?}",
        t.diagnostics
    );
}

#[test]
fn null_and_absent_rates_are_separate_and_as_asked() {
    let t = table(json!({
        "type": "object",
        "properties": {
            "nick": {"anyOf": [{"type": "string"}, {"type": "null"}], "x-synth": {"null_rate": 0.3, "absent_rate": 0.2}},
            "plain": {"anyOf": [{"type": "integer"}, {"type": "null"}]}
        },
        "required": ["plain"]
    }));
    let n = 20_000;
    let all = rows(&t, n);
    let absent = all.iter().filter(|r| r.get("nick").is_none()).count();
    let present: Vec<&Value> = all.iter().filter_map(|r| r.get("nick")).collect();
    let nulls = present.iter().filter(|v| v.is_null()).count();
    assert_share(absent, n as usize, 0.2, "nick absent");
    assert_share(nulls, present.len(), 0.3, "nick null among present");
    let plain_nulls = all.iter().filter(|r| r["plain"].is_null()).count();
    assert_share(plain_nulls, n as usize, 0.05, "default null rate");
}

#[test]
fn enum_boolean_and_branch_weights_follow_chi_square() {
    let t = table(json!({
        "type": "object",
        "properties": {
            "tier": {"enum": ["bronze", "silver", "gold"], "x-synth": {"weights": {"bronze": 6, "silver": 3, "gold": 1}}},
            "opt_in": {"type": "boolean", "x-synth": {"weights": {"true": 35, "false": 65}}},
            "pay": {
                "oneOf": [
                    {"title": "Card", "type": "object", "properties": {"kind": {"const": "card"}}, "required": ["kind"]},
                    {"title": "Bank", "type": "object", "properties": {"kind": {"const": "bank"}}, "required": ["kind"]}
                ],
                "x-synth": {"weights": [85, 15]}
            }
        },
        "required": ["tier", "opt_in", "pay"]
    }));
    let all = rows(&t, 20_000);
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|r| f(r)).count();
    let tiers = [
        count(&|r| r["tier"] == "bronze"),
        count(&|r| r["tier"] == "silver"),
        count(&|r| r["tier"] == "gold"),
    ];
    // 2 degrees of freedom: 13.8 is the 0.1% critical value.
    assert!(
        chi_square(&tiers, &[0.6, 0.3, 0.1]) < 13.8,
        "tiers {tiers:?}"
    );
    assert_share(
        count(&|r| r["opt_in"] == true),
        all.len(),
        0.35,
        "opt_in true",
    );
    assert_share(
        count(&|r| r["pay"]["kind"] == "card"),
        all.len(),
        0.85,
        "card branch",
    );
}

/// Weights on an `if`/`then`/`else` share the values between its branches: by name or
/// by order, for a condition on a value (checked) and one on presence (solved); without
/// weights, the branches share them evenly (the else branch is generated under
/// `not: <if>`, so its values are not rejected for meeting the `if`). Every record
/// meets the conditional.
#[test]
fn weights_on_if_then_else_share_the_branches() {
    let on_value = |weights: Option<Value>| {
        let mut schema = json!({
            "type": "object",
            "properties": {"kind": {"enum": ["a", "b"]}, "n": {"type": "integer"}},
            "required": ["kind", "n"],
            "if": {"properties": {"kind": {"const": "a"}}},
            "then": {"properties": {"n": {"minimum": 100}}},
            "else": {"properties": {"n": {"maximum": 0}}}
        });
        if let Some(w) = weights {
            schema["x-synth"] = json!({"weights": w});
        }
        schema
    };
    let n = 4_000;
    for (weights, then_share) in [
        (Some(json!([9, 1])), 0.9),
        (Some(json!({"then": 1, "else": 3})), 0.25),
        (None, 0.5),
    ] {
        let schema = on_value(weights.clone());
        let validator = jsonschema::validator_for(&schema).unwrap();
        let all = rows(&table(schema), n);
        for r in &all {
            assert!(validator.is_valid(r), "{weights:?}: {r}");
        }
        let then = all.iter().filter(|r| r["kind"] == "a").count();
        assert_share(
            then,
            n as usize,
            then_share,
            &format!("then under {weights:?}"),
        );
    }
    let on_presence = table(json!({
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"properties": {"b": false}},
        "x-synth": {"weights": {"then": 7, "else": 3}}
    }));
    let all = rows(&on_presence, n);
    let then = all.iter().filter(|r| r.get("a").is_some()).count();
    assert_share(then, n as usize, 0.7, "then on presence");
    assert!(
        all.iter()
            .all(|r| r.get("a").is_some() == r.get("b").is_some())
    );
    // A branch that cannot be generated leaves the weights without effect: a note.
    let one_branch = table(json!({
        "type": "integer", "if": {"type": "integer"}, "then": {"minimum": 0},
        "x-synth": {"weights": {"then": 1, "else": 1}}
    }));
    assert_noted(&one_branch, "/x-synth/weights", "only one of then and else");
    let refused =
        Table::from_value(on_value(Some(json!({"then": 1, "otherwise": 1}))), None).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("no choice is called \"otherwise\""),
        "{refused}"
    );
}

#[test]
fn values_and_values_from_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cities.txt"), "Lyon\nOslo\n\nQuito\n").unwrap();
    std::fs::write(dir.path().join("people.csv"), "id,name\n1,Ada\n2,Grace\n").unwrap();
    let schema = json!({
        "type": "object",
        "properties": {
            "city": {"type": "string", "x-synth": {"values_from": "cities.txt"}},
            "who": {"type": "string", "x-synth": {"values_from": {"file": "people.csv", "column": "name"}}},
            "code": {"type": "string", "maxLength": 2, "x-synth": {"values": ["US", "CA", "TOOLONG"], "weights": [1, 1, 5]}}
        },
        "required": ["city", "who", "code"]
    });
    let path = dir.path().join("s.json");
    std::fs::write(&path, schema.to_string()).unwrap();
    let t = Table::load(&path).unwrap();
    let all = rows(&t, 500);
    let cities: HashSet<&str> = all.iter().map(|r| r["city"].as_str().unwrap()).collect();
    assert_eq!(cities, HashSet::from(["Lyon", "Oslo", "Quito"]));
    let who: HashSet<&str> = all.iter().map(|r| r["who"].as_str().unwrap()).collect();
    assert_eq!(who, HashSet::from(["Ada", "Grace"]));
    // A listed value that breaks maxLength is never generated, and check says so.
    assert!(all.iter().all(|r| r["code"] == "US" || r["code"] == "CA"));
    assert!(
        t.diagnostics.iter().any(|d| d.message.contains("TOOLONG")),
        "{:?}",
        t.diagnostics
    );
}

#[test]
fn unique_integers_enums_and_strings_never_repeat() {
    let t = table(json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 100, "maximum": 10_099, "x-synth": {"unique": true}},
            "seq": {"type": "integer", "minimum": 1, "x-synth": {"key": "primary", "sequence": {"start": 1, "step": 1}}},
            "slot": {"enum": ["a", "b", "c"], "x-synth": {"unique": true}},
            "label": {"type": "string", "maxLength": 12, "x-synth": {"unique": true}}
        },
        "required": ["id", "seq", "label"]
    }));
    let n = 10_000;
    let all = rows(&t, n);
    let ids: HashSet<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), n as usize, "ids repeat");
    assert!(ids.iter().all(|i| (100..=10_099).contains(i)));
    let seqs: Vec<i64> = all.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=n as i64).collect::<Vec<_>>());
    let labels: HashSet<&str> = all.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), n as usize, "labels repeat");
    assert!(labels.iter().all(|l| l.chars().count() <= 12));
    // The enum has 3 values: the table can serve at most 3 rows.
    assert_eq!(t.unique_capacity().map(|(c, _)| c), Some(3));
}

#[test]
fn noise_is_invalid_on_purpose_and_counted() {
    let schema = json!({
        "type": "object",
        "properties": {
            "age": {"type": "integer", "minimum": 18, "maximum": 99, "x-synth": {"noise": 0.1}},
            "name": {"type": "string", "maxLength": 10}
        },
        "required": ["age", "name"]
    });
    let t = table(schema.clone());
    let validator = jsonschema::validator_for(&schema).unwrap();
    let n = 10_000u64;
    let mut noisy_rows = 0;
    for row in 0..n {
        let mut w = JsonWriter::new();
        let noisy = t.write_row(SEED, row, &mut w).unwrap();
        let v: Value = serde_json::from_str(&w.buf).unwrap();
        // A row is invalid exactly when it reports noise.
        assert_eq!(noisy > 0, !validator.is_valid(&v), "row {row}: {v}");
        noisy_rows += usize::from(noisy > 0);
    }
    assert_share(noisy_rows, n as usize, 0.1, "noisy rows");
}

#[derive(Debug)]
struct Shout;

impl Synthesizer for Shout {
    fn generate(&self, rng: &mut SynthRng, row: u64) -> Value {
        use rand::RngExt;
        json!(format!("HEY-{row}-{}", rng.random_range(0..10)))
    }
}

#[test]
fn custom_synthesizers_are_named_from_the_schema_and_still_validated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(&path, json!({
        "type": "object",
        "properties": {"x": {"type": "string", "maxLength": 8, "x-synth": {"synthesizer": "shout"}}},
        "required": ["x"]
    }).to_string()).unwrap();
    let err = Table::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("/properties/x/x-synth/synthesizer") && err.contains("shout"),
        "{err}"
    );
    let mut synthesizers = Synthesizers::default();
    synthesizers.register("shout", Arc::new(Shout));
    let t = Table::load_with(
        &path,
        &Options {
            synthesizers,
            ..Options::default()
        },
    )
    .unwrap();
    for row in 0..50 {
        let v = t.row_value(SEED, row);
        let s = v["x"].as_str().unwrap();
        assert!(
            s.starts_with(&format!("HEY-{row}-")) && s.len() <= 8,
            "row {row}: {s}"
        );
    }
    assert!(
        t.fields()[0].generator.contains("synthesizer"),
        "{:?}",
        t.fields()
    );
}

#[test]
fn unknown_knobs_are_reported_never_silently_dropped() {
    let t = table(json!({"type": "integer", "x-synth": {"nul_rate": 0.2}}));
    assert_noted(&t, "/x-synth/nul_rate", "unknown");
    let err = Table::from_value(
        json!({"type": "integer", "x-synth": {"null_rate": 1.5}}),
        None,
    )
    .unwrap_err();
    assert_eq!(err.pointer(), Some("/x-synth/null_rate"));
    let err = Table::from_value(
        json!({"enum": [1, 2], "x-synth": {"weights": [1, 2, 3]}}),
        None,
    )
    .unwrap_err();
    assert_eq!(err.pointer(), Some("/x-synth/weights"));
}

#[test]
fn export_validate_expects_noise_but_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.json");
    std::fs::write(&path, json!({
        "title": "N", "type": "object", "required": ["a"],
        "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 9, "x-synth": {"noise": 0.2}}}
    }).to_string()).unwrap();
    let out = assert_cmd::Command::cargo_bin("synthtune")
        .unwrap()
        .args(["export", "-n", "500", "--validate", "--quiet"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let bad = text
        .lines()
        .filter(|l| !(1..=9).any(|d| *l == format!("{{\"a\":{d}}}")))
        .count();
    assert_share(bad, 500, 0.2, "noisy rows in a validated export");
}

/// `locale` on an object or array is every field's inside that has none of its own: the
/// rows are those of the same locale written beside each field, a nested object's own
/// locale wins below it, and a shared definition takes the locale of where it is used.
#[test]
fn a_locale_on_an_object_reaches_the_fields_inside() {
    let person = |locale: Option<&str>| {
        let knob = |domain: &str| match locale {
            Some(l) => json!({"domain": domain, "locale": l}),
            None => json!({"domain": domain}),
        };
        json!({
            "type": "object",
            "properties": {
                "first_name": {"type": "string", "x-synth": {"locale": locale.unwrap_or("en")}},
                "city": {"type": "string", "x-synth": knob("city")},
                "tags": {"type": "array", "minItems": 2, "maxItems": 2,
                         "items": {"type": "string", "x-synth": knob("last_name")}},
            },
            "required": ["first_name", "city", "tags"],
        })
    };
    let first_name_in = |locale: &str| {
        let mut p = person(Some(locale));
        p["properties"]["first_name"] = json!({"type": "string", "x-synth": {"locale": locale}});
        p
    };
    let on_the_object = |locale: &str| {
        let mut p = person(None);
        p["properties"]["first_name"] = json!({"type": "string"});
        p["x-synth"] = json!({"locale": locale});
        p
    };
    for locale in ["fr_FR", "de_DE", "ja_JP"] {
        let each = rows(&table(first_name_in(locale)), 200);
        let around = rows(&table(on_the_object(locale)), 200);
        assert_eq!(each, around, "{locale}");
        assert_ne!(
            each,
            rows(&table(person(None)), 200),
            "{locale} differs from en"
        );
    }
    // A nested object's own locale wins below it; a definition used under two locales
    // is compiled for each.
    let nested = table(json!({
        "type": "object",
        "x-synth": {"locale": "fr_FR"},
        "$defs": {"where": {"type": "object", "properties": {"city": {"type": "string", "x-synth": {"domain": "city"}}}, "required": ["city"]}},
        "properties": {
            "home": {"$ref": "#/$defs/where"},
            "office": {"$ref": "#/$defs/where", "x-synth": {"locale": "de_DE"}},
        },
        "required": ["home", "office"],
    }));
    let cities = |locale: &str| {
        table(json!({"type": "string", "x-synth": {"domain": "city", "locale": locale}}))
    };
    let (fr, de) = (cities("fr_FR"), cities("de_DE"));
    let french: HashSet<String> = (0..2_000)
        .map(|i| fr.row_value(SEED, i).as_str().unwrap().to_owned())
        .collect();
    let german: HashSet<String> = (0..2_000)
        .map(|i| de.row_value(SEED, i).as_str().unwrap().to_owned())
        .collect();
    for row in rows(&nested, 100) {
        let (home, office) = (
            row["home"]["city"].as_str().unwrap(),
            row["office"]["city"].as_str().unwrap(),
        );
        assert!(
            french.contains(home) && !german.contains(home),
            "home {home:?} is French"
        );
        assert!(
            german.contains(office) && !french.contains(office),
            "office {office:?} is German"
        );
    }
    // With no field inside that has a domain, the locale does nothing, and check says so.
    let idle = table(
        json!({"type": "object", "x-synth": {"locale": "fr_FR"}, "properties": {"n": {"type": "integer"}}}),
    );
    assert_noted(&idle, "/x-synth/locale", "no effect");
    assert!(
        nested
            .diagnostics
            .iter()
            .all(|d| !d.pointer.ends_with("/locale")),
        "{:?}",
        nested.diagnostics
    );
    let err = Table::from_value(json!({"type": "object", "x-synth": {"locale": "xx"}}), None)
        .unwrap_err();
    assert_eq!(err.pointer(), Some("/x-synth/locale"));
}
