//! A value found by trial (validated and regenerated, see `check`) that cannot be found
//! stops every command with exit status 1 and a message naming the table, the row, the
//! JSON Pointer of the schema and what was tried; no invalid record is ever written.
//! (Schemas refused before generation are tests/errors.rs.)

mod common;

use common::{describe_output, run};
use serde_json::{Value, json};
use synthtune::{Table, Trial};

/// A checked integer that almost nothing satisfies: every row fails.
const NEVER: &str = r#"{
  "title": "Never",
  "type": "object",
  "required": ["n"],
  "properties": {
    "n": {"type": "integer", "minimum": 0, "maximum": 1000000000, "not": {"not": {"const": 123456789}}}
  }
}"#;

/// A checked integer that 23 of 1000 values satisfy: about one row in a hundred finds
/// none in its 200 attempts, so the first failure is some way into the table.
const RARELY: &str = r#"{
  "title": "Rarely",
  "type": "object",
  "required": ["n"],
  "properties": {
    "n": {"type": "integer", "minimum": 0, "maximum": 999, "not": {"not": {"minimum": 977}}}
  }
}"#;

/// Exit status 1 and the message: the table, a row, the pointer, the attempts.
fn assert_fails(output: &std::process::Output, table: &str, pointer: &str) -> u64 {
    let context = describe_output(output);
    assert_eq!(output.status.code(), Some(1), "{context}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(table), "names the table\n{context}");
    assert!(
        stderr.contains(&format!("at {pointer}: no valid value found by trial")),
        "names the pointer\n{context}"
    );
    assert!(
        stderr.contains("200 attempts, the most one value may take, all failed validation"),
        "says what it tried\n{context}"
    );
    stderr
        .split_once("row ")
        .and_then(|(_, rest)| rest.split(':').next())
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("names the row\n{context}"))
}

#[test]
fn sample_stops_with_exit_1() {
    let file = common::schema_file("schema", NEVER);
    let output = run(&["sample", "-n", "3"], &file.path);
    assert_eq!(assert_fails(&output, "\"Never\"", "/properties/n"), 0);
    assert!(output.stdout.is_empty(), "{}", describe_output(&output));
}

#[test]
fn stats_stop_with_exit_1() {
    let file = common::schema_file("schema", NEVER);
    for args in [
        &["stats", "-n", "100"][..],
        &["stats", "-n", "5000", "--json"],
    ] {
        let output = run(args, &file.path);
        assert_fails(&output, "\"Never\"", "/properties/n");
        assert!(output.stdout.is_empty(), "{}", describe_output(&output));
    }
}

/// Export stops every worker, writes nothing under the final name and leaves no
/// temporary file; the row it names is the first failing one, whatever the thread count.
#[test]
fn export_stops_and_writes_no_file() {
    let file = common::schema_file("schema", RARELY);
    let mut rows = Vec::new();
    for (threads, format) in [("1", "ndjson"), ("3", "ndjson"), ("2", "csv")] {
        let out = file.dir.path().join(format!("out-{threads}.{format}"));
        let output = run(
            &[
                "export",
                "-n",
                "20000",
                "--threads",
                threads,
                "--format",
                format,
                "--quiet",
                "-o",
                out.to_str().unwrap(),
            ],
            &file.path,
        );
        rows.push(assert_fails(&output, "Rarely", "/properties/n"));
        assert!(!out.exists(), "{} was written", out.display());
    }
    let names: Vec<String> = std::fs::read_dir(file.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["schema.json"], "files left behind");
    assert!(rows[0] > 0, "the first failure is not row 0: {rows:?}");
    assert!(rows.iter().all(|&r| r == rows[0]), "{rows:?}");
    // The library names the same row, and every row before it is valid.
    let table = Table::load(&file.path).unwrap();
    let validator = table.validator().unwrap();
    let seed = synthtune::DEFAULT_SEED;
    for row in 0..rows[0] {
        let record = table.try_row_value(seed, row);
        assert!(record.is_ok_and(|r| validator.is_valid(&r)), "row {row}");
    }
    let failure = table.try_row_value(seed, rows[0]).unwrap_err();
    assert_eq!((failure.table.as_str(), failure.row), ("Rarely", rows[0]));
    assert_eq!(failure.cause.pointer, "/properties/n");
}

/// Many checked values in one row share its retry budget; when it runs out, the
/// message says so.
#[test]
fn the_rows_shared_budget_running_out_is_reported() {
    let table = Table::from_value(
        json!({
            "type": "array",
            "minItems": 150,
            "maxItems": 150,
            "items": {"type": "integer", "minimum": 0, "maximum": 999, "not": {"not": {"minimum": 950}}}
        }),
        None,
    )
    .unwrap();
    let failure = table.try_row_value(1, 0).unwrap_err();
    assert_eq!(failure.cause.pointer, "/items");
    assert!(
        matches!(
            failure.cause.trial,
            Trial::Validation {
                budget_spent: true,
                ..
            }
        ),
        "{failure}"
    );
    assert!(
        failure.to_string().contains("budget of 2000 retries"),
        "{failure}"
    );
}

/// `uniqueItems` over a pattern with two values cannot give three items: exit 1, not a
/// short array. (The strings of a pattern are counted, and too few refused up front,
/// `^[a-c]$` in tests/errors.rs; alternatives are counted as if they were disjoint, and
/// these overlap: the count says three.)
#[test]
fn too_few_distinct_items_stop_with_exit_1() {
    let file = common::schema_file(
        "schema",
        r#"{"title": "Tags", "type": "array", "items": {"type": "string", "pattern": "^(a|bb|a)$"}, "minItems": 3, "uniqueItems": true}"#,
    );
    let output = run(&["sample", "-n", "1"], &file.path);
    let context = describe_output(&output);
    assert_eq!(output.status.code(), Some(1), "{context}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("row 0: at (root): uniqueItems: only 2 distinct items found"),
        "{context}"
    );
}

/// Every row either validates or fails: checked values under `unique` (whose retries
/// repeat the row's value) and under noise never come out invalid unannounced.
#[test]
fn every_row_validates_or_fails() {
    let schemas = [
        json!({"type": "integer", "minimum": 0, "maximum": 99999, "not": {"multipleOf": 2}, "x-synth": {"unique": true}}),
        json!({"type": "string", "maxLength": 30, "not": {"pattern": "e"}, "x-synth": {"unique": true}}),
        json!({"type": "integer", "minimum": 0, "maximum": 999, "not": {"not": {"minimum": 977}}, "x-synth": {"noise": 0.2}}),
        json!({"type": "array", "items": {"enum": ["a", "b", "c", "d"]}, "minItems": 3, "maxItems": 6, "uniqueItems": true}),
    ];
    for schema in schemas {
        let table = Table::from_value(schema.clone(), None).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let (mut valid, mut failed) = (0, 0);
        for row in 0..2_000 {
            let mut sink = synthtune::sink::ValueSink::new();
            match table.write_row(5, row, &mut sink) {
                Ok(noisy) => {
                    let value: Value = sink.finish();
                    assert_eq!(
                        noisy > 0,
                        !validator.is_valid(&value),
                        "{schema}: row {row}: {value}"
                    );
                    valid += 1;
                }
                Err(e) => {
                    assert_eq!(e.row, row);
                    failed += 1;
                }
            }
        }
        assert!(valid > 0, "{schema}: {failed} rows failed, none valid");
    }
}

/// Next to each refusal of tests/errors.rs, a schema that still has values: every row
/// is valid (a dropped twin `oneOf` branch, an `else` generated under `not: <if>`, a
/// unique array that needs every enum value, or a rare null).
#[test]
fn near_refusals_generate_valid_rows() {
    let schemas = [
        json!({"oneOf": [{"type": "string"}, {"type": "string"}, {"type": "integer"}]}),
        json!({"type": ["string", "integer"], "if": {"type": "string"}, "then": false}),
        json!({"type": "integer", "if": {"minimum": 10}, "then": false, "minimum": 0, "maximum": 20}),
        // `else` under `not: {minLength: 1}` is the empty string, by construction.
        json!({"type": "string", "if": {"minLength": 1}, "then": false}),
        json!({"not": {"maxItems": 2}, "items": {"type": "integer"}}),
        json!({"type": "number", "not": {"exclusiveMinimum": 1.5}, "minimum": -2}),
        json!({"type": "array", "items": {"enum": ["a", "b", "c"]}, "minItems": 3, "uniqueItems": true}),
        json!({"type": "array", "items": {"type": ["boolean", "null"]}, "minItems": 3, "maxItems": 3, "uniqueItems": true}),
    ];
    for schema in schemas {
        let table = Table::from_value(schema.clone(), None).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for row in 0..1_000 {
            let value = table
                .try_row_value(5, row)
                .unwrap_or_else(|e| panic!("{schema}: {e}"));
            assert!(validator.is_valid(&value), "{schema}: row {row}: {value}");
        }
    }
}
