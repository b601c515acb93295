//! Cross-field rules (`after`, `before`, `when`): every row keeps them, every record
//! stays valid, a field no rule reads from is untouched by the rules, and a rule that
//! cannot hold is refused at its pointer.

mod common;

use serde_json::{Value, json};
use synthtune::Table;

use common::epoch_seconds;

const SEED: u64 = 11;

/// A subscription as a pydantic model exports it, with its rules.
fn subscription(gap: Value) -> Value {
    json!({
        "title": "Subscription",
        "type": "object",
        "properties": {
            "id": {"type": "integer", "x-synth": {"sequence": {"start": 1}}},
            "status": {"enum": ["active", "canceled", "paused"], "x-synth": {"weights": [70, 20, 10]}},
            "created_at": {"type": "string", "format": "date-time"},
            "canceled_at": {
                "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
                "default": null,
                "x-synth": {"after": gap, "when": {"status": "canceled"}}
            },
            "renewed_on": {"type": "string", "format": "date", "x-synth": {"after": "created_at"}},
            "shipped_at": {"type": "string", "format": "date-time", "x-synth": {"after": {"field": "created_at", "max": 3}}},
            "delivered_at": {"type": "string", "format": "date-time", "x-synth": {"after": {"field": "shipped_at", "min": 0.5, "max": 10}}},
            "trial_start": {"type": "string", "format": "date", "formatMinimum": "2021-06-01", "x-synth": {"before": {"field": "created_at", "min": 1, "max": 30}}},
            "seats_min": {"type": "integer", "minimum": 1, "maximum": 50},
            "seats_max": {"type": "integer", "minimum": 1, "maximum": 200, "x-synth": {"after": {"field": "seats_min", "max": 100}}},
            "paused_reason": {"type": "string", "x-synth": {"when": {"status": "paused"}}}
        },
        "required": ["id", "status", "created_at", "canceled_at", "renewed_on", "shipped_at", "delivered_at", "trial_start", "seats_min", "seats_max"]
    })
}

fn lognormal_gap() -> Value {
    json!({"field": "created_at", "min": 1, "max": 400, "distribution": {"lognormal": {"mu": 3, "sigma": 1}}})
}

fn rows(schema: &Value, n: u64) -> Vec<Value> {
    let table = Table::from_value(schema.clone(), None).unwrap_or_else(|e| panic!("{e}"));
    (0..n)
        .map(|row| {
            table
                .try_row_value(SEED, row)
                .unwrap_or_else(|e| panic!("row {row}: {e}"))
        })
        .collect()
}

#[test]
fn every_row_keeps_every_rule_and_validates() {
    let schema = subscription(lognormal_gap());
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let records = rows(&schema, 20_000);
    let (mut canceled, mut gaps) = (0, Vec::new());
    for (row, r) in records.iter().enumerate() {
        assert!(validator.is_valid(r), "row {row}: {r}");
        let created = epoch_seconds(&r["created_at"]);
        // when: canceled_at is there exactly for canceled subscriptions.
        match r["status"].as_str().unwrap() {
            "canceled" => {
                canceled += 1;
                let gap = epoch_seconds(&r["canceled_at"]) - created;
                assert!((86_400..=400 * 86_400).contains(&gap), "row {row}: {r}");
                gaps.push(gap);
            }
            _ => assert!(r["canceled_at"].is_null(), "row {row}: {r}"),
        }
        assert_eq!(
            r.get("paused_reason").is_some(),
            r["status"] == "paused",
            "row {row}: {r}"
        );
        // after, on a date: the renewal's day is on or after the creation's day.
        assert!(
            epoch_seconds(&r["renewed_on"]) >= created - created.rem_euclid(86_400),
            "row {row}: {r}"
        );
        // A chain: created ≤ shipped ≤ delivered, with its gaps.
        let shipped = epoch_seconds(&r["shipped_at"]);
        let delivered = epoch_seconds(&r["delivered_at"]);
        assert!(
            (created..=created + 3 * 86_400).contains(&shipped),
            "row {row}: {r}"
        );
        assert!(
            (shipped + 43_200..=shipped + 10 * 86_400).contains(&delivered),
            "row {row}: {r}"
        );
        // before, within the field's own bound.
        let trial = epoch_seconds(&r["trial_start"]);
        let created_day = created - created.rem_euclid(86_400);
        assert!(
            (created_day - 30 * 86_400..=created_day - 86_400).contains(&trial),
            "row {row}: {r}"
        );
        assert!(
            trial >= epoch_seconds(&json!("2021-06-01")),
            "row {row}: {r}"
        );
        // Integers.
        let (min, max) = (
            r["seats_min"].as_i64().unwrap(),
            r["seats_max"].as_i64().unwrap(),
        );
        assert!((min..=min + 100).contains(&max), "row {row}: {r}");
    }
    // The weights still hold (20 % canceled), and the gap follows its law: 1 day plus a
    // lognormal(3, 1) of days has its median at 1 + e³ ≈ 21.1 days.
    assert!(
        (3_700..4_300).contains(&canceled),
        "{canceled} canceled of 20,000"
    );
    gaps.sort_unstable();
    let median = gaps[gaps.len() / 2] as f64 / 86_400.0;
    assert!((19.0..23.5).contains(&median), "median gap {median} days");
}

/// Editing a rule's gap changes the field it orders and nothing else: every other field
/// is drawn from its own key.
#[test]
fn a_rule_changes_only_the_field_it_orders() {
    let before = rows(&subscription(lognormal_gap()), 2_000);
    let after = rows(
        &subscription(json!({"field": "created_at", "min": 2, "max": 90})),
        2_000,
    );
    let mut changed = 0;
    for (a, b) in before.iter().zip(&after) {
        for (field, value) in a.as_object().unwrap() {
            if field == "canceled_at" {
                changed += usize::from(value != &b[field]);
            } else {
                assert_eq!(Some(value), b.get(field), "{field} changed: {a} → {b}");
            }
        }
    }
    assert!(changed > 300, "only {changed} canceled_at values changed");
}

/// Rules do not shift the fields that have none: the same schema without them gives the
/// same values for those fields.
#[test]
fn rules_leave_the_other_fields_as_they_were() {
    let mut plain = subscription(lognormal_gap());
    for field in [
        "canceled_at",
        "renewed_on",
        "shipped_at",
        "delivered_at",
        "trial_start",
        "seats_max",
        "paused_reason",
    ] {
        plain["properties"][field]
            .as_object_mut()
            .unwrap()
            .remove("x-synth");
    }
    let ruled = rows(&subscription(lognormal_gap()), 500);
    let plain = rows(&plain, 500);
    for (a, b) in ruled.iter().zip(&plain) {
        for field in ["id", "status", "created_at", "seats_min"] {
            assert_eq!(a[field], b[field], "{field}: {a} vs {b}");
        }
    }
}

/// The statistics of `rows` rows of `schema`, as `stats` computes them.
fn summary_of(schema: Value, rows: u64) -> synthtune::stats::Summary {
    let table = Table::from_value(schema, None).unwrap();
    synthtune::stats::summarize(&table, &synthtune::stats::SampleOptions::new(SEED, rows)).unwrap()
}

/// Each rule's field, the rows that kept it and the rows it applied to.
fn rules_held(summary: &synthtune::stats::Summary) -> Vec<(&str, u64, u64)> {
    summary
        .rules
        .iter()
        .map(|r| (r.field.as_str(), r.held, r.objects))
        .collect()
}

fn refusal(schema: Value) -> (String, String) {
    let error = Table::from_value(schema, None).expect_err("refused");
    (error.pointer().unwrap_or("").to_owned(), error.to_string())
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

#[test]
fn a_rule_that_cannot_hold_is_refused_at_its_pointer() {
    let date = |synth: Value| json!({"type": "string", "format": "date", "x-synth": synth});
    let cases = [
        (
            object(
                json!({"a": date(json!({})), "b": date(json!({"after": "c"}))}),
                &["a", "b"],
            ),
            "/properties/b/x-synth/after",
            "names \"c\", which is not a property of this object",
        ),
        (
            object(
                json!({"a": date(json!({"after": "b"})), "b": date(json!({"after": "a"}))}),
                &["a", "b"],
            ),
            "/properties/a/x-synth/after",
            "in a circle: a → b → a",
        ),
        (
            object(json!({"a": date(json!({"after": "a"}))}), &["a"]),
            "/properties/a/x-synth/after",
            "names the field itself",
        ),
        (
            object(
                json!({"a": date(json!({})), "b": {"type": "string", "x-synth": {"after": "a"}}}),
                &["a", "b"],
            ),
            "/properties/b/x-synth/after",
            "orders dates, date-times, integers and numbers",
        ),
        (
            object(
                json!({"a": {"type": "integer"}, "b": date(json!({"after": "a"}))}),
                &["a", "b"],
            ),
            "/properties/b/x-synth/after",
            "cannot be ordered against",
        ),
        (
            // Explicit bounds that leave the latest `a` no later `b`.
            object(
                json!({"a": date(json!({})), "b": {"type": "string", "format": "date", "formatMaximum": "2025-01-01", "x-synth": {"after": {"field": "a", "min": 1}}}}),
                &["a", "b"],
            ),
            "/properties/b/x-synth/after",
            "has no value in some rows",
        ),
        (
            object(
                json!({"n": {"type": "integer", "maximum": 10}, "m": {"type": "integer", "maximum": 10, "x-synth": {"after": {"field": "n", "min": 5}}}}),
                &["n", "m"],
            ),
            "/properties/m/x-synth/after",
            "has no value in some rows",
        ),
        (
            object(
                json!({"s": {"enum": ["a", "b"]}, "t": {"type": ["string", "null"], "x-synth": {"when": {"s": "c"}}}}),
                &["s", "t"],
            ),
            "/properties/t/x-synth/when/s",
            "\"s\" never has the value \"c\": its values are \"a\", \"b\"",
        ),
        (
            object(
                json!({"s": {"enum": ["a", "b"]}, "t": {"type": "string", "x-synth": {"when": {"s": "a"}}}}),
                &["s", "t"],
            ),
            "/properties/t/x-synth/when",
            "when needs \"t\" to be nullable or optional",
        ),
        (
            object(
                json!({"a": date(json!({"after": {"field": "b", "min": 3, "max": 1}})), "b": date(json!({}))}),
                &["a", "b"],
            ),
            "/properties/a/x-synth/after/min",
            "the gap's min 3 is above its max 1",
        ),
        (
            object(
                json!({"a": date(json!({"after": {"field": "b", "step": 1}})), "b": date(json!({}))}),
                &["a", "b"],
            ),
            "/properties/a/x-synth/after/step",
            "unknown after key \"step\"",
        ),
        (
            object(
                json!({"a": date(json!({"after": "b", "before": "b"})), "b": date(json!({}))}),
                &["a", "b"],
            ),
            "/properties/a/x-synth/before",
            "a field follows one sibling",
        ),
        (
            object(json!({"a": date(json!({"when": {}}))}), &[]),
            "/properties/a/x-synth/when",
            "when must map sibling fields",
        ),
    ];
    for (schema, pointer, message) in cases {
        let (at, error) = refusal(schema.clone());
        assert_eq!(at, pointer, "{schema}: {error}");
        assert!(error.contains(message), "{schema}: {error}");
    }
}

/// A rule written where no sibling can be read is a note, never silently dropped.
#[test]
fn a_rule_outside_a_property_is_noted() {
    let schema = json!({
        "type": "object",
        "x-synth": {"when": {"a": 1}},
        "properties": {"a": {"type": "array", "items": {"type": "string", "format": "date", "x-synth": {"after": "b"}}}},
        "required": ["a"]
    });
    let table = Table::from_value(schema, None).unwrap();
    let notes: Vec<String> = table.diagnostics.iter().map(|d| d.to_string()).collect();
    for at in ["/x-synth/when", "/properties/a/items/x-synth/after"] {
        assert!(
            notes
                .iter()
                .any(|n| n.contains(at) && n.contains("has no effect here")),
            "{at} not noted: {notes:#?}"
        );
    }
}

/// A field `when` leaves out is absent (optional, not nullable); its rates are noted as
/// overridden.
#[test]
fn when_leaves_an_optional_field_out_and_overrides_its_rates() {
    let schema = object(
        json!({
            "plan": {"type": "boolean"},
            "seats": {"type": "integer", "x-synth": {"when": {"plan": true}, "absent_rate": 0.5}}
        }),
        &["plan"],
    );
    let table = Table::from_value(schema.clone(), None).unwrap();
    let notes: Vec<String> = table.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("/properties/seats/x-synth/absent_rate")
                && n.contains("when decides")),
        "{notes:#?}"
    );
    for (row, r) in rows(&schema, 2_000).iter().enumerate() {
        assert_eq!(
            r.get("seats").is_some(),
            r["plan"] == true,
            "row {row}: {r}"
        );
    }
}

/// The rules of a pydantic model, checked by an independent Python script on 100,000
/// exported rows (its own date arithmetic), every row loaded back into the model
/// (scripts/rules_check.py; README: "Rules between the fields of a row" gives the
/// 1,000,000-row run).
#[test]
fn an_independent_check_finds_no_broken_rule() {
    let report = common::python_check("rules_check.py", &["-n", "100000", "--seed", "7"]);
    assert!(
        report.contains("100000 rows of SubscriptionLifecycle"),
        "{report}"
    );
}

/// `stats` shows each rule with the share of the sample where it held (all of it), and
/// a `when`'s share of objects with a value by the sibling's value.
#[test]
fn stats_show_each_rule_and_its_conditional_shares() {
    let summary = summary_of(subscription(lognormal_gap()), 3_000);
    let kinds: Vec<(&str, &str)> = summary
        .rules
        .iter()
        .map(|r| (r.field.as_str(), r.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("canceled_at", "when"),
            ("canceled_at", "after"),
            ("renewed_on", "after"),
            ("shipped_at", "after"),
            ("delivered_at", "after"),
            ("trial_start", "before"),
            ("seats_max", "after"),
            ("paused_reason", "when"),
        ]
    );
    for rule in &summary.rules {
        assert_eq!(rule.held, rule.objects, "{rule:?}");
        assert!(rule.objects > 0, "{rule:?}");
    }
    let canceled = &summary.rules[0];
    for share in &canceled.by_value {
        let expected = if share.value == "\"canceled\"" {
            share.objects
        } else {
            0
        };
        assert_eq!(share.with_value, expected, "{share:?}");
    }
    let text = synthtune::stats::render_text(&summary);
    assert!(text.contains("Rules (held in this sample):"), "{text}");
    assert!(
        text.contains("100.000% canceled_at when (3,000 of 3,000 objects)"),
        "{text}"
    );
    let json = synthtune::stats::to_json(&summary);
    assert_eq!(json["rules"][0]["field"], "canceled_at");
    assert_eq!(json["rules"][0]["held"], 3000);
}

/// `derive`: a field made from its siblings by a template, still valid for its own
/// schema (where the text is not, the field's own value is written, and statistics
/// count the rule broken in that row).
#[test]
fn a_derived_field_is_its_template_of_the_row() {
    let schema = object(
        json!({
            "first_name": {"type": "string", "x-synth": {"domain": "first_name", "locale": "fr_FR"}},
            "last_name": {"type": "string", "x-synth": {"domain": "last_name", "locale": "fr_FR"}},
            "full_name": {"type": "string", "maxLength": 60, "x-synth": {"derive": {"template": "{first_name} {last_name}"}}},
            "email": {"type": "string", "format": "email", "x-synth": {"derive": {"template": "{first_name|ascii|slug}.{last_name|ascii|slug}@example.com"}}},
            "title": {"type": "string", "x-synth": {"domain": "sentence"}},
            "slug": {"type": "string", "maxLength": 40, "x-synth": {"derive": {"template": "{title|slug}"}}}
        }),
        &[
            "first_name",
            "last_name",
            "full_name",
            "email",
            "title",
            "slug",
        ],
    );
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let slug_of = |title: &str| {
        let words: Vec<String> = title
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.join("-")
    };
    let mut slugged = 0;
    for (row, r) in rows(&schema, 2_000).iter().enumerate() {
        assert!(validator.is_valid(r), "row {row}: {r}");
        let (first, last) = (
            r["first_name"].as_str().unwrap(),
            r["last_name"].as_str().unwrap(),
        );
        assert_eq!(r["full_name"], format!("{first} {last}"), "row {row}");
        let slug = slug_of(r["title"].as_str().unwrap());
        if slug.chars().count() <= 40 {
            assert_eq!(r["slug"], slug, "row {row}");
            slugged += 1;
        } else {
            assert_ne!(r["slug"], slug, "row {row}");
        }
    }
    // Some sentences slug to more than 40 characters: those rows keep the field's own
    // value, and the statistics say so.
    assert!((100..1_900).contains(&slugged), "{slugged}");
    let summary = summary_of(schema, 2_000);
    let held = rules_held(&summary);
    assert_eq!(held[0], ("full_name", 2_000, 2_000));
    assert!(held[1].1 > 1_950, "{held:?}");
    assert_eq!(held[2], ("slug", slugged, 2_000));
}

#[test]
fn a_bad_derivation_is_refused_at_its_pointer() {
    let text = json!({"type": "string"});
    let cases = [
        (
            json!({"a": text, "b": {"type": "string", "x-synth": {"derive": {"template": "{c}"}}}}),
            "/properties/b/x-synth/derive/template",
            "names \"c\", which is not a property",
        ),
        (
            json!({"a": text, "b": {"type": "string", "x-synth": {"derive": {"template": "{a|shout}"}}}}),
            "/properties/b/x-synth/derive/template",
            "unknown filter \"shout\"",
        ),
        (
            json!({"a": text, "b": {"type": "integer", "x-synth": {"derive": {"template": "{a}"}}}}),
            "/properties/b/x-synth/derive",
            "derive's template writes text",
        ),
        (
            json!({"a": text, "b": {"type": "string", "x-synth": {"derive": {"expression": "a * 2"}}}}),
            "/properties/b/x-synth/derive",
            "derive's expression computes a number",
        ),
        (
            json!({"a": {"type": "integer"}, "b": {"type": "integer", "x-synth": {"derive": {"expression": "a * "}}}}),
            "/properties/b/x-synth/derive/expression",
            "expected a number, a field name or (, found the end",
        ),
        (
            json!({"a": {"type": "integer"}, "b": {"type": "integer", "x-synth": {"derive": {"expression": "a * c"}}}}),
            "/properties/b/x-synth/derive/expression",
            "names \"c\", which is not a property",
        ),
        (
            json!({"a": {"type": "integer"}, "b": {"type": "integer", "x-synth": {"derive": {"expression": "a", "template": "{a}"}}}}),
            "/properties/b/x-synth/derive/template",
            "a template or an expression, not both",
        ),
        (
            json!({"a": {"type": "integer"}, "b": {"type": "integer", "x-synth": {"derive": {"expression": 3}}}}),
            "/properties/b/x-synth/derive/expression",
            "an expression is a string",
        ),
        (
            json!({"a": {"type": "integer", "x-synth": {"derive": {"expression": "b + 1"}}}, "b": {"type": "integer", "x-synth": {"derive": {"expression": "a - 1"}}}}),
            "/properties/a/x-synth/derive",
            "in a circle",
        ),
        (
            json!({"a": text, "b": {"type": "string", "x-synth": {"derive": "{a}"}}}),
            "/properties/b/x-synth/derive",
            "derive must be",
        ),
        (
            json!({"a": {"type": "string", "x-synth": {"derive": {"template": "{b}"}}}, "b": {"type": "string", "x-synth": {"derive": {"template": "{a}"}}}}),
            "/properties/a/x-synth/derive",
            "in a circle",
        ),
    ];
    for (properties, pointer, message) in cases {
        let (at, error) = refusal(object(properties.clone(), &["a", "b"]));
        assert_eq!(at, pointer, "{properties}: {error}");
        assert!(error.contains(message), "{properties}: {error}");
    }
}

/// `derive` with an expression: a number computed from the row's numbers in exact
/// decimal arithmetic, rounded to the field's own step; where the result leaves the
/// field's schema, the field keeps its own value and statistics count the rule broken.
#[test]
fn a_derived_number_is_its_expression_of_the_row() {
    let money = json!([{"type": "number"}, {"type": "string", "pattern": "^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d{0,2}0*$"}]);
    let schema = object(
        json!({
            "quantity": {"type": "integer", "minimum": 1, "maximum": 20},
            "unit_price": {"type": "number", "minimum": 0.5, "maximum": 500, "multipleOf": 0.01},
            "discount": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 0.3, "multipleOf": 0.05}, {"type": "null"}]},
            "total": {"anyOf": money, "x-synth": {"derive": {"expression": "quantity * unit_price * (1 - discount)"}}},
            "tax": {"type": "number", "multipleOf": 0.01, "x-synth": {"derive": {"expression": "round(total * 0.075, 2)"}}},
            "boxes": {"type": "integer", "minimum": 1, "maximum": 5, "x-synth": {"derive": {"expression": "quantity / 4"}}}
        }),
        &[
            "quantity",
            "unit_price",
            "discount",
            "total",
            "tax",
            "boxes",
        ],
    );
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    // Exact cents, computed apart from synthtune: integers of hundredths.
    let cents = |v: &Value| (v.as_f64().unwrap() * 100.0).round() as i64;
    let half_up = |n: i64, d: i64| (2 * n + d) / (2 * d);
    let (mut with_discount, mut boxed) = (0, 0);
    for (row, r) in rows(&schema, 5_000).iter().enumerate() {
        assert!(validator.is_valid(r), "row {row}: {r}");
        let quantity = r["quantity"].as_i64().unwrap();
        let price = cents(&r["unit_price"]);
        let boxes = half_up(quantity, 4);
        if (1..=5).contains(&boxes) {
            assert_eq!(r["boxes"], boxes, "row {row}: {r}");
            boxed += 1;
        }
        match r["discount"].as_f64() {
            // No discount: the expression has no value, the field is drawn on its own.
            None => continue,
            Some(d) => {
                with_discount += 1;
                let percent = (d * 100.0).round() as i64;
                // quantity × price(cents) × (100 − percent) / 100, to the cent.
                let total = half_up(quantity * price * (100 - percent), 100);
                assert_eq!(cents(&r["total"]), total, "row {row}: {r}");
                let tax = half_up(total * 75, 1000);
                assert_eq!(cents(&r["tax"]), tax, "row {row}: {r}");
            }
        }
    }
    // Both kinds of row were met: with a discount, and with none.
    assert!((1_000..4_990).contains(&with_discount), "{with_discount}");
    let summary = summary_of(schema, 5_000);
    let held = rules_held(&summary);
    assert_eq!(held[0], ("total", with_discount, with_discount), "{held:?}");
    assert_eq!(held[1].0, "tax");
    assert_eq!(held[1].1, held[1].2, "{held:?}");
    // quantity / 4 rounds to 0 for quantities 1: those rows keep their own value.
    assert_eq!(held[2], ("boxes", boxed, 5_000), "{held:?}");
    assert!(boxed < 5_000, "{boxed}");
}

/// A proptest runner of `cases` cases from a fixed seed: the same texts on every run.
fn seeded_runner(cases: u32) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let config = Config {
        cases,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// A derived email skips the validator when it is plainly an email: every text that
/// test passes must be an email to the `jsonschema` crate too.
#[test]
fn a_plain_email_is_an_email_to_the_validator() {
    use proptest::prelude::*;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&json!({"type": "string", "format": "email"}))
        .unwrap();
    let mut runner = seeded_runner(5_000);
    let texts = "[a-zA-Z0-9._%+@-]{1,12}@[a-zA-Z0-9.-]{1,12}(\\.[a-z0-9-]{1,6})?(\\.[a-z]{2,4})?";
    let plain = std::cell::Cell::new(0);
    runner
        .run(&proptest::string::string_regex(texts).unwrap(), |text| {
            if synthtune::generate::rule::is_plain_email(&text) {
                plain.set(plain.get() + 1);
                prop_assert!(validator.is_valid(&json!(text)), "{text}");
            }
            Ok(())
        })
        .unwrap();
    for text in [
        "a@b.co",
        "first.last+tag@mail.example.com",
        "x_y%z@a-b.c-d.org",
    ] {
        assert!(synthtune::generate::rule::is_plain_email(text), "{text}");
        assert!(validator.is_valid(&json!(text)), "{text}");
    }
    for text in [
        ".a@b.co",
        "a..b@b.co",
        "a@b",
        "a@-b.co",
        "a@b.co-",
        "a b@c.de",
        "a@b..co",
        "a@xn--b.co",
        "a@b.c0",
    ] {
        assert!(!synthtune::generate::rule::is_plain_email(text), "{text}");
    }
    // Enough of the drawn texts were plain emails for the check to mean something.
    assert!(plain.get() > 500, "{} plain emails", plain.get());
}

/// A template whose fields each go through `slug`, all before its `@`, makes plain
/// emails whenever its fields give text, the whole is ASCII and the local part is at
/// most 64 bytes: the derived email then skips even the email check. Every text it
/// makes under those conditions, from any field texts, must be a plain email and an
/// email to the `jsonschema` crate.
#[test]
fn an_email_template_of_slugs_is_an_email_by_its_shape() {
    use proptest::prelude::*;
    use synthtune::generate::rule::is_plain_email;
    use synthtune::generate::template::Template;
    let parse = |source: &str| {
        Template::parse(source, |name| match name {
            "first" => Ok(0),
            "last" => Ok(1),
            _ => Err(format!("no {name}")),
        })
        .unwrap()
    };
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&json!({"type": "string", "format": "email"}))
        .unwrap();
    let shaped = [
        ("{first|ascii|slug}.{last|ascii|slug}@example.com", 11),
        ("{first|slug}_{last|slug|ascii}@mail.example.org", 16),
        ("{first|slug|upper}{last|lower|slug}+x@a.io", 4),
        ("u.{first|ascii|slug}@example.com", 11),
    ];
    for (source, domain) in shaped {
        assert_eq!(
            parse(source).email_domain_length(),
            Some(domain),
            "{source}"
        );
    }
    for source in [
        "{first|ascii|lower}.{last|ascii|lower}@example.com", // a dot can come through
        "{first|slug}@{last|slug}.com",                       // a field in the domain
        ".{first|slug}@example.com",                          // a leading dot
        "{first|slug}..{last|slug}@example.com",              // two dots
        "{first|slug}@example.c0m",                           // not a top-level domain
        "{first|slug} {last|slug}@example.com",               // a space
        "{first|slug}.{last|slug}",                           // no domain
    ] {
        assert_eq!(parse(source).email_domain_length(), None, "{source}");
    }
    let mut runner = seeded_runner(4_000);
    let templates: Vec<(Template, usize)> = shaped.iter().map(|(s, d)| (parse(s), *d)).collect();
    // Names, punctuation, accents, other scripts, dots, `@`s and spaces, short and long.
    let field = "([A-Za-z0-9 .@_+'-]|[éøßİſ北Ω]){0,40}";
    let taken = std::cell::Cell::new(0);
    runner
        .run(
            &(
                proptest::string::string_regex(field).unwrap(),
                proptest::string::string_regex(field).unwrap(),
            ),
            |(first, last)| {
                for (template, domain) in &templates {
                    let (mut text, mut scratch) = (String::new(), String::new());
                    let every_field = template.render_into(&mut text, &mut scratch, |i, _, out| {
                        out.push_str(if i == 0 { &first } else { &last })
                    });
                    prop_assert_eq!(
                        &text,
                        &template.render(|i, _| if i == 0 { first.clone() } else { last.clone() })
                    );
                    if every_field && text.is_ascii() && text.len() - domain - 1 <= 64 {
                        taken.set(taken.get() + 1);
                        prop_assert!(is_plain_email(&text), "{}", text);
                        prop_assert!(validator.is_valid(&json!(text)), "{}", text);
                    }
                }
                Ok(())
            },
        )
        .unwrap();
    assert!(taken.get() > 4_000, "{} texts checked", taken.get());
}

/// `after` and `before` order numbers on a decimal grid: cents after cents, a number
/// after an integer, pydantic's `Decimal` (a number-or-string union); the gap is in the
/// field's own units, fractions to its precision.
#[test]
fn numbers_in_decimal_steps_are_ordered() {
    let schema = object(
        json!({
            "list_price": {"type": "number", "minimum": 1, "maximum": 500, "multipleOf": 0.01},
            "sale_price": {"type": "number", "multipleOf": 0.01, "minimum": 0,
                           "x-synth": {"before": {"field": "list_price", "min": 0.1, "max": 0.75}}},
            "seats": {"type": "integer", "minimum": 1, "maximum": 50},
            "budget": {"type": "number", "multipleOf": 0.1,
                       "x-synth": {"after": {"field": "seats", "min": 0.5, "max": 20,
                                             "distribution": {"exponential": {"rate": 0.5}}}}},
            "cost": {"anyOf": [{"type": "number", "minimum": 1, "maximum": 99}, {"type": "string"}]},
            "price": {"anyOf": [{"type": "number"}, {"type": "string"}],
                      "x-synth": {"after": {"field": "cost", "min": 0.01, "max": 10}}},
        }),
        &[
            "list_price",
            "sale_price",
            "seats",
            "budget",
            "cost",
            "price",
        ],
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let cents = |v: &Value| -> i64 {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        (text.parse::<f64>().unwrap() * 100.0).round() as i64
    };
    for (row, r) in rows(&schema, 5_000).iter().enumerate() {
        assert!(validator.is_valid(r), "row {row}: {r}");
        let gap = cents(&r["list_price"]) - cents(&r["sale_price"]);
        assert!((10..=75).contains(&gap), "row {row}: {r}");
        let budget = cents(&r["budget"]);
        assert_eq!(budget % 10, 0, "row {row}: {r}");
        let gap = budget - 100 * r["seats"].as_i64().unwrap();
        assert!((50..=2_000).contains(&gap), "row {row}: {r}");
        let gap = cents(&r["price"]) - cents(&r["cost"]);
        assert!((1..=1_000).contains(&gap), "row {row}: {r}");
    }
    let summary = summary_of(schema, 2_000);
    for (field, held, objects) in rules_held(&summary) {
        assert_eq!(held, objects, "{field}");
    }
    let after_a = |a: Value, b: Value| {
        let mut b = b;
        b["x-synth"] = json!({"after": "a"});
        refusal(object(json!({"a": a, "b": b}), &["a", "b"]))
    };
    let number = |step: f64| json!({"type": "number", "multipleOf": step});
    for ((a, b), message) in [
        // Finer after coarser only: cents cannot be read in tenths.
        ((number(0.01), number(0.1)), "no more decimals"),
        // A grid that skips steps (multipleOf 0.05) is not every cent.
        (
            (number(0.01), number(0.05)),
            "numbers in steps of a decimal",
        ),
    ] {
        let (at, error) = after_a(a, b);
        assert_eq!(at, "/properties/b/x-synth/after", "{error}");
        assert!(error.contains(message), "{error}");
    }
}

/// Ruled objects inside a ruled object: each line's derived total and its ship date read
/// the line's own fields while the order's are being written, and a derived field and a
/// date that several rules read are the values written (they are computed once per
/// object and kept while it is written, `generate::rule::ReadSiblings`).
#[test]
fn ruled_objects_inside_a_ruled_object_read_their_own_siblings() {
    let line = json!({
        "type": "object",
        "properties": {
            "quantity": {"type": "integer", "minimum": 1, "maximum": 9},
            "unit_price": {"type": "number", "minimum": 1, "maximum": 50, "multipleOf": 0.01},
            "total": {"type": "number", "x-synth": {"derive": {"expression": "quantity * unit_price"}}},
            "with_tax": {"type": "number", "x-synth": {"derive": {"expression": "round(total * 1.2, 2)"}}},
            "ordered_on": {"type": "string", "format": "date"},
            "shipped_on": {"type": "string", "format": "date", "x-synth": {"after": {"field": "ordered_on", "max": 5}}}
        },
        "required": ["quantity", "unit_price", "total", "with_tax", "ordered_on", "shipped_on"]
    });
    let schema = json!({
        "type": "object",
        "properties": {
            "seats": {"type": "integer", "minimum": 1, "maximum": 100},
            "seat_price": {"type": "integer", "minimum": 1, "maximum": 100},
            "created_at": {"type": "string", "format": "date-time"},
            "lines": {"type": "array", "items": line, "minItems": 1, "maxItems": 4},
            "monthly": {"type": "integer", "x-synth": {"derive": {"expression": "seats * seat_price"}}},
            "yearly": {"type": "integer", "x-synth": {"derive": {"expression": "monthly * 12"}}},
            "updated_at": {"type": "string", "format": "date-time", "x-synth": {"after": {"field": "created_at", "max": 30}}},
            "closed_at": {"type": "string", "format": "date-time", "x-synth": {"after": {"field": "updated_at", "max": 30}}},
            "audited_at": {"type": "string", "format": "date-time", "x-synth": {"after": {"field": "updated_at", "max": 1}}}
        },
        "required": ["seats", "seat_price", "created_at", "lines", "monthly", "yearly", "updated_at", "closed_at", "audited_at"]
    });
    let cents = |v: &Value| (v.as_f64().unwrap() * 100.0).round() as i64;
    for record in rows(&schema, 2_000) {
        let int = |k: &str| record[k].as_i64().unwrap();
        assert_eq!(int("monthly"), int("seats") * int("seat_price"), "{record}");
        assert_eq!(int("yearly"), int("monthly") * 12, "{record}");
        let (created, updated) = (
            epoch_seconds(&record["created_at"]),
            epoch_seconds(&record["updated_at"]),
        );
        assert!((0..=30 * 86_400).contains(&(updated - created)), "{record}");
        for later in ["closed_at", "audited_at"] {
            assert!(epoch_seconds(&record[later]) >= updated, "{record}");
        }
        for line in record["lines"].as_array().unwrap() {
            let total = line["quantity"].as_i64().unwrap() * cents(&line["unit_price"]);
            assert_eq!(cents(&line["total"]), total, "{line}");
            // Half a cent away from zero, in integers.
            assert_eq!(cents(&line["with_tax"]), (total * 12 + 5) / 10, "{line}");
            let gap = epoch_seconds(&line["shipped_on"]) - epoch_seconds(&line["ordered_on"]);
            assert!((0..=5 * 86_400).contains(&gap), "{line}");
        }
    }
}
