//! Conformance against the JSON Schema Test Suite (draft2020-12): for every test group
//! with at least one valid instance that needs no remote server, generate 20 instances
//! and validate each with the `jsonschema` crate, formats asserted.
//!
//! The suite is fetched by `scripts/fetch-test-suite.sh` (run here when the cached copy
//! is missing), never silently skipped.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use synthtune::Table;

const INSTANCES: u64 = 20;
/// The pass rate this crate has reached; it may only go up.
const REQUIRED_PASS_RATE: f64 = 0.985;

fn suite_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(".cache/json-schema-test-suite/tests/draft2020-12");
    if !root
        .join(".cache/json-schema-test-suite/.complete")
        .exists()
    {
        let status = Command::new("bash")
            .arg(root.join("scripts/fetch-test-suite.sh"))
            .status()
            .expect("run scripts/fetch-test-suite.sh");
        assert!(
            status.success(),
            "fetching the JSON Schema Test Suite failed (needs python3 -m pip and PyPI)"
        );
    }
    dir
}

fn needs_remote(schema: &Value) -> bool {
    let text = schema.to_string();
    text.contains("localhost:1234")
        || text.contains("json-schema.org/draft")
            && text.contains("\"$ref\":\"https://json-schema.org")
}

struct Outcome {
    name: String,
    failure: Option<String>,
}

fn run_group(file: &str, group: &Value) -> Option<Outcome> {
    let description = group["description"].as_str().unwrap_or("?");
    let schema = &group["schema"];
    let has_valid = group["tests"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t["valid"] == Value::Bool(true)));
    if !has_valid || needs_remote(schema) {
        return None;
    }
    let name = format!("{file}: {description}");
    let validator = match jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
    {
        Ok(v) => v,
        Err(_) => return None,
    };
    let table = match Table::from_value(schema.clone(), None) {
        Ok(t) => t,
        Err(e) => {
            return Some(Outcome {
                name,
                failure: Some(format!("refused: {e}")),
            });
        }
    };
    for row in 0..INSTANCES {
        let v = table.row_value(7, row);
        if let Some(err) = validator.iter_errors(&v).next() {
            return Some(Outcome {
                name,
                failure: Some(format!("row {row} {v} invalid: {err}")),
            });
        }
    }
    Some(Outcome {
        name,
        failure: None,
    })
}

#[test]
fn json_schema_test_suite_draft2020_12() {
    let dir = suite_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("suite directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut outcomes = Vec::new();
    for path in &files {
        let file = path.file_stem().unwrap().to_string_lossy().into_owned();
        if file == "refRemote" {
            continue;
        }
        let groups: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for group in &groups {
            let file = file.clone();
            let group = group.clone();
            // A panic is a failure of that group, not of the whole run.
            let outcome =
                std::panic::catch_unwind(|| run_group(&file, &group)).unwrap_or_else(|_| {
                    Some(Outcome {
                        name: format!("{file}: {}", group["description"]),
                        failure: Some("panicked".into()),
                    })
                });
            outcomes.extend(outcome);
        }
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    let rate = 1.0 - failed.len() as f64 / outcomes.len() as f64;
    println!(
        "conformance: {} of {} groups pass ({:.1}%)",
        outcomes.len() - failed.len(),
        outcomes.len(),
        rate * 100.0
    );
    for o in &failed {
        println!("  FAIL {}: {}", o.name, o.failure.as_deref().unwrap_or(""));
    }
    assert!(
        rate >= REQUIRED_PASS_RATE,
        "pass rate {rate:.3} fell below {REQUIRED_PASS_RATE}"
    );
}
