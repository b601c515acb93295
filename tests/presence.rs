//! Which optional keys are present is solved per object (required, `not: {required}`,
//! min/maxProperties, dependentRequired, presence-only dependentSchemas, and
//! oneOf/anyOf/if over required sets): every record meets those constraints without
//! trial and error, the `absent_rate` knobs weigh the draw, and `check` says what was
//! solved and what is left to trial and error. The minimal schemas of issue #11 are
//! regression tests here.

use serde_json::{Value, json};
use synthtune::{Severity, Table};

const SEED: u64 = 11;

fn table(schema: &Value) -> Table {
    Table::from_value(schema.clone(), None).expect("the schema compiles")
}

/// `rows` records of `schema`, each validated by the `jsonschema` crate.
fn valid_records(schema: &Value, rows: u64) -> Vec<Value> {
    let t = table(schema);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a valid schema");
    (0..rows)
        .map(|row| {
            let r = t.row_value(SEED, row);
            let errors: Vec<String> = validator.iter_errors(&r).map(|e| e.to_string()).collect();
            assert!(
                errors.is_empty(),
                "row {row} is invalid: {r}\n{errors:?}\nschema: {schema}"
            );
            r
        })
        .collect()
}

fn keys(record: &Value) -> Vec<&str> {
    let mut ks: Vec<&str> = record
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    ks.sort();
    ks
}

fn notes(schema: &Value) -> Vec<String> {
    table(schema)
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Note)
        .map(|d| d.to_string())
        .collect()
}

/// The GitHub Actions step shape: `run` with `shell`, or `uses`, never all three.
fn step_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {"run": {"type": "string"}, "shell": {"type": "string"}, "uses": {"type": "string"}},
        "oneOf": [
            {"anyOf": [{"not": {"required": ["run"]}}, {"not": {"required": ["shell"]}}]},
            {"not": {"required": ["uses"]}}
        ]
    })
}

#[test]
fn one_of_over_not_required_is_solved() {
    let schema = step_schema();
    let records = valid_records(&schema, 1000);
    // Every solution nearest to "all present" shows up: each drops one key.
    let mut shapes: Vec<Vec<&str>> = records.iter().map(keys).collect();
    shapes.sort();
    shapes.dedup();
    assert_eq!(
        shapes,
        [
            vec!["run", "shell"],
            vec!["run", "uses"],
            vec!["shell", "uses"]
        ],
        "{shapes:?}"
    );
    let notes = notes(&schema);
    assert!(
        notes.iter().any(|n| n.contains("solved (oneOf)")),
        "check does not say the oneOf is solved: {notes:?}"
    );
    let fields = table(&schema).fields();
    assert!(
        fields.iter().all(|f| !f.generator.contains("checked")),
        "no trial and error should be left: {fields:?}"
    );
}

#[test]
fn every_item_of_a_long_array_meets_max_properties() {
    let schema = json!({
        "type": "array", "minItems": 25, "maxItems": 25,
        "items": {"type": "object", "maxProperties": 1,
                  "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}
    });
    let records = valid_records(&schema, 200);
    let mut seen = [0usize; 2];
    for items in records.iter().map(|r| r.as_array().expect("an array")) {
        assert_eq!(items.len(), 25);
        for item in items {
            seen[0] += usize::from(item.get("a").is_some());
            seen[1] += usize::from(item.get("b").is_some());
        }
    }
    // Both wish to be present (absent_rate 0): the repair keeps one, either one.
    assert!(seen[0] > 1000 && seen[1] > 1000, "{seen:?}");
}

#[test]
fn absent_rates_weigh_the_draw() {
    let schema = json!({
        "type": "object", "maxProperties": 1,
        "properties": {
            "rare": {"type": "integer", "x-synth": {"absent_rate": 0.9}},
            "common": {"type": "integer"}
        }
    });
    let records = valid_records(&schema, 2000);
    let rare = records.iter().filter(|r| r.get("rare").is_some()).count();
    let common = records.iter().filter(|r| r.get("common").is_some()).count();
    // Wishes: rare 10 %, common 100 %; when both wish to be present, one gives way.
    assert!((50..200).contains(&rare), "rare present {rare} times");
    assert!(common > 1750, "common present {common} times");
}

#[test]
fn if_with_not_required_generates_objects() {
    let schema = json!({"if": {}, "then": {"not": {"required": ["x"]}}});
    for r in valid_records(&schema, 200) {
        assert!(r.is_object() && r.get("x").is_none(), "{r}");
    }
    // `x` can never be present: it is neither generated nor listed as a field.
    let fields = table(&schema).fields();
    assert!(fields.iter().all(|f| f.path != "x"), "{fields:?}");
}

#[test]
fn dependencies_and_presence_only_dependent_schemas_are_solved() {
    let schema = json!({
        "type": "object",
        "properties": {"card": {"type": "string"}, "billing": {"type": "string"},
                       "cash": {"type": "boolean"}, "note": {"type": "string"}},
        "dependentRequired": {"card": ["billing"]},
        "dependentSchemas": {"cash": {"not": {"required": ["card"]}}},
        "minProperties": 2,
        "maxProperties": 3
    });
    let records = valid_records(&schema, 1000);
    assert!(records.iter().any(|r| r.get("card").is_some()));
    assert!(records.iter().any(|r| r.get("cash").is_some()));
    let fields = table(&schema).fields();
    assert!(
        fields.iter().all(|f| !f.generator.contains("checked")),
        "no trial and error should be left: {fields:?}"
    );
}

#[test]
fn presence_part_of_a_value_constraint_is_solved_and_the_rest_is_checked() {
    // The dependent schema requires `b` (solved) and bounds its value (checked).
    let schema = json!({
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "dependentSchemas": {"a": {"required": ["b"], "properties": {"b": {"minimum": 500}}}},
        "x-synth": {}
    });
    let records = valid_records(&schema, 300);
    assert!(records.iter().any(|r| r.get("a").is_some()));
    let notes = notes(&schema);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("/dependentSchemas/a") && n.contains("trial and error")),
        "check does not list the place left to trial and error: {notes:?}"
    );
}

#[test]
fn undeclared_keys_named_by_any_of_are_written() {
    let schema = json!({"type": "object", "anyOf": [{"required": ["a"]}, {"required": ["b"]}]});
    for r in valid_records(&schema, 200) {
        assert!(r.get("a").is_some() || r.get("b").is_some(), "{r}");
    }
}

#[test]
fn objects_without_presence_constraints_keep_their_draws() {
    // The common path is untouched: one draw per key, nothing to repair.
    let schema = json!({
        "type": "object",
        "properties": {"a": {"type": "integer", "x-synth": {"absent_rate": 0.5}}, "b": {"type": "integer"}},
        "required": ["b"]
    });
    let records = valid_records(&schema, 1000);
    let a = records.iter().filter(|r| r.get("a").is_some()).count();
    assert!((400..600).contains(&a), "a present {a} times");
    assert!(notes(&schema).iter().all(|n| !n.contains("solved")));
}

#[test]
fn if_on_presence_with_value_branches_splits_exactly() {
    // The condition is on presence alone: the else branch is built without `kind`,
    // the then branch with it, so neither needs trial and error to meet the if.
    let schema = json!({
        "type": "object",
        "properties": {"kind": {"type": "string", "x-synth": {"absent_rate": 0.5}},
                       "size": {"type": "integer", "minimum": 0, "maximum": 100}},
        "required": ["size"],
        "if": {"required": ["kind"]},
        "then": {"properties": {"size": {"minimum": 10}}},
        "else": {"properties": {"size": {"maximum": 5}}}
    });
    let records = valid_records(&schema, 1000);
    let with_kind = records.iter().filter(|r| r.get("kind").is_some()).count();
    assert!(
        (300..700).contains(&with_kind),
        "kind present {with_kind} times"
    );
    let notes = notes(&schema);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("/if") && n.contains("solved in each branch")),
        "{notes:?}"
    );
}

/// A small deterministic generator for the random schemas below.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn keys(&mut self, names: &[&str]) -> Vec<String> {
        let mask = self.below(1 << names.len());
        names
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, n)| (*n).to_owned())
            .collect()
    }

    /// A schema that speaks only of which of `names` are present.
    fn presence_schema(&mut self, names: &[&str], depth: u32) -> Value {
        let leaf = depth == 0 || self.below(3) == 0;
        if leaf {
            return match self.below(4) {
                0 | 1 => json!({"required": self.keys(names)}),
                2 => json!({"maxProperties": self.below(names.len() as u64 + 1)}),
                _ => {
                    let on = names[self.below(names.len() as u64) as usize];
                    json!({"dependentRequired": {on: self.keys(names)}})
                }
            };
        }
        let sub = |d: &mut Dice| d.presence_schema(names, depth - 1);
        match self.below(5) {
            0 => json!({"not": sub(self)}),
            1 => json!({"anyOf": [sub(self), sub(self)]}),
            2 => json!({"oneOf": [sub(self), sub(self), sub(self)]}),
            3 => json!({"allOf": [sub(self), sub(self)]}),
            _ => json!({"if": sub(self), "then": sub(self), "else": sub(self)}),
        }
    }
}

#[test]
fn random_presence_constraints_are_met_or_proven_empty() {
    let names = ["a", "b", "c", "d"];
    let mut dice = Dice(2026);
    let (mut generated, mut refused) = (0, 0);
    for case in 0..300 {
        let mut schema = json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"},
                           "c": {"type": "integer", "x-synth": {"absent_rate": 0.5}},
                           "d": {"type": "integer", "x-synth": {"absent_rate": 0.9}}},
            "allOf": [dice.presence_schema(&names, 3)]
        });
        if dice.below(3) == 0 {
            schema["required"] = json!(dice.keys(&names[..2]));
        }
        if dice.below(4) == 0 {
            schema["minProperties"] = json!(dice.below(4));
        }
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        match Table::from_value(schema.clone(), None) {
            Ok(t) => {
                generated += 1;
                for row in 0..40 {
                    let r = t.row_value(SEED, row);
                    assert!(
                        validator.is_valid(&r),
                        "case {case}, row {row}: {r} is invalid\nschema: {schema}"
                    );
                }
            }
            Err(e) => {
                refused += 1;
                // A refusal must be right: no set of the four keys is valid.
                for mask in 0..16u32 {
                    let object: serde_json::Map<String, Value> = names
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, n)| ((*n).to_owned(), json!(1)))
                        .collect();
                    let object = Value::Object(object);
                    assert!(
                        !validator.is_valid(&object),
                        "case {case}: refused ({e}) but {object} is valid\nschema: {schema}"
                    );
                }
            }
        }
    }
    eprintln!("closed objects: {generated} generated, {refused} refused");
    // Both outcomes are exercised.
    assert!(
        generated > 100 && refused > 10,
        "{generated} generated, {refused} refused"
    );
}

#[test]
fn random_presence_constraints_on_open_objects() {
    // No additionalProperties: false, and `e` is named by the constraints only: its
    // schema comes from additionalProperties (absent here, so anything goes), and extra
    // keys may count towards minProperties.
    let names = ["a", "b", "c", "e"];
    let mut dice = Dice(11);
    let (mut generated, mut refused, mut left) = (0, 0, 0);
    for case in 0..300 {
        let mut schema = json!({
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"},
                           "c": {"type": "integer", "x-synth": {"absent_rate": 0.5}}},
            "allOf": [dice.presence_schema(&names, 3)]
        });
        if dice.below(3) == 0 {
            schema["minProperties"] = json!(dice.below(6));
        }
        let validator = jsonschema::validator_for(&schema).expect("a valid schema");
        match Table::from_value(schema.clone(), None) {
            // A count that only undeclared keys can meet is beyond the solver (it does
            // not invent keys for it); `check` says so, and those few cases are left.
            Ok(t)
                if t.diagnostics
                    .iter()
                    .any(|d| d.message.contains("beyond the presence solver")) =>
            {
                left += 1;
            }
            Ok(t) => {
                generated += 1;
                for row in 0..40 {
                    let r = t.row_value(SEED, row);
                    assert!(
                        validator.is_valid(&r),
                        "case {case}, row {row}: {r} is invalid\nschema: {schema}"
                    );
                }
            }
            Err(e) => {
                refused += 1;
                let all = ["a", "b", "c", "e", "x1", "x2", "x3"];
                for mask in 0..(1u32 << all.len()) {
                    let object: serde_json::Map<String, Value> = all
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, n)| ((*n).to_owned(), json!(1)))
                        .collect();
                    let object = Value::Object(object);
                    assert!(
                        !validator.is_valid(&object),
                        "case {case}: refused ({e}) but {object} is valid\nschema: {schema}"
                    );
                }
            }
        }
    }
    eprintln!("open objects: {generated} generated, {refused} refused, {left} left to trial");
    assert!(
        generated > 100 && refused > 10 && left < 30,
        "{generated} generated, {refused} refused, {left} left to trial"
    );
}
