//! Conformance against the JSON Schema Test Suite (draft2020-12, draft2019-09, draft7):
//! for every test group with at least one valid instance, generate 20 instances and
//! validate each with the `jsonschema` crate, formats asserted, in the draft's own
//! dialect (a schema that names none gets the draft's metaschema as `$schema`). Remote
//! documents (`http://localhost:1234/...`) are the suite's `remotes` folder: synthtune
//! finds them as files beside the schema (by their path), the validator in its registry.
//!
//! The instances of every group that passes are checked again by a second, independent
//! validator, Python `jsonschema` (scripts/validate.py), which must accept them all.
//!
//! The suite is fetched by `scripts/fetch-test-suite.sh` (run here when the cached copy
//! is missing), never silently skipped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use synthtune::Table;

mod common;

use common::{PythonCase, python_problems, python_validate};

const INSTANCES: u64 = 20;

/// One draft of the suite, and the pass rate this crate has reached there (it may only
/// go up).
struct Draft {
    dir: &'static str,
    metaschema: &'static str,
    draft: jsonschema::Draft,
    required: f64,
}

const DRAFT2020_12: Draft = Draft {
    dir: "draft2020-12",
    metaschema: "https://json-schema.org/draft/2020-12/schema",
    draft: jsonschema::Draft::Draft202012,
    required: 0.997,
};

const DRAFT2019_09: Draft = Draft {
    dir: "draft2019-09",
    metaschema: "https://json-schema.org/draft/2019-09/schema",
    draft: jsonschema::Draft::Draft201909,
    required: 0.997,
};

const DRAFT7: Draft = Draft {
    dir: "draft7",
    metaschema: "http://json-schema.org/draft-07/schema#",
    draft: jsonschema::Draft::Draft7,
    required: 1.0,
};

fn suite_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
    root.join(".cache/json-schema-test-suite")
}

/// Every file of the suite's `remotes` folder, by the URL the tests use for it.
fn remotes() -> &'static Vec<(String, Value)> {
    static REMOTES: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    REMOTES.get_or_init(|| {
        let dir = suite_root().join("remotes");
        let mut out = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("remotes folder") {
                let path = entry.expect("entry").path();
                // draft-next names a dialect the validator does not know.
                if path.is_dir() && !path.ends_with("draft-next") {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let rel = path
                        .strip_prefix(&dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    let value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
                        .expect("remote JSON");
                    out.push((format!("http://localhost:1234/{rel}"), value));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    })
}

struct Outcome {
    name: String,
    failure: Option<String>,
    /// The schema as validated (with the draft's `$schema`) and its instances, for the
    /// second validator.
    checked: Option<(Value, Vec<Value>)>,
}

fn run_group(draft: &Draft, file: &str, group: &Value) -> Option<Outcome> {
    let description = group["description"].as_str().unwrap_or("?");
    let mut schema = group["schema"].clone();
    if let Value::Object(map) = &mut schema {
        map.entry("$schema")
            .or_insert_with(|| Value::String(draft.metaschema.to_owned()));
    }
    let has_valid = group["tests"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t["valid"] == Value::Bool(true)));
    if !has_valid {
        return None;
    }
    let name = format!("{file}: {description}");
    static REGISTRY: OnceLock<jsonschema::Registry<'static>> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| {
        jsonschema::Registry::new()
            .extend(remotes().iter().map(|(u, v)| (u.clone(), v.clone())))
            .and_then(|r| r.prepare())
            .expect("remotes registry")
    });
    let validator = match jsonschema::options()
        .with_draft(draft.draft)
        .with_registry(registry)
        .should_validate_formats(true)
        .build(&schema)
    {
        Ok(v) => v,
        Err(_) => return None,
    };
    let remotes_dir = suite_root().join("remotes");
    let table = match Table::from_value(schema.clone(), Some(&remotes_dir)) {
        Ok(t) => t,
        Err(e) => {
            return Some(Outcome {
                name,
                failure: Some(format!("refused: {e}")),
                checked: None,
            });
        }
    };
    let mut instances = Vec::new();
    for row in 0..INSTANCES {
        let v = table.row_value(7, row);
        if let Some(err) = validator.iter_errors(&v).next() {
            return Some(Outcome {
                name,
                failure: Some(format!("row {row} {v} invalid: {err}")),
                checked: None,
            });
        }
        instances.push(v);
    }
    Some(Outcome {
        name,
        failure: None,
        checked: Some((schema, instances)),
    })
}

fn run_draft(draft: &Draft) {
    let dir = suite_root().join("tests").join(draft.dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("suite directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut outcomes = Vec::new();
    for path in &files {
        let file = path.file_stem().unwrap().to_string_lossy().into_owned();
        let groups: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for group in &groups {
            // A panic is a failure of that group, not of the whole run.
            let outcome = std::panic::catch_unwind(|| run_group(draft, &file, group))
                .unwrap_or_else(|_| {
                    Some(Outcome {
                        name: format!("{file}: {}", group["description"]),
                        failure: Some("panicked".into()),
                        checked: None,
                    })
                });
            outcomes.extend(outcome);
        }
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    let rate = 1.0 - failed.len() as f64 / outcomes.len() as f64;
    println!(
        "conformance {}: {} of {} groups pass ({:.1}%)",
        draft.dir,
        outcomes.len() - failed.len(),
        outcomes.len(),
        rate * 100.0
    );
    for o in &failed {
        println!("  FAIL {}: {}", o.name, o.failure.as_deref().unwrap_or(""));
    }
    let remotes_dir = suite_root().join("remotes");
    let cases: Vec<PythonCase> = outcomes
        .iter()
        .filter_map(|o| {
            let (schema, instances) = o.checked.as_ref()?;
            Some(PythonCase {
                name: o.name.clone(),
                schema,
                base: None,
                remotes: Some(("http://localhost:1234/", &remotes_dir)),
                stand_ins: &[],
                instances,
            })
        })
        .collect();
    let rejected: Vec<String> = python_validate(&cases)
        .iter()
        .filter_map(|v| python_problems(v).map(|p| format!("{}: {p}", v.name)))
        .collect();
    println!(
        "second validator {}: Python jsonschema accepts the instances of {} of {} passing groups",
        draft.dir,
        cases.len() - rejected.len(),
        cases.len()
    );
    for r in &rejected {
        println!("  PYTHON {r}");
    }
    assert!(
        rate >= draft.required,
        "{}: pass rate {rate:.3} fell below {}",
        draft.dir,
        draft.required
    );
    assert!(
        rejected.is_empty(),
        "{}: Python jsonschema rejects the instances of {} groups:\n{}",
        draft.dir,
        rejected.len(),
        rejected.join("\n")
    );
}

#[test]
fn json_schema_test_suite_draft2020_12() {
    run_draft(&DRAFT2020_12);
}

#[test]
fn json_schema_test_suite_draft2019_09() {
    run_draft(&DRAFT2019_09);
}

#[test]
fn json_schema_test_suite_draft7() {
    run_draft(&DRAFT7);
}
