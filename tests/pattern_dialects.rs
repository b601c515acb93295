//! Patterns as validators read them: a table of patterns in the dialects real schemas use
//! (look-arounds, back-references, `\A`/`\z`/`\Z`, class escapes on which ECMA-262 and
//! Python's `re` disagree), exported through the binary, each value checked by the
//! `jsonschema` crate and by Python's `re` (the reading of Python `jsonschema`). The test
//! fails, never skips, when python3 is missing.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// Rows exported.
const ROWS: usize = 300;

/// (pattern, the same pattern in Python's `re` dialect, or `None` where Python cannot read
/// it: `\p{...}` and the crate-refused `\Z` spelled out in the comments).
#[rustfmt::skip]
const TABLE: &[(&str, Option<&str>)] = &[
    (r"^[a-z]{3}-\d{2}$", Some(r"^[a-z]{3}-\d{2}$")),
    (r"^\s\S\s$", Some(r"^\s\S\s$")),
    (r"^[\s\w]{6}$", Some(r"^[\s\w]{6}$")),
    (r"^\D\W[^\s\d]$", Some(r"^\D\W[^\s\d]$")),
    (r"^.{5}$", Some(r"^.{5}$")),
    (r"\bcat\b", Some(r"\bcat\b")),
    (r"^(?!foo)[a-z]{3}$", Some(r"^(?!foo)[a-z]{3}$")),
    (r"^(?!x-)[a-z][a-z-]*$", Some(r"^(?!x-)[a-z][a-z-]*$")),
    (r"^(?!.*\.\.)[a-z.]{2,10}$", Some(r"^(?!.*\.\.)[a-z.]{2,10}$")),
    (r"^(?=.*[A-Z])(?=.*\d)[A-Za-z\d]{8,12}$", Some(r"^(?=.*[A-Z])(?=.*\d)[A-Za-z\d]{8,12}$")),
    (r"^[a-z0-9-]+(?<!-)$", Some(r"^[a-z0-9-]+(?<!-)$")),
    (r"^((?!--).)*$", Some(r"^((?!--).)*$")),
    (r#"^(["'])\w+\1$"#, Some(r#"^(["'])\w+\1$"#)),
    (r"^(\w{2,4})-\1$", Some(r"^(\w{2,4})-\1$")),
    (r"^(?<year>\d{4})-\d{2}$", Some(r"^(?P<year>\d{4})-\d{2}$")),
    (r"\Aabc[0-9]\z", Some(r"\Aabc[0-9]\Z")),
    (r"^\p{Lu}\p{Ll}+$", None),
];

fn schema() -> Value {
    let properties: serde_json::Map<String, Value> = TABLE
        .iter()
        .enumerate()
        .map(|(i, (pattern, _))| {
            (
                format!("p{i}"),
                json!({"type": "string", "pattern": pattern}),
            )
        })
        .collect();
    let required: Vec<String> = (0..TABLE.len()).map(|i| format!("p{i}")).collect();
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

fn export(schema: &Value) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let path = dir.path().join("dialects.json");
    std::fs::write(&path, schema.to_string()).expect("write the schema");
    let output = common::synthtune()
        .args([
            "export",
            "-n",
            &ROWS.to_string(),
            "--format",
            "ndjson",
            "-o",
            "-",
            "--quiet",
        ])
        .arg(&path)
        .output()
        .expect("run synthtune");
    assert!(
        output.status.success(),
        "{}",
        common::describe_output(&output)
    );
    String::from_utf8(output.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON record per line"))
        .collect()
}

#[test]
fn every_value_matches_as_the_jsonschema_crate_and_python_read_it() {
    let schema = schema();
    let records = export(&schema);
    assert_eq!(records.len(), ROWS);

    let validator = jsonschema::validator_for(&schema).expect("the crate reads every pattern");
    for record in &records {
        let errors: Vec<String> = validator
            .iter_errors(record)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{record}: {errors:?}");
    }

    // Python: every value against its pattern with `re.search`, as Python jsonschema does.
    let mut cases = Vec::new();
    for (i, (_, python)) in TABLE.iter().enumerate() {
        let Some(python) = python else { continue };
        let values: Vec<&Value> = records.iter().map(|r| &r[format!("p{i}")]).collect();
        cases.push(json!({"pattern": python, "values": values}));
    }
    python_re_accepts(&cases);
}

/// Runs Python's `re.search` for every value of every case (`{"pattern", "values"}`): each
/// must match, or must not where the case says `"match": false`.
fn python_re_accepts(cases: &[Value]) {
    let script = r#"
import json, re, sys
bad = []
for case in json.load(sys.stdin):
    regex = re.compile(case["pattern"])
    want = case.get("match", True)
    bad += [(case["pattern"], v) for v in case["values"] if bool(regex.search(v)) != want]
print(json.dumps(bad[:20]))
sys.exit(1 if bad else 0)
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3 cannot be run ({e}): install Python 3"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(Value::Array(cases.to_vec()).to_string().as_bytes())
        .expect("write the values to python3");
    let output = child.wait_with_output().expect("wait for python3");
    assert!(
        output.status.success(),
        "values Python's re rejects: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Values that ECMA-262 allows and Python's `re` rejects are never drawn: `\s` never gives
/// U+FEFF, `\S` never U+001C-U+001F or U+0085.
#[test]
fn space_classes_avoid_what_the_readings_disagree_on() {
    let schema = json!({"type": "object", "properties": {
        "space": {"type": "string", "pattern": r"^\s{40}$"},
        "other": {"type": "string", "pattern": r"^\S{40}$"}
    }, "required": ["space", "other"]});
    for record in export(&schema) {
        let space = record["space"].as_str().expect("a string");
        let other = record["other"].as_str().expect("a string");
        assert!(!space.contains('\u{FEFF}'), "{space:?}");
        assert!(
            !other.contains(['\u{1C}', '\u{1D}', '\u{1E}', '\u{1F}', '\u{85}', '\u{FEFF}']),
            "{other:?}"
        );
    }
}

/// A field's name, its patterns and its length bounds.
type Field = (
    &'static str,
    &'static [&'static str],
    Option<(usize, usize)>,
);

/// Several patterns on one string are generated together (from the product of their
/// automata): every value matches each of them, as the crate and Python read them.
#[test]
fn patterns_together_match_each_of_them() {
    let fields: &[Field] = &[
        ("url", &["^https://", r"\.com$"], None),
        ("code", &["^[A-Z]", r"\d$"], Some((6, 8))),
        ("slug", &[r"^[a-z]+(-[a-z]+)*$", "^.{5,9}$", "-"], None),
    ];
    let mut properties = serde_json::Map::new();
    for (name, patterns, bounds) in fields {
        let all_of: Vec<Value> = patterns.iter().map(|p| json!({"pattern": p})).collect();
        let mut field = json!({"type": "string", "allOf": all_of});
        if let Some((lo, hi)) = bounds {
            field["minLength"] = json!(lo);
            field["maxLength"] = json!(hi);
        }
        properties.insert((*name).into(), field);
    }
    let names: Vec<&str> = fields.iter().map(|(name, _, _)| *name).collect();
    let schema = json!({"type": "object", "properties": properties, "required": names});
    let records = export(&schema);
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let mut cases = Vec::new();
    for record in &records {
        assert!(validator.is_valid(record), "{record}");
    }
    for (name, patterns, _) in fields {
        let values: Vec<&Value> = records.iter().map(|r| &r[*name]).collect();
        for pattern in *patterns {
            cases.push(json!({"pattern": pattern, "values": values}));
        }
    }
    python_re_accepts(&cases);
}

/// `not: {"pattern": ...}` (dependabot's branch-name template): values avoid the patterns
/// by construction, as the crate and Python read them.
#[test]
fn not_patterns_are_avoided() {
    let avoided = [r"[ ~^:?*\[\\]", r"\.\.", r"@\{"];
    let all_of: Vec<Value> = avoided
        .iter()
        .map(|p| json!({"not": {"pattern": p}}))
        .collect();
    let schema = json!({"type": "object", "properties": {
        "template": {"type": "string", "minLength": 1, "allOf": all_of}
    }, "required": ["template"]});
    let records = export(&schema);
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    for record in &records {
        assert!(validator.is_valid(record), "{record}");
    }
    let values: Vec<&Value> = records.iter().map(|r| &r["template"]).collect();
    let cases: Vec<Value> = avoided
        .iter()
        .map(|p| json!({"pattern": p, "values": values, "match": false}))
        .collect();
    python_re_accepts(&cases);
}
