//! Every record synthtune generates must be valid against its schema.
//!
//! For every schema in `schemas/` and `tests/fixtures/` (recursively), 1,000 records are
//! generated through the library and validated with the `jsonschema` crate, formats
//! asserted. The binary's NDJSON export must produce the very same records. The fixtures
//! themselves are checked too: together they use every keyword and format synthtune
//! promises to support, and each carries an example that the validator accepts (so a
//! failure below is the generator's, not the fixture's).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use synthtune::generate::format::{Format, SPEC_FORMATS};

use common::{
    NoRecords, PythonCase, ROWS, SEED, WALL_LIMIT, all_schema_files, describe_output, fixtures_dir,
    generate_records, json_files_under, python_problems, python_validate, read_json, rel,
    validation_errors, validator_for,
};

/// How many invalid rows to show per schema (the count of all of them is always shown).
const ROWS_SHOWN: usize = 3;

/// Cuts a record's JSON to a readable length for failure messages.
fn brief(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// A schema's generated records, or why there are none.
type Records = Result<Vec<Value>, NoRecords>;

/// `ROWS` records of every schema, generated once through the library and shared by
/// the tests below (so that a slow schema costs its time once).
fn records_of_every_schema() -> &'static [(PathBuf, Records)] {
    static RECORDS: OnceLock<Vec<(PathBuf, Records)>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        all_schema_files()
            .into_iter()
            .map(|path| {
                let records = generate_records(&path, ROWS);
                (path, records)
            })
            .collect()
    })
}

/// Validates the records of the schema at `path` and returns what is wrong, if anything.
fn check_schema(path: &Path, records: &Records) -> Option<String> {
    let schema = read_json(path);
    let validator = match validator_for(path, &schema) {
        Ok(v) => v,
        Err(e) => return Some(e),
    };
    let records = match records {
        Ok(records) => records,
        Err(NoRecords::Refused(e)) => return Some(format!("synthtune refused the schema: {e}")),
        Err(NoRecords::TooSlow(e)) => return Some(format!("too slow: {e}")),
    };
    let mut invalid_rows = 0;
    let mut shown = Vec::new();
    for (row, record) in records.iter().enumerate() {
        let errors = validation_errors(&validator, record);
        if !errors.is_empty() {
            invalid_rows += 1;
            if shown.len() < ROWS_SHOWN {
                shown.push(format!(
                    "    row {row}: {}\n      {}",
                    brief(record),
                    errors.join("\n      ")
                ));
            }
        }
    }
    (invalid_rows > 0).then(|| {
        format!(
            "{invalid_rows} of {ROWS} records invalid, for example:\n{}",
            shown.join("\n")
        )
    })
}

#[test]
fn every_schema_generates_valid_records() {
    let schemas = records_of_every_schema();
    let failures: Vec<String> = schemas
        .iter()
        .filter_map(|(path, records)| {
            check_schema(path, records).map(|why| format!("{}: {why}", rel(path)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} schemas produced invalid records or were refused:\n\n{}",
        failures.len(),
        schemas.len(),
        failures.join("\n\n")
    );
}

/// How many records of each schema the second validator checks (Python is slower).
const PYTHON_ROWS: usize = 200;

/// A second, independent validator agrees: Python `jsonschema`, with formats asserted
/// and `multipleOf` tested by float division as Python and ajv do it.
#[test]
fn python_jsonschema_accepts_every_record() {
    let schemas = records_of_every_schema();
    let documents: Vec<(PathBuf, Value, &[Value])> = schemas
        .iter()
        .filter_map(|(path, records)| {
            let records = records.as_ref().ok()?;
            Some((
                path.clone(),
                read_json(path),
                &records[..records.len().min(PYTHON_ROWS)],
            ))
        })
        .collect();
    let cases: Vec<PythonCase> = documents
        .iter()
        .map(|(path, schema, records)| PythonCase {
            name: rel(path),
            schema,
            base: path.parent(),
            remotes: None,
            stand_ins: &[],
            instances: records,
        })
        .collect();
    let failures: Vec<String> = python_validate(&cases)
        .iter()
        .filter_map(|v| python_problems(v).map(|p| format!("{}: {p}", v.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} schemas:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The binary's streaming NDJSON writer must write exactly the records the library's
/// `row_value` builds, and refuse exactly the schemas the library refuses.
#[test]
fn ndjson_export_matches_library_rows() {
    let schemas = records_of_every_schema();
    let failures: Vec<String> = schemas
        .iter()
        .filter_map(|(path, records)| {
            compare_export(path, records)
                .err()
                .map(|why| format!("{}: {why}", rel(path)))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} schemas:\n\n{}",
        failures.len(),
        schemas.len(),
        failures.join("\n\n")
    );
}

fn compare_export(path: &Path, expected: &Records) -> Result<(), String> {
    if let Err(NoRecords::TooSlow(e)) = expected {
        // Waiting for the binary as well would double the time lost, to learn nothing new.
        return Err(format!("not compared: the library is too slow ({e})"));
    }
    // The tables its foreign keys reference are read beside it; only its own is written.
    let parents = common::parent_files(path);
    let mut command = common::synthtune();
    command
        .args([
            "export",
            "-n",
            &ROWS.to_string(),
            "--seed",
            &SEED.to_string(),
            "-o",
            "-",
        ])
        .arg(path)
        .args(&parents);
    if !parents.is_empty() {
        let title = read_json(path)["title"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        command.args(["--only", &title]);
    }
    let output = command
        .timeout(WALL_LIMIT)
        .output()
        .expect("run synthtune export");
    let expected = match expected {
        Ok(records) => records,
        Err(NoRecords::Refused(_)) if output.status.code() == Some(2) => return Ok(()),
        Err(e) => {
            return Err(format!(
                "the library refuses it ({e:?}) but export did not exit 2:\n{}",
                describe_output(&output)
            ));
        }
    };
    if output.status.code().is_none() {
        return Err(format!(
            "export of {ROWS} rows did not finish within {WALL_LIMIT:?}"
        ));
    }
    if !output.status.success() {
        return Err(format!("export failed:\n{}", describe_output(&output)));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() != expected.len() {
        return Err(format!(
            "export wrote {} lines, expected {ROWS}",
            lines.len()
        ));
    }
    for (row, (line, expected)) in lines.iter().zip(expected).enumerate() {
        let exported: Value = serde_json::from_str(line)
            .map_err(|e| format!("line {} is not JSON ({e}): {line}", row + 1))?;
        if &exported != expected {
            return Err(format!(
                "row {row} differs between export and the library:\n    export:  {}\n    library: {}",
                brief(&exported),
                brief(expected)
            ));
        }
    }
    Ok(())
}

/// The fixtures are only useful if they are right: each one has a title and an example
/// that the `jsonschema` crate accepts, so that the schema is satisfiable and compiles.
#[test]
fn fixture_examples_are_valid() {
    let files = json_files_under(&fixtures_dir());
    let mut failures = Vec::new();
    for path in &files {
        let schema = read_json(path);
        if !schema.get("title").is_some_and(Value::is_string) {
            failures.push(format!("{}: no title", rel(path)));
        }
        let validator = match validator_for(path, &schema) {
            Ok(v) => v,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let examples = schema
            .get("examples")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if examples.is_empty() {
            failures.push(format!("{}: no examples", rel(path)));
        }
        for (i, example) in examples.iter().enumerate() {
            let errors = validation_errors(&validator, example);
            if !errors.is_empty() {
                failures.push(format!(
                    "{}: example {i} is invalid:\n    {}",
                    rel(path),
                    errors.join("\n    ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "broken fixtures:\n{}",
        failures.join("\n")
    );
}

/// Keywords whose value maps names to subschemas: the names are not keywords.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
];
/// Keywords whose value is data, not schema.
const DATA: &[&str] = &[
    "enum",
    "const",
    "examples",
    "default",
    "discriminator",
    "x-synth",
    "required",
];

/// What the fixtures use, gathered by walking every schema node.
#[derive(Default)]
struct Usage {
    keywords: BTreeSet<String>,
    formats: BTreeSet<String>,
    multiple_ofs: BTreeSet<String>,
    /// Features that are not plain keywords (`type` arrays, `~0` in refs, ...).
    features: BTreeSet<&'static str>,
}

impl Usage {
    fn walk(&mut self, node: &Value, draft07: bool, pointer: &str, anchors: &[(String, String)]) {
        match node {
            Value::Object(map) => {
                for (key, value) in map {
                    self.keywords.insert(key.clone());
                    let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    if NAME_MAPS.contains(&key.as_str()) {
                        if let Some(entries) = value.as_object() {
                            for (name, sub) in entries {
                                let at = format!(
                                    "{child}/{}",
                                    name.replace('~', "~0").replace('/', "~1")
                                );
                                self.walk(sub, draft07, &at, anchors);
                            }
                        }
                    } else if !DATA.contains(&key.as_str()) {
                        self.walk(value, draft07, &child, anchors);
                    }
                }
                self.note_node(map, draft07, pointer, anchors);
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(item, draft07, &format!("{pointer}/{i}"), anchors);
                }
            }
            _ => {}
        }
    }

    fn note_node(
        &mut self,
        map: &serde_json::Map<String, Value>,
        draft07: bool,
        pointer: &str,
        anchors: &[(String, String)],
    ) {
        let has = |k: &str| map.contains_key(k);
        if let Some(format) = map.get("format").and_then(Value::as_str) {
            self.formats.insert(format.to_owned());
        }
        if let Some(m) = map.get("multipleOf") {
            self.multiple_ofs.insert(m.to_string());
        }
        if map.get("type").is_some_and(Value::is_array) {
            self.features.insert("type as an array of types");
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                self.features.insert("additionalProperties: false");
            }
            Some(Value::Object(_)) => {
                self.features.insert("additionalProperties: a schema");
            }
            _ => {}
        }
        if draft07 && map.get("items").is_some_and(Value::is_array) && has("additionalItems") {
            self.features
                .insert("draft-07 array items with additionalItems");
        }
        if has("pattern") && (has("minLength") || has("maxLength")) {
            self.features.insert("pattern with length bounds");
        }
        if has("pattern") && has("format") {
            self.features.insert("pattern with format");
        }
        // Non-ASCII text, written as is or as a `\u` escape inside a pattern.
        let non_ascii = |v: &Value| {
            let text = v.to_string();
            !text.is_ascii() || text.contains("\\u")
        };
        if (has("minLength") || has("maxLength"))
            && [map.get("pattern"), map.get("enum"), map.get("const")]
                .into_iter()
                .flatten()
                .any(non_ascii)
        {
            self.features
                .insert("minLength/maxLength with non-ASCII values");
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let (resource, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            if fragment.contains("~0") {
                self.features.insert("$ref with ~0");
            }
            if fragment.contains("~1") {
                self.features.insert("$ref with ~1");
            }
            if fragment.contains('%') {
                self.features.insert("$ref with percent-encoding");
            }
            if resource.ends_with(".json") && !resource.contains("://") {
                self.features.insert("$ref to a file by relative URI");
            }
            let target = if fragment.starts_with('/') {
                Some(fragment.to_owned())
            } else {
                anchors
                    .iter()
                    .find(|(name, _)| name == fragment)
                    .map(|(_, p)| p.clone())
            };
            if resource.is_empty()
                && target.is_some_and(|t| !t.is_empty() && pointer.starts_with(&format!("{t}/")))
            {
                self.features.insert("recursive $ref");
            }
        }
    }
}

/// `$anchor` name → pointer of its schema, in one document.
fn anchors_of(node: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(a) = map.get("$anchor").and_then(Value::as_str) {
                out.push((a.to_owned(), pointer.to_owned()));
            }
            for (k, v) in map {
                anchors_of(
                    v,
                    &format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| anchors_of(v, &format!("{pointer}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn fixtures_cover_every_keyword_and_format() {
    const KEYWORDS: &[&str] = &[
        "type",
        "const",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "additionalItems",
        "definitions",
        "dependencies",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentRequired",
        "dependentSchemas",
        "discriminator",
        "unevaluatedProperties",
        "unevaluatedItems",
        "$ref",
        "$defs",
        "$anchor",
        "$id",
        "title",
    ];
    // Every spec format, and the pydantic formats the fixture models use.
    const PYDANTIC_FORMATS: &[&str] = &[
        "ipvanyaddress",
        "ipvanyinterface",
        "ipvanynetwork",
        "binary",
        "password",
        "path",
    ];
    const FEATURES: &[&str] = &[
        "type as an array of types",
        "additionalProperties: false",
        "additionalProperties: a schema",
        "draft-07 array items with additionalItems",
        "pattern with length bounds",
        "pattern with format",
        "minLength/maxLength with non-ASCII values",
        "$ref with ~0",
        "$ref with ~1",
        "$ref with percent-encoding",
        "$ref to a file by relative URI",
        "recursive $ref",
    ];
    let files = json_files_under(&fixtures_dir());
    let top_level = files
        .iter()
        .filter(|p| p.parent() == Some(fixtures_dir().as_path()))
        .count();
    assert!(
        top_level >= 25,
        "tests/fixtures/ holds {top_level} schemas, expected at least 25"
    );

    let mut usage = Usage::default();
    for path in &files {
        let schema = read_json(path);
        let draft07 = schema
            .get("$schema")
            .and_then(Value::as_str)
            .is_some_and(|s| s.contains("draft-07"));
        let mut anchors = Vec::new();
        anchors_of(&schema, "", &mut anchors);
        usage.walk(&schema, draft07, "", &anchors);
    }
    let missing_keywords: Vec<&str> = KEYWORDS
        .iter()
        .copied()
        .filter(|k| !usage.keywords.contains(*k))
        .collect();
    let missing_formats: Vec<&str> = SPEC_FORMATS
        .iter()
        .map(Format::name)
        .chain(PYDANTIC_FORMATS.iter().copied())
        .filter(|f| !usage.formats.contains(*f))
        .collect();
    let missing_features: Vec<&str> = FEATURES
        .iter()
        .copied()
        .filter(|f| !usage.features.contains(*f))
        .collect();
    let missing_multiples: Vec<&str> = ["0.01", "0.05", "2.5"]
        .into_iter()
        .filter(|m| !usage.multiple_ofs.contains(*m))
        .collect();
    assert!(
        missing_keywords.is_empty()
            && missing_formats.is_empty()
            && missing_features.is_empty()
            && missing_multiples.is_empty(),
        "the fixtures do not cover:\n  keywords: {missing_keywords:?}\n  formats: {missing_formats:?}\n  features: {missing_features:?}\n  multipleOf values: {missing_multiples:?}"
    );
}
