//! References: a shared `$ref` is not recursion, absolute URLs resolve to the schema's own
//! `$id`s, the files beside it and the bundled metaschemas, a `$ref` to a document that
//! is nowhere to be found leaves out only what needs it (and a refusal names it), and a
//! schema whose alternatives multiply compiles in well under a second.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use synthtune::Table;

const ROWS: u64 = 30;

/// Generates `ROWS` records and validates each with the `jsonschema` crate (formats
/// asserted) against the schema as written, with the metaschemas and `extra` documents
/// in its registry.
fn assert_all_valid(table: &Table, schema: &Value, extra: &[(&str, Value)]) -> Vec<Value> {
    let registry = referencing::SPECIFICATIONS
        .extend(extra.iter().map(|(u, v)| (*u, v.clone())))
        .and_then(|r| r.prepare())
        .expect("prepare the registry");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(schema)
        .expect("the test schema is valid");
    (0..ROWS)
        .map(|row| {
            let v = table.row_value(11, row);
            if let Some(e) = validator.iter_errors(&v).next() {
                panic!("row {row} is invalid: {e}\n{v}");
            }
            v
        })
        .collect()
}

#[test]
fn a_shared_ref_is_not_recursion() {
    // The root and `info` both merge `#/$defs/ext`: `info` keeps its own keywords.
    let schema = json!({"$defs":{"ext":{"patternProperties":{"^x-":true}}},"$ref":"#/$defs/ext","type":"object","required":["info"],"properties":{"info":{"$ref":"#/$defs/ext","type":"object","required":["title"],"properties":{"title":{"type":"string"}}}}});
    let table = Table::from_value(schema.clone(), None).expect("compiles");
    for v in assert_all_valid(&table, &schema, &[]) {
        assert!(v["info"]["title"].is_string(), "{v}");
    }
}

#[test]
fn recursion_through_a_definition_is_still_recursion() {
    let schema = json!({
        "$defs": {"node": {"type": "object", "required": ["value"], "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "maxItems": 3, "items": {"$ref": "#/$defs/node"}}
        }}},
        "$ref": "#/$defs/node"
    });
    let table = Table::from_value(schema.clone(), None).expect("compiles");
    assert_eq!(table.plan().recursive.len(), 1, "one recursive slot");
    let records = assert_all_valid(&table, &schema, &[]);
    assert!(
        records
            .iter()
            .any(|v| v["children"].as_array().is_some_and(|c| !c.is_empty())),
        "some node has children"
    );
}

#[test]
fn refs_to_bundled_metaschemas_generate_valid_schemas() {
    for uri in [
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
    ] {
        let schema = json!({ "$ref": uri });
        let table = Table::from_value(schema.clone(), None)
            .unwrap_or_else(|e| panic!("{uri}: refused: {e}"));
        assert_all_valid(&table, &schema, &[]);
    }
}

#[test]
fn urls_resolve_to_files_beside_the_schema_by_id_then_by_name() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let by_id = json!({"$id": "https://example.com/schemas/person", "type": "object",
        "required": ["name"], "properties": {"name": {"type": "string", "minLength": 2}}});
    let by_name = json!({"type": "integer", "minimum": 10, "maximum": 20});
    std::fs::write(dir.path().join("people.json"), by_id.to_string()).unwrap();
    std::fs::write(dir.path().join("score.json"), by_name.to_string()).unwrap();
    let schema = json!({"type": "object", "required": ["owner", "score"], "properties": {
        "owner": {"$ref": "https://example.com/schemas/person"},
        "score": {"$ref": "https://example.org/any/path/score.json"}
    }});
    let path = dir.path().join("root.json");
    std::fs::write(&path, schema.to_string()).unwrap();
    let table = Table::load(&path).expect("compiles");
    let records = assert_all_valid(
        &table,
        &schema,
        &[
            ("https://example.com/schemas/person", by_id),
            ("https://example.org/any/path/score.json", by_name),
        ],
    );
    for v in records {
        assert!(v["owner"]["name"].as_str().is_some_and(|n| n.len() >= 2));
        assert!((10..=20).contains(&v["score"].as_i64().unwrap()), "{v}");
    }
    // Table::validator (export --validate) resolves them the same way.
    let validator = table.validator().expect("validator");
    assert!(validator.is_valid(&table.row_value(1, 1)));
    assert!(!validator.is_valid(&json!({"owner": {"name": "Al"}, "score": 30})));
}

/// The pointer and URL a note or refusal must name.
const K8S: &str = "https://json.schemastore.org/kubernetes-definitions.json";

#[test]
fn an_unavailable_document_leaves_out_only_what_needs_it() {
    let schema = json!({"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string", "enum": ["pod"]},
        "metadata": {"$ref": format!("{K8S}#/definitions/ObjectMeta")},
        "spec": {"anyOf": [
            {"$ref": format!("{K8S}#/definitions/PodSpec")},
            {"type": "object", "required": ["image"], "properties": {"image": {"type": "string"}}}
        ]}
    }});
    let table = Table::from_value(schema.clone(), None).expect("compiles");
    let notes: Vec<String> = table.diagnostics.iter().map(|d| d.to_string()).collect();
    for pointer in ["/properties/metadata/$ref", "/properties/spec/anyOf/0/$ref"] {
        assert!(
            notes.iter().any(|n| n.contains(pointer) && n.contains(K8S)),
            "no note names {pointer} and the URL: {notes:#?}"
        );
    }
    // Validators treat the missing document as `false`: the records never use it.
    let validator = table.validator().expect("a validator without the network");
    for row in 0..ROWS {
        let v = table.row_value(3, row);
        assert!(v.get("metadata").is_none(), "{v}");
        assert!(validator.is_valid(&v), "{v}");
        if let Some(spec) = v.get("spec") {
            assert!(spec["image"].is_string(), "{v}");
        }
    }
}

/// A `$ref` to an anchor of a missing document (`other.json#node`) is left out the same
/// way, and validators still build: the stand-in document declares the anchor.
#[test]
fn an_unavailable_anchor_leaves_out_only_what_needs_it() {
    let schema = json!({"type": "object", "required": ["id"], "properties": {
        "id": {"type": "integer", "minimum": 1},
        "node": {"anyOf": [
            {"$ref": "https://example.com/other.json#node"},
            {"type": "string", "minLength": 3}
        ]},
        "meta": {"$ref": "https://example.com/other.json#meta"}
    }});
    let table = Table::from_value(schema, None).expect("compiles");
    let validator = table.validator().expect("a validator without the network");
    for row in 0..ROWS {
        let v = table.row_value(3, row);
        assert!(v.get("meta").is_none(), "{v}");
        if let Some(node) = v.get("node") {
            assert!(node.as_str().is_some_and(|s| s.chars().count() >= 3), "{v}");
        }
        assert!(validator.is_valid(&v), "{v}");
    }
}

#[test]
fn a_required_unavailable_document_is_refused_naming_the_ref() {
    let schema = json!({"type": "object", "required": ["metadata"], "properties": {
        "metadata": {"type": "object", "allOf": [{"$ref": format!("{K8S}#/definitions/ObjectMeta")}]}
    }});
    let e = Table::from_value(schema, None).expect_err("refused");
    let text = e.to_string();
    assert_eq!(
        e.pointer(),
        Some("/properties/metadata/allOf/0/$ref"),
        "{text}"
    );
    assert!(text.contains(K8S), "{text}");
    assert!(
        text.contains("beside"),
        "the hint says where to put it: {text}"
    );
}

#[test]
fn a_dangling_local_ref_is_still_a_broken_schema() {
    // Inside an anyOf branch too: a pointer into this very document that leads nowhere
    // is a mistake, not a missing document.
    let schema = json!({"anyOf": [{"$ref": "#/$defs/missing"}, {"type": "string"}]});
    let e = Table::from_value(schema, None).expect_err("refused");
    assert_eq!(e.pointer(), Some("/anyOf/0/$ref"), "{e}");
}

#[test]
fn dynamic_ref_follows_the_dynamic_scope() {
    // The 2020-12 spec's example: a strict tree extends a tree whose children refer to
    // `$dynamicRef: "#node"`, so children are strict trees too (no unknown keys).
    let tree = json!({"$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/tree", "$dynamicAnchor": "node", "type": "object",
        "properties": {"data": {"type": "integer"},
            "children": {"type": "array", "maxItems": 2, "items": {"$dynamicRef": "#node"}}}});
    let strict = json!({"$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.com/strict-tree", "$dynamicAnchor": "node",
        "$ref": "tree", "unevaluatedProperties": false});
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tree.json"), tree.to_string()).unwrap();
    let path = dir.path().join("strict-tree.json");
    std::fs::write(&path, strict.to_string()).unwrap();
    let table = Table::load(&path).expect("compiles");
    assert_all_valid(&table, &strict, &[("https://example.com/tree", tree)]);
}

/// An `anyOf` of 120 pattern branches over an `anyOf` of 200 single-value enums (what
/// azure-pipelines' `task` does with 259 of each): 24,000 combinations, most empty.
fn pattern_branches_over_enum_branches() -> Value {
    let names: Vec<String> = (0..200).map(|i| format!("Task{i}@{}", i % 3 + 1)).collect();
    json!({
        "type": "object",
        "required": ["task"],
        "properties": {"task": {"anyOf": names.iter().map(|n| json!({"enum": [n]})).collect::<Vec<_>>()}},
        "anyOf": names[..120].iter().map(|n| json!({"properties": {"task": {"pattern": format!("^{n}$")}}})).collect::<Vec<_>>()
    })
}

#[test]
fn alternatives_over_alternatives_compile_quickly() {
    let schema = pattern_branches_over_enum_branches();
    let start = Instant::now();
    let table = Table::from_value(schema.clone(), None).expect("compiles");
    let took = start.elapsed();
    // A debug build; a release build takes a tenth of it.
    assert!(took < Duration::from_secs(20), "compiling took {took:?}");
    // One note per never-generated branch, not one per combination.
    assert!(
        table.diagnostics.len() <= 200,
        "{} notes",
        table.diagnostics.len()
    );
    for v in assert_all_valid(&table, &schema, &[]) {
        let task = v["task"].as_str().unwrap();
        let n: usize = task[4..task.find('@').unwrap()].parse().unwrap();
        assert!(n < 120, "{task} is not among the 120 patterns");
    }
}

#[test]
fn schemas_are_loaded_relative_to_their_folder() {
    // A schema read from memory with a base folder finds its siblings too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("name.json"),
        r#"{"type":"string","const":"x"}"#,
    )
    .unwrap();
    let table = Table::from_value(json!({"$ref": "name.json"}), Some(Path::new(dir.path())))
        .expect("compiles");
    assert_eq!(table.row_value(1, 1), json!("x"));
}
