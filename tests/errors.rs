//! A schema that cannot be satisfied, or that is broken, is refused before generation:
//! exit status 2, and a message on stderr naming the file, the JSON Pointer of the
//! culprit, and why. One test per class of refusal. `check` refuses the same schemas
//! (exit 2, same pointer) and lists what it does not act on instead of ignoring it.

mod common;

use common::{describe_output, run, schema_file};

/// Asserts that `synthtune sample` refuses `schema` with exit status 2 and a message on
/// stderr naming the file, `at <pointer>` (the culprit or a keyword inside it) and
/// saying why: at least one of `why` (case-insensitive) must appear in the message
/// after the pointer. Then asserts that `check` refuses it too.
fn assert_refused(name: &str, schema: &str, pointer: &str, why: &[&str]) {
    let file = schema_file(name, schema);
    let output = run(&["sample", "-n", "1"], &file.path);
    let context = format!("schema {name}.json: {schema}\n{}", describe_output(&output));
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit status 2 (bad schema)\n{context}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{name}.json")),
        "stderr does not name the file {name}.json\n{context}"
    );
    let at = format!("at {pointer}");
    let Some(start) = stderr.find(&at) else {
        panic!("stderr does not name the culprit's JSON Pointer `{at}`\n{context}");
    };
    // What follows `at /pointer...: ` is the explanation (the file name and pointer
    // must not count as saying why).
    let after = &stderr[start..];
    let explanation = after
        .split_once(": ")
        .map_or(after, |(_, why)| why)
        .to_lowercase();
    assert!(
        why.iter().any(|w| explanation.contains(&w.to_lowercase())),
        "stderr does not say why (expected one of {why:?} beside the pointer)\n{context}"
    );

    let checked = run(&["check"], &file.path);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert_eq!(
        checked.status.code(),
        Some(2),
        "`check` accepted a schema that `sample` refuses\n{}",
        describe_output(&checked)
    );
    assert!(
        report.contains(pointer),
        "`check` does not name the culprit {pointer}\n{}",
        describe_output(&checked)
    );
}

/// A UTF-8 byte-order mark, as some editors write it, is read past; positions in a bad
/// file after one still count from the first character of the JSON.
#[test]
fn a_byte_order_mark_is_accepted() {
    let file = schema_file(
        "with_bom",
        "\u{feff}{\"type\": \"object\", \"properties\": {\"a\": {\"const\": 1}}, \"required\": [\"a\"]}",
    );
    let output = run(&["sample", "-n", "1"], &file.path);
    let context = describe_output(&output);
    assert_eq!(output.status.code(), Some(0), "{context}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("\"a\": 1"),
        "{context}"
    );
    let bad = schema_file("with_bom_bad", "\u{feff}{\n  \"type\": \"object\",\n}\n");
    let output = run(&["sample"], &bad.path);
    let context = describe_output(&output);
    assert_eq!(output.status.code(), Some(2), "{context}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(":3:1"),
        "{context}"
    );
}

#[test]
fn invalid_json_is_refused_with_line_and_column() {
    // The trailing comma is on line 4; serde_json reports the `}` after it, column 28.
    let text = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": {\"type\": \"string\",}\n  }\n}\n";
    let file = schema_file("trailing_comma", text);
    let output = run(&["sample"], &file.path);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let context = describe_output(&output);
    assert_eq!(output.status.code(), Some(2), "{context}");
    assert!(
        stderr.contains("trailing_comma.json"),
        "the message does not name the file\n{context}"
    );
    let has_position =
        stderr.contains(":4:28") || (stderr.contains("line 4") && stderr.contains("column 28"));
    assert!(
        has_position,
        "the message does not give line 4, column 28\n{context}"
    );
}

#[test]
fn missing_schema_file_is_refused() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let path = dir.path().join("no_such_schema.json");
    let output = run(&["sample"], &path);
    let context = describe_output(&output);
    assert_eq!(output.status.code(), Some(2), "{context}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no_such_schema.json"),
        "the message does not name the file\n{context}"
    );
}

#[test]
fn minimum_above_maximum() {
    assert_refused(
        "min_above_max",
        r#"{"type": "object", "properties": {"age": {"type": "integer", "minimum": 50, "maximum": 10}}, "required": ["age"]}"#,
        "/properties/age",
        &["minimum", "maximum"],
    );
}

#[test]
fn exclusive_bounds_leave_no_number() {
    assert_refused(
        "exclusive_number",
        r#"{"type": "object", "properties": {"ratio": {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 1}}, "required": ["ratio"]}"#,
        "/properties/ratio",
        &["exclusive"],
    );
}

#[test]
fn exclusive_bounds_leave_no_integer() {
    assert_refused(
        "exclusive_integer",
        r#"{"type": "object", "properties": {"floor": {"type": "integer", "exclusiveMinimum": 3, "exclusiveMaximum": 4}}, "required": ["floor"]}"#,
        "/properties/floor",
        &["exclusive", "no integer"],
    );
}

#[test]
fn multiple_of_has_no_multiple_in_range() {
    assert_refused(
        "no_multiple_integer",
        r#"{"type": "object", "properties": {"box_size": {"type": "integer", "minimum": 11, "maximum": 19, "multipleOf": 10}}, "required": ["box_size"]}"#,
        "/properties/box_size",
        &["multiple"],
    );
}

#[test]
fn decimal_multiple_of_has_no_multiple_in_range() {
    assert_refused(
        "no_multiple_decimal",
        r#"{"type": "object", "properties": {"price": {"type": "number", "minimum": 0.01, "maximum": 0.04, "multipleOf": 0.05}}, "required": ["price"]}"#,
        "/properties/price",
        &["multiple"],
    );
}

/// Multiples of 1e300 (or of a step with more than 15 decimals) cannot be written
/// exactly: refused at the keyword instead of exporting values that are not multiples.
#[test]
fn multiple_of_without_exact_multiples() {
    assert_refused(
        "inexact_multiple",
        r#"{"type": "object", "properties": {"total": {"type": "number", "multipleOf": 1e300}}, "required": ["total"]}"#,
        "/properties/total/multipleOf",
        &["written exactly"],
    );
}

#[test]
fn min_length_above_max_length() {
    assert_refused(
        "min_length_above_max",
        r#"{"type": "object", "properties": {"code": {"type": "string", "minLength": 8, "maxLength": 4}}, "required": ["code"]}"#,
        "/properties/code",
        &["minLength", "maxLength"],
    );
}

#[test]
fn min_items_above_max_items() {
    assert_refused(
        "min_items_above_max",
        r#"{"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 2}}, "required": ["tags"]}"#,
        "/properties/tags",
        &["minItems", "maxItems"],
    );
}

#[test]
fn no_enum_value_meets_its_sibling_constraints() {
    assert_refused(
        "enum_below_minimum",
        r#"{"type": "object", "properties": {"level": {"enum": [1, 2, 3], "minimum": 5}}, "required": ["level"]}"#,
        "/properties/level",
        &["enum"],
    );
}

#[test]
fn const_conflicting_with_type() {
    assert_refused(
        "const_not_integer",
        r#"{"type": "object", "properties": {"kind": {"type": "integer", "const": "card"}}, "required": ["kind"]}"#,
        "/properties/kind",
        &["integer", "type"],
    );
}

#[test]
fn required_property_forbidden_by_additional_properties_false() {
    assert_refused(
        "required_but_forbidden",
        r#"{"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name", "email"], "additionalProperties": false}"#,
        "/required",
        &["additionalProperties"],
    );
}

#[test]
fn pattern_cannot_meet_length_bounds() {
    assert_refused(
        "zip_too_short",
        r#"{"type": "object", "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$", "maxLength": 3}}, "required": ["zip"]}"#,
        "/properties/zip",
        &["pattern", "length"],
    );
}

#[test]
fn unresolvable_ref() {
    assert_refused(
        "dangling_ref",
        r##"{"type": "object", "$defs": {}, "properties": {"owner": {"$ref": "#/$defs/Person"}}, "required": ["owner"]}"##,
        "/properties/owner",
        &["does not resolve", "not found", "unresolv", "missing"],
    );
}

#[test]
fn ref_to_a_missing_sibling_file() {
    assert_refused(
        "ref_to_missing_file",
        r#"{"type": "object", "properties": {"owner": {"$ref": "people/person.json"}}, "required": ["owner"]}"#,
        "/properties/owner",
        &["person.json"],
    );
}

#[test]
fn false_schema_on_a_required_property() {
    assert_refused(
        "required_false",
        r#"{"type": "object", "properties": {"legacy_id": false}, "required": ["legacy_id"]}"#,
        "/properties/legacy_id",
        &["false"],
    );
}

#[test]
fn recursion_without_a_finite_instance() {
    // Every Node requires a `next` Node: no finite instance exists. The culprit is the
    // definition (or its required self-reference), not the document root.
    assert_refused(
        "endless_list",
        r##"{"type": "object", "$defs": {"Node": {"type": "object", "properties": {"value": {"type": "integer"}, "next": {"$ref": "#/$defs/Node"}}, "required": ["value", "next"]}}, "properties": {"head": {"$ref": "#/$defs/Node"}}, "required": ["head"]}"##,
        "/$defs/Node",
        &["recurs"],
    );
}

#[test]
fn min_properties_more_than_allowed() {
    assert_refused(
        "too_few_properties_allowed",
        r#"{"type": "object", "properties": {"meta": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "additionalProperties": false, "minProperties": 3}}, "required": ["meta"]}"#,
        "/properties/meta",
        &["minProperties"],
    );
}

#[test]
fn null_rate_out_of_range() {
    assert_refused(
        "null_rate_too_high",
        r#"{"type": "object", "properties": {"phone": {"type": ["string", "null"], "x-synth": {"null_rate": 1.5}}}, "required": ["phone"]}"#,
        "/properties/phone/x-synth",
        &["probability", "between 0 and 1", "from 0 to 1"],
    );
}

#[test]
fn unknown_distribution() {
    assert_refused(
        "unknown_distribution",
        r#"{"type": "object", "properties": {"age": {"type": "integer", "minimum": 0, "maximum": 99, "x-synth": {"distribution": {"bimodal": {"peaks": [20, 60]}}}}}, "required": ["age"]}"#,
        "/properties/age/x-synth/distribution",
        &["unknown distribution", "bimodal"],
    );
}

#[test]
fn weights_of_the_wrong_length() {
    assert_refused(
        "weights_too_short",
        r#"{"type": "object", "properties": {"tier": {"enum": ["bronze", "silver", "gold"], "x-synth": {"weights": [60, 40]}}}, "required": ["tier"]}"#,
        "/properties/tier/x-synth/weights",
        &["weights", "3 choices", "three"],
    );
}

/// A broken reference on an optional property is still a broken schema: leaving the
/// property out of every record instead hides the typo from the designer.
#[test]
fn unresolvable_ref_on_an_optional_property() {
    assert_refused(
        "dangling_ref_optional",
        r##"{"type": "object", "$defs": {"Address": {"type": "string"}}, "properties": {"billing": {"$ref": "#/$defs/Adress"}}}"##,
        "/properties/billing",
        &["does not resolve", "not found", "unresolv", "missing"],
    );
}

/// Likewise a bad tuning knob on an optional property (pydantic's `Optional[...] = None`
/// fields are never required).
#[test]
fn bad_knob_on_an_optional_property() {
    assert_refused(
        "bad_knob_optional",
        r#"{"type": "object", "properties": {"nickname": {"type": "string", "x-synth": {"null_rate": 1.5}}}}"#,
        "/properties/nickname/x-synth",
        &["probability", "between 0 and 1", "from 0 to 1"],
    );
}

#[test]
fn check_lists_unknown_keywords_and_knobs() {
    let file = schema_file(
        "unknown_keywords",
        r#"{"type": "object", "properties": {"count": {"type": "integer", "divisibleBy": 3}, "score": {"type": "number", "x-synth": {"nul_rate": 0.2}}}, "required": ["count"]}"#,
    );
    let output = run(&["check"], &file.path);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let context = describe_output(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "unknown keywords are reported, not refused\n{context}"
    );
    for expected in [
        "/properties/count/divisibleBy",
        "/properties/score/x-synth/nul_rate",
    ] {
        assert!(
            report.contains(expected),
            "`check` does not list {expected}\n{context}"
        );
    }
}

#[test]
fn min_properties_above_max_properties() {
    assert_refused(
        "min_properties_above_max",
        r#"{"type": "object", "properties": {"meta": {"type": "object", "minProperties": 3, "maxProperties": 2}}, "required": ["meta"]}"#,
        "/properties/meta/minProperties",
        &["maxProperties"],
    );
}

#[test]
fn dependent_required_of_a_key_forbidden_by_additional_properties() {
    assert_refused(
        "dependency_closed_out",
        r#"{"type": "object", "properties": {"card": {"type": "string"}}, "required": ["card"], "additionalProperties": false, "dependentRequired": {"card": ["billing_address"]}}"#,
        "/dependentRequired/card",
        &["forbidden"],
    );
}

#[test]
fn dependent_required_of_a_false_property() {
    assert_refused(
        "dependency_on_false",
        r#"{"type": "object", "properties": {"card": {"type": "string"}, "billing_address": false}, "required": ["card"], "dependentRequired": {"card": ["billing_address"]}}"#,
        "/dependentRequired/card",
        &["forbidden"],
    );
}

#[test]
fn property_names_exclude_a_required_name() {
    assert_refused(
        "names_exclude_required",
        r#"{"type": "object", "properties": {"ID": {"type": "integer"}}, "required": ["ID"], "propertyNames": {"pattern": "^[a-z]+$"}}"#,
        "/required/0",
        &["propertyNames"],
    );
}

#[test]
fn presence_constraints_with_no_solution() {
    // `a` is required, and `not` forbids it: no set of keys meets both.
    assert_refused(
        "required_and_not_required",
        r#"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}, "required": ["a"], "not": {"required": ["a"]}}"#,
        "/not",
        &["cannot hold"],
    );
    // Three optional keys, a oneOf over pairs that maxProperties 1 rules out.
    assert_refused(
        "one_of_pairs_above_max",
        r#"{"type": "object", "properties": {"a": {}, "b": {}, "c": {}}, "maxProperties": 1, "oneOf": [{"required": ["a", "b"]}, {"required": ["b", "c"]}]}"#,
        "/oneOf",
        &["cannot hold"],
    );
}

#[test]
fn not_required_on_a_string_leaves_no_value() {
    // Only objects can fail `required`, so only objects meet `not: {required}`.
    assert_refused(
        "string_not_required",
        r#"{"type": "object", "properties": {"name": {"type": "string", "not": {"required": ["x"]}}}, "required": ["name"]}"#,
        "/properties/name/not",
        &["nothing in common"],
    );
}

/// A `not` over one size bound keeps only that bound's type, below (or above) it: on an
/// integer it leaves nothing, and `not: {minLength: 0}` forbids everything.
#[test]
fn not_over_a_size_bound_leaves_no_value() {
    assert_refused(
        "integer_not_min_length",
        r#"{"type": "integer", "not": {"minLength": 1}}"#,
        "/not/minLength",
        &["type"],
    );
    assert_refused(
        "not_min_length_zero",
        r#"{"type": "string", "not": {"minLength": 0}}"#,
        "/not",
        &["forbids every value"],
    );
}

#[test]
fn two_disjoint_patterns() {
    assert_refused(
        "disjoint_patterns",
        r#"{"type": "object", "properties": {"code": {"type": "string", "allOf": [{"pattern": "^a+$"}, {"pattern": "^b+$"}]}}, "required": ["code"]}"#,
        "/properties/code/allOf/1/pattern",
        &["can never match", "^a+$"],
    );
}

#[test]
fn look_around_no_candidate_meets() {
    assert_refused(
        "contradicting_look_ahead",
        r#"{"type": "object", "properties": {"id": {"type": "string", "pattern": "^(?!id-)id-[0-9]{3}$"}}, "required": ["id"]}"#,
        "/properties/id/pattern",
        &["look-arounds"],
    );
}

#[test]
fn back_reference_no_candidate_fits_the_length() {
    assert_refused(
        "back_reference_too_long",
        r#"{"type": "object", "properties": {"tag": {"type": "string", "pattern": "^([a-z]+)-\\1$", "minLength": 4, "maxLength": 4}}, "required": ["tag"]}"#,
        "/properties/tag/pattern",
        &["back-references"],
    );
}

/// Anchors of other dialects and patterns checked by trial are accepted, and `check`
/// says how it reads them.
#[test]
fn check_notes_pattern_dialects() {
    let file = schema_file(
        "pattern_dialects",
        r#"{"type": "object", "properties": {"a": {"type": "string", "pattern": "\\Aab\\z"}, "b": {"type": "string", "pattern": "^(?!x-)[a-z-]+$"}}, "required": ["a", "b"]}"#,
    );
    let output = run(&["check"], &file.path);
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    let context = describe_output(&output);
    assert_eq!(output.status.code(), Some(0), "{context}");
    for expected in [
        "/properties/a/pattern",
        r"\A as the start of the string",
        "/properties/b/pattern",
        "look-arounds or back-references",
    ] {
        assert!(
            report.contains(expected),
            "`check` does not say {expected:?}\n{context}"
        );
    }
}

/// Two `oneOf` branches written alike: a value matching one matches both, so neither can
/// be the one branch that matches.
#[test]
fn identical_one_of_branches() {
    assert_refused(
        "identical_one_of",
        r#"{"type": "object", "properties": {"id": {"oneOf": [{"type": "string", "maxLength": 8}, {"type": "string", "maxLength": 8}]}}, "required": ["id"]}"#,
        "/properties/id/oneOf",
        &["identical", "exactly one"],
    );
}

/// An `if` that always holds (every string is a string) with a `then` that cannot.

#[test]
fn then_cannot_hold_where_the_if_always_does() {
    assert_refused(
        "if_then_false",
        r#"{"type": "string", "if": {"type": "string"}, "then": false}"#,
        "/then",
        &["always holds", "false"],
    );
}

/// Likewise an `if` that never holds (no string is a number) with an `else` that cannot.

#[test]
fn else_cannot_hold_where_the_if_never_does() {
    assert_refused(
        "if_else_false",
        r#"{"type": "object", "properties": {"code": {"type": "string", "if": {"type": "number"}, "else": false}}, "required": ["code"]}"#,
        "/properties/code/else",
        &["never holds", "false"],
    );
}

/// `uniqueItems` over items with fewer distinct values than `minItems`: enums, booleans,
/// constants, narrow integer ranges and patterns of one fixed shape are counted.

#[test]
fn unique_items_over_too_few_values() {
    for (name, items, min) in [
        ("unique_enum", r#"{"enum": ["a", "b"]}"#, 3),
        ("unique_boolean", r#"{"type": "boolean"}"#, 3),
        ("unique_const", r#"{"const": 7}"#, 2),
        (
            "unique_small_range",
            r#"{"type": "integer", "minimum": 1, "maximum": 5}"#,
            6,
        ),
        ("unique_nullable_enum", r#"{"enum": ["x", "y", null]}"#, 4),
        (
            "unique_tiny_pattern",
            r#"{"type": "string", "pattern": "^[a-c]$"}"#,
            4,
        ),
        (
            "unique_two_digit_pattern",
            r#"{"type": "string", "pattern": "^x[0-9]{2}$"}"#,
            101,
        ),
    ] {
        assert_refused(
            name,
            &format!(
                r#"{{"type": "object", "properties": {{"tags": {{"type": "array", "items": {items}, "minItems": {min}, "uniqueItems": true}}}}, "required": ["tags"]}}"#
            ),
            "/properties/tags/minItems",
            &["distinct"],
        );
    }
}

/// A reader that stops early (`synthtune check big.json | head -1`) ends `check`
/// quietly: no panic on the closed pipe, exit status 0.
#[test]
fn check_stops_quietly_when_the_reader_goes_away() {
    use std::io::{BufRead, BufReader};
    // Enough fields that the report outgrows the pipe's buffer.
    let properties: Vec<String> = (0..4_000)
        .map(|i| format!(r#""field_number_{i}": {{"type": "integer"}}"#))
        .collect();
    let file = schema_file(
        "many_fields",
        &format!(
            r#"{{"type": "object", "properties": {{{}}}}}"#,
            properties.join(", ")
        ),
    );
    let mut child = std::process::Command::new(common::synthtune_bin())
        .arg("check")
        .arg(&file.path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run synthtune check");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut first)
        .expect("read the first line");
    // The reader is dropped here: the rest of the report meets a closed pipe.
    let output = child.wait_with_output().expect("wait for synthtune check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(first.contains("ok (4000 fields"), "{first}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

/// `-n -1` is a bad row count, not an unknown flag; `check` refuses on stderr like the
/// other commands.
#[test]
fn negative_counts_and_check_refusals_are_reported_plainly() {
    let customer = common::schemas_dir().join("customer.json");
    for command in ["sample", "stats", "export"] {
        let output = run(&[command, "-n", "-1"], &customer);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains("-1 is not a row count: give a whole number"),
            "{command}: {stderr}"
        );
    }
    let file = schema_file("bad", r#"{"type": "integer", "minimum": 5, "maximum": 1}"#);
    let output = run(&["check"], &file.path);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "{}", describe_output(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("at /maximum"),
        "{}",
        describe_output(&output)
    );
}

/// Inputs that used to panic or write wrong values (#13): unbounded double ranges give
/// finite numbers in range, a 70,000-character property name prints, a sequence beyond
/// 2^53 is refused where it is written.
#[test]
fn hostile_numbers_and_names() {
    for (schema, lo, hi) in [
        (
            r#"{"type": "number", "minimum": -1e308, "maximum": 1e308}"#,
            -1e308,
            1e308,
        ),
        (r#"{"type": "number", "maximum": -1e308}"#, f64::MIN, -1e308),
        (r#"{"type": "number", "minimum": 1e308}"#, 1e308, f64::MAX),
    ] {
        let file = schema_file("huge", schema);
        let output = run(&["sample", "-n", "20"], &file.path);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{schema}\n{}",
            describe_output(&output)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        let values: Vec<f64> = text
            .split_whitespace()
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{schema}: {v:?} is not a number"))
            })
            .collect();
        assert_eq!(values.len(), 20, "{schema}: {text}");
        assert!(
            values
                .iter()
                .all(|v| v.is_finite() && (lo..=hi).contains(v)),
            "{schema}: {values:?}"
        );
    }
    let long = format!(
        r#"{{"type": "object", "properties": {{"{}": {{"type": "integer"}}}}}}"#,
        "a".repeat(70_000)
    );
    let file = schema_file("long", &long);
    let output = run(&["check"], &file.path);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let file = schema_file(
        "sequence",
        r#"{"type": "object", "properties": {"id": {"type": "integer", "x-synth": {"sequence": {"start": 1152921504606846976}}}}}"#,
    );
    let output = run(&["check"], &file.path);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("at /properties/id/x-synth/sequence/start: sequence start 1152921504606846976 is beyond ±2^53"),
        "{}",
        describe_output(&output)
    );
}

/// `check` refuses what `export` would for the schema's own row count: a unique enum of
/// three values for `rows: 200000`.
#[test]
fn check_refuses_what_export_refuses_for_the_schemas_rows() {
    let file = schema_file(
        "few",
        r#"{"type": "object", "x-synth": {"rows": 200000}, "properties": {"c": {"enum": ["a", "b", "c"], "x-synth": {"unique": true}}}, "required": ["c"]}"#,
    );
    for command in [&["check"][..], &["export", "-o", "-"][..]] {
        let output = run(command, &file.path);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{command:?}\n{}",
            describe_output(&output)
        );
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .contains("at /properties/c: a unique field has 3 distinct values but 200000 rows"),
            "{command:?}\n{}",
            describe_output(&output)
        );
    }
}
