//! Values inferred from field names when the schema is silent (`src/schema/infer.rs`):
//! what `check` says of them, `--no-infer` and `"infer": false`, validity, and birth
//! dates that are adults'.

mod common;

use std::path::PathBuf;

use common::{fixtures_dir, read_json, run, schema_file, validation_errors, validator_for};
use serde_json::Value;

fn person() -> PathBuf {
    fixtures_dir().join("infer/person.json")
}

fn stdout(args: &[&str], schema: &std::path::Path) -> String {
    let output = run(args, schema);
    assert!(
        output.status.success(),
        "{}",
        common::describe_output(&output)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Every inference listed, with the knob that turns it off; the `name` enum, the
/// `filename` string and the field with `"infer": false` are left alone; a guess that
/// cannot meet the constraints (`mobile` with maxLength 4) is a note.
#[test]
fn check_lists_every_inference() {
    let report = stdout(&["check"], &person());
    let report = report.replace(&person().display().to_string(), "person.json");
    insta::assert_snapshot!(report);
}

/// `--no-infer` gives the values of `"infer": false` at the root, which are the values
/// from before inference.
#[test]
fn no_infer_equals_infer_false_at_the_root() {
    let inferred = stdout(&["sample", "-n", "20"], &person());
    let off = stdout(&["sample", "-n", "20", "--no-infer"], &person());
    let mut schema = read_json(&person());
    schema["x-synth"] = serde_json::json!({"infer": false});
    let file = schema_file("person", &schema.to_string());
    let root_off = stdout(&["sample", "-n", "20"], &file.path);
    assert_eq!(off, root_off);
    assert_ne!(off, inferred);
    // Fields that infer nothing keep their values either way.
    let records = |text: &str| -> Vec<Value> {
        serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .map(Result::unwrap)
            .collect()
    };
    for (on, off) in records(&inferred).iter().zip(records(&off)) {
        for key in ["filename", "name", "username", "created_at", "mobile"] {
            assert_eq!(on[key], off[key], "{key}");
        }
        assert_ne!(on["city"], off["city"]);
    }
    let check = stdout(&["check", "--no-infer"], &person());
    assert!(!check.contains("inferred"), "{check}");
}

/// `"infer": false` on an object turns inference off for the fields inside it, and a
/// field under it may turn it back on.
#[test]
fn infer_false_holds_below_the_object() {
    let mut schema = read_json(&person());
    schema["$defs"]["Address"]["x-synth"] = serde_json::json!({"infer": false});
    schema["$defs"]["Address"]["properties"]["state"]["x-synth"] =
        serde_json::json!({"infer": true});
    let file = schema_file("person", &schema.to_string());
    let check = stdout(&["check"], &file.path);
    assert!(
        !check.contains("inferred: /$defs/Address/properties/street"),
        "{check}"
    );
    assert!(
        check.contains("inferred: /$defs/Address/properties/state"),
        "{check}"
    );
    assert!(check.contains("inferred: /properties/city"), "{check}");
}

#[test]
fn a_non_boolean_infer_is_refused_with_its_pointer() {
    let file = schema_file(
        "bad",
        r#"{"type": "object", "properties": {"city": {"type": "string", "x-synth": {"infer": "no"}}}}"#,
    );
    let output = run(&["check"], &file.path);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/properties/city/x-synth/infer") && stderr.contains("true or false"),
        "{stderr}"
    );
}

/// Every record validates, inferred or not, and birth dates are adults' on the
/// reference date (2026-01-01): 10,000 rows.
#[test]
fn records_validate_and_birth_dates_are_adults() {
    let schema = read_json(&person());
    let validator = validator_for(&person(), &schema).unwrap();
    let records = common::generate_records(&person(), 10_000).expect("records");
    let mut ages = [0u32; 100];
    for record in &records {
        let errors = validation_errors(&validator, record);
        assert!(errors.is_empty(), "{record}: {errors:?}");
        let date = record["birth_date"].as_str().unwrap();
        let (year, month, day): (i64, i64, i64) = (
            date[0..4].parse().unwrap(),
            date[5..7].parse().unwrap(),
            date[8..10].parse().unwrap(),
        );
        let age = 2026 - year - i64::from((month, day) > (1, 1));
        assert!((18..=90).contains(&age), "{date}: {age}");
        ages[age as usize] += 1;
    }
    // Shaped like adults: more people of 30 than of 80.
    let band = |from: usize, to: usize| ages[from..=to].iter().sum::<u32>();
    assert!(band(25, 34) > 2 * band(75, 84), "{ages:?}");
    // The inferred values are the domains' (a real city, an email with an @).
    assert!(
        records
            .iter()
            .all(|r| r["email"].as_str().unwrap().contains('@'))
    );
    let lorem = records
        .iter()
        .filter(|r| r["first_name"].as_str().unwrap().contains(' '))
        .count();
    assert!(lorem < 100, "{lorem} first names with a space");
}

/// What inference did or did not do is information in `stats`, not a warning (the
/// tuner shows the same lists).
#[test]
fn stats_lists_inferences_apart_from_warnings() {
    let json: Value = serde_json::from_str(&stdout(&["stats", "--json", "-n", "100"], &person()))
        .expect("stats JSON");
    let table = &json[0];
    assert_eq!(table["warnings"], serde_json::json!([]));
    let inferred = table["inferred"].as_array().unwrap();
    // 13 domains and dates, and the two entities (the person and place at the root, the
    // Address's place).
    assert_eq!(inferred.len(), 15, "{inferred:?}");
    assert!(
        inferred.iter().any(|l| l
            .as_str()
            .unwrap()
            .starts_with("note: /properties/mobile: not inferred")),
        "{inferred:?}"
    );
}
