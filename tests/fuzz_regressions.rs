//! What the fuzz targets (fuzz/) and the property tests (tests/proptest_schemas.rs)
//! found, kept: every input under tests/fuzz_regressions/ (as the fuzzer saw it, or
//! minimized) holds to the fuzz invariant (tests/random_schemas/invariant.rs), and each
//! fix has a test of its own below, over more rows than the fuzzer generates.

mod random_schemas;

use std::path::Path;

use random_schemas::invariant::check_file;
use serde_json::{Value, json};
use synthtune::Table;

/// Every saved input, loaded as the byte target loads it: a file alone in its folder.
#[test]
fn saved_inputs_hold_to_the_invariant() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fuzz_regressions exists")
        .map(|entry| entry.expect("list tests/fuzz_regressions").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    for input in inputs {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("schema.json");
        std::fs::copy(&input, &path).expect("copy the input");
        if let Err(violation) = check_file(&path) {
            panic!("{}: {violation}", input.display());
        }
    }
}

/// `rows` records of `schema`: each is valid, or the row reports that it has no valid
/// value; at least one is valid.
fn assert_rows_valid(schema: Value, rows: u64) {
    let table = Table::from_value(schema.clone(), None).unwrap_or_else(|e| panic!("{schema}: {e}"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid schema");
    let mut valid = 0;
    for row in 0..rows {
        if let Ok(record) = table.try_row_value(7, row) {
            assert!(validator.is_valid(&record), "{schema}: row {row}: {record}");
            valid += 1;
        }
    }
    assert!(valid > 0, "{schema}: no row of {rows} has a value");
}

/// A `oneOf` branch without `type` accepts every value of the types its keywords do not
/// constrain: `{"items": ...}` generates arrays but accepts strings, so the strings of a
/// `{"type": "string"}` branch match both (found by schema_bytes in
/// github-issue-config.json with `"type"` mutated in its array branch). Branches were
/// told apart by the types they generate, on both sides.
#[test]
fn one_of_branches_are_disjoint_only_by_what_they_accept() {
    for schema in [
        json!({"oneOf": [{"type": "string"}, {"items": {"type": "string"}}]}),
        json!({"oneOf": [{"type": "integer"}, {"minLength": 2}]}),
        json!({"oneOf": [{"type": "integer"}, {"minimum": 5}]}),
        // Constants of a required property tell objects apart, not the strings both
        // branches accept.
        json!({"oneOf": [
            {"type": ["object", "string"], "properties": {"k": {"const": 1}}, "required": ["k"]},
            {"type": ["object", "string"], "properties": {"k": {"const": 2}}, "required": ["k"]}
        ]}),
    ] {
        assert_rows_valid(schema, 300);
    }
}

/// The one branch left of a `oneOf` whose twins were left out was checked by its own
/// validator only (`propertyNames` asks for one), not by the `oneOf`: numbers that match
/// all three branches came out (found by the property test).
#[test]
fn one_of_checks_a_branch_checked_already() {
    for schema in [
        json!({"oneOf": [{}, {"propertyNames": {"maxLength": 3}, "multipleOf": 1.0}, {}]}),
        json!({"oneOf": [{"type": "integer"}, {"propertyNames": {"maxLength": 3}}, {"type": "integer"}]}),
    ] {
        let table = Table::from_value(schema.clone(), None).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        for row in 0..100 {
            if let Ok(record) = table.try_row_value(7, row) {
                assert!(validator.is_valid(&record), "{schema}: row {row}: {record}");
            }
        }
    }
}

/// A `oneOf` branch left out because synthtune cannot make its values (here its
/// `x-synth.values` are of the wrong type) still accepts values: those of the branch
/// left must not match it (`{"conse": 324}` matched both; found by the property test).
#[test]
fn one_of_checks_the_branches_it_left_out() {
    assert_rows_valid(
        json!({"oneOf": [
            {"type": ["object", "integer"]},
            {"not": {"type": "integer"}, "x-synth": {"values": ["x", "y"]}, "type": "object"}
        ]}),
        300,
    );
}

/// A `contains` that refers back to the root: past the recursion bound its unions must
/// take the branch that ends (here the number), and the recursion height must count the
/// `contains` elements even when `items` is shallow. The unions under `contains` were
/// never told their shallow branch, and generation overflowed the stack (found by the
/// property test).
#[test]
fn recursion_through_contains_ends() {
    for schema in [
        json!({"multipleOf": 2.5, "contains": {"$ref": "#", "multipleOf": 1.0}}),
        json!({"anyOf": [{"type": "array", "minItems": 1, "contains": {"$ref": "#"}}, {"type": "integer"}]}),
        json!({"anyOf": [
            {"type": "array", "items": {"type": ["array", "integer"]}, "minItems": 2, "contains": {"$ref": "#"}},
            {"type": "integer"}
        ]}),
    ] {
        assert_rows_valid(schema, 200);
    }
}

/// An object whose `propertyNames` refer back to the root, with `minProperties` to
/// reach: past the recursion bound the extra keys' names and values must head out of
/// the recursion too (their unions were never told their shallow branch, and the
/// recursion height did not count them: the stack overflowed; found by the property
/// test).
#[test]
fn recursion_through_extra_keys_ends() {
    for schema in [
        json!({"minProperties": 3, "propertyNames": {"$ref": "#"}}),
        json!({"anyOf": [
            {"type": "object", "minProperties": 2, "additionalProperties": {"$ref": "#"}},
            {"type": "string"}
        ]}),
    ] {
        assert_rows_valid(schema, 200);
    }
}

/// `minContains: 0` makes `contains` need no match, but `maxContains` still caps the
/// matches: it was dropped with it, and arrays of any element came out (found by the
/// property test).
#[test]
fn max_contains_holds_with_min_contains_zero() {
    for schema in [
        json!({"type": "array", "contains": true, "maxContains": 0, "minContains": 0}),
        json!({"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 9}, "minItems": 2,
               "contains": {"minimum": 5}, "minContains": 0, "maxContains": 1}),
    ] {
        assert_rows_valid(schema, 200);
    }
}

/// A unique array whose prefix element repeats an earlier one: the element was skipped
/// and the next one took its place (`[true, 884]` for `[boolean, const true]`). Now the
/// array stops there, and the row fails when that leaves it short (found by the
/// property test).
#[test]
fn unique_arrays_keep_their_prefix_in_place() {
    for schema in [
        json!({"type": "array", "prefixItems": [{"type": "boolean"}, {"const": true}], "uniqueItems": true, "minItems": 2}),
        // Strings take a path of their own.
        json!({"type": "array", "prefixItems": [{"type": "string", "pattern": "^a$"}, {"type": "string", "pattern": "^[ab]$"}],
               "items": {"type": "string"}, "uniqueItems": true, "minItems": 2, "maxItems": 4}),
        json!({"type": "array", "prefixItems": [{"enum": [1, 2]}], "contains": {"const": 1}, "items": {"type": "integer"},
               "uniqueItems": true}),
    ] {
        assert_rows_valid(schema, 200);
    }
}

/// `additionalProperties` binds the keys its own schema object does not declare, even
/// when a schema merged with it (an `allOf` member) declares them: `{"a": 131}` came out
/// for `allOf: [{properties: {a}}, {additionalProperties: false}]` (found by the
/// property test). The object is now checked, and rows without a valid one fail.
#[test]
fn additional_properties_bind_keys_declared_beside_them() {
    for schema in [
        json!({"allOf": [{"properties": {"a": {"type": "integer"}}}, {"additionalProperties": false}]}),
        json!({"type": "object", "allOf": [{"properties": {"a": {"type": "integer"}}}, {"properties": {"b": {}}, "additionalProperties": false}]}),
        json!({"properties": {"a": {"type": ["integer", "string"]}}, "allOf": [{"additionalProperties": {"type": "string"}}], "required": ["a"]}),
    ] {
        assert_rows_valid(schema, 200);
    }
    // A key the same schema object declares, or matches by pattern, is not checked.
    for schema in [
        json!({"properties": {"a": {"type": "integer"}}, "additionalProperties": false}),
        json!({"properties": {"a1": {"type": "integer"}}, "patternProperties": {"^a": {}}, "additionalProperties": false}),
    ] {
        let table = Table::from_value(schema.clone(), None).unwrap();
        assert!(
            !matches!(table.plan().root, synthtune::generate::Node::Checked(_)),
            "{schema}: checked"
        );
    }
}

/// An object whose extra keys are named by a pattern with one string (`"a"` is read as
/// the name `a`) cannot reach minProperties: it came out short, `{"a": 873}` for
/// `minProperties: 3` (found by the property test). An open object now takes words for
/// the keys the pattern cannot name; where the names the count allows are taken by
/// declared keys (a bound, not an exact count), the row fails and says why.
#[test]
fn too_few_key_names_fail_the_row() {
    let schema = json!({"type": "object", "minProperties": 3, "additionalProperties": false,
                        "properties": {"a": {}}, "patternProperties": {"^(a|b)$": {}}});
    let table = Table::from_value(schema.clone(), None).unwrap();
    let error = table.try_row_value(7, 0).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("only 2 distinct key names found but the object needs 3 keys"),
        "{error}"
    );
    // With names enough, or room for words, the same object is whole.
    assert_rows_valid(
        json!({"type": "object", "minProperties": 3, "patternProperties": {"^[a-z]{2}$": {}}}),
        100,
    );
    assert_rows_valid(
        json!({"type": "object", "minProperties": 3, "patternProperties": {"^a$": {}}}),
        100,
    );
}

/// `items: false` leaves no place after the prefix for the elements `contains` asks
/// for: `[false]` came out for `{"items": false, "contains": {}}` (found by the
/// schema_structured long run). Without a prefix no array is valid; with one, the
/// prefix must hold the match.
#[test]
fn contains_with_no_items_allowed() {
    let schema = json!({"type": "array", "items": false, "contains": {}});
    let error = Table::from_value(schema.clone(), None).unwrap_err();
    assert_eq!(error.pointer(), Some("/items"), "{error}");
    assert_rows_valid(json!({"items": false, "contains": {}}), 100);
    assert_rows_valid(
        json!({"type": "array", "prefixItems": [{"enum": [1, 2]}, {"enum": [1, 3]}], "items": false, "contains": {"const": 1}}),
        100,
    );
}

/// A property whose schema is `false` is left out, and its name must stay out of the
/// extra keys too: `{"a": false}` came out for `properties: {a: false}` beside
/// `patternProperties: {a: {}}`, whose key generator names keys `a` (found by the
/// schema_structured long run). The name is now reserved, with every other name the
/// schema speaks of.
#[test]
fn forbidden_properties_are_no_extra_keys() {
    for schema in [
        json!({"properties": {"a": false}, "patternProperties": {"a": {}}}),
        json!({"type": "object", "properties": {"a": false}, "patternProperties": {"^[ab]$": {}}, "minProperties": 1}),
        json!({"type": "object", "properties": {"b": {}}, "not": {"required": ["a"]}, "patternProperties": {"^a$": {"type": "integer"}}}),
    ] {
        assert_rows_valid(schema.clone(), 200);
        let table = Table::from_value(schema.clone(), None).unwrap();
        for row in 0..200 {
            if let Ok(record) = table.try_row_value(7, row) {
                assert!(record.get("a").is_none(), "{schema}: row {row}: {record}");
            }
        }
    }
}

/// `minContains` bounds the `contains` of its own schema object only: beside an `allOf`
/// member's `contains: false` it was merged with it, read as "nothing has to match", and
/// arrays came out although no array is valid (found by the schema_structured long run).
/// A contains without minContains now counts as asking for one match when merged.
#[test]
fn min_contains_bounds_only_its_own_contains() {
    let schema = json!({"minContains": 0, "allOf": [{"contains": false}, {}]});
    assert_rows_valid(schema.clone(), 200);
    let table = Table::from_value(schema, None).unwrap();
    assert!(
        table
            .diagnostics
            .iter()
            .any(|d| d.pointer == "/minContains" && d.message.contains("no effect")),
        "{:?}",
        table.diagnostics
    );
    for schema in [
        json!({"type": "array", "allOf": [{"contains": {"const": 1}}, {"contains": {"type": "integer"}, "minContains": 0}]}),
        json!({"type": "array", "allOf": [{"contains": {"type": "integer"}, "maxContains": 2}, {"contains": {"minimum": 5}}]}),
    ] {
        assert_rows_valid(schema, 200);
    }
}

/// `items` in a schema object without `prefixItems` binds every element, also the
/// positions another object's `prefixItems` declares: `[[[]]]` came out for a position
/// `{"items": false, "$ref": "#"}` whose `$ref` brings prefixItems (found by the
/// schema_structured long run).
#[test]
fn items_without_prefix_items_bind_every_position() {
    for schema in [
        json!({"prefixItems": [{"items": false, "minProperties": 3, "$ref": "#"}, false]}),
        json!({"type": "array", "allOf": [{"prefixItems": [{"type": "integer"}, {"type": "string"}]}, {"items": {"type": "integer"}}]}),
        json!({"type": "array", "allOf": [{"prefixItems": [{"type": "integer"}]}, {"items": false}]}),
    ] {
        assert_rows_valid(schema, 200);
    }
    let refused = json!({"type": "array", "minItems": 1, "allOf": [{"prefixItems": [{"type": "integer"}]}, {"items": false}]});
    let error = Table::from_value(refused, None).unwrap_err();
    assert_eq!(error.pointer(), Some("/allOf/1/items"), "{error}");
}

/// A key that presence constraints name and a pattern matches takes the pattern's schema
/// once: it came twice per nested map (as the key's own and as the pattern's), 2ⁿ copies
/// n maps down, whose anyOf combined with itself (3⁸ combinations three maps down, 14 s
/// before the first record; a schema_structured timeout at 7635d04). Five maps down it
/// would be past the branch budget.
#[test]
fn a_key_matched_by_nested_patterns_takes_the_schema_once() {
    let mut schema = json!({
        "type": "string", "pattern": "^(foo|bar)$",
        "anyOf": [{"type": "string", "pattern": "a"}, {"type": "string"}, {"type": "string"}]
    });
    for _ in 0..5 {
        schema = json!({
            "type": "object",
            "dependentRequired": {"b": []},
            "patternProperties": {"^[a-z]+$": schema}
        });
    }
    assert_rows_valid(schema, 200);
}

/// `items` beside a tuple binds every element past that tuple, also the positions a
/// longer tuple of another object declares; `items: false` ends the array after its own
/// tuple. A string pattern's `items` beside two positions, under a `$ref` to a root of
/// three, came out unmatched at the third (found by the schema_structured long run at
/// 5f54862; the input is in tests/fuzz_regressions/).
#[test]
fn items_bind_the_positions_past_their_own_tuple() {
    let integers = json!([{"type": "integer"}, {"type": "integer"}, {"type": "integer"}]);
    for schema in [
        json!({"type": "array", "allOf": [{"prefixItems": integers}, {"prefixItems": [{"type": "integer"}], "items": {"minimum": 500}}]}),
        json!({"type": "array", "minItems": 1, "allOf": [{"prefixItems": integers}, {"prefixItems": [{}, {}], "items": false}]}),
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "array", "allOf": [{"items": integers}, {"items": [{"type": "integer"}], "additionalItems": {"minimum": 500}}]}),
    ] {
        assert_rows_valid(schema, 200);
    }
    let refused = json!({"type": "array", "minItems": 3, "allOf": [{"prefixItems": integers}, {"prefixItems": [{}], "items": false}]});
    let error = Table::from_value(refused, None).unwrap_err();
    assert_eq!(error.pointer(), Some("/allOf/1/items"), "{error}");
    assert!(
        error
            .to_string()
            .contains("no element past the 1 of its tuple"),
        "{error}"
    );
}

/// `prefixItems` is 2020-12's: in a draft 2019-09 schema it is no keyword, and `items:
/// false` beside it forbids every element (a GeoJSON schema with its `$schema` mutated
/// to 2019-09 gave positions of three numbers; found by schema_bytes).
#[test]
fn prefix_items_is_no_keyword_before_2020_12() {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "type": "object",
        "properties": {"p": {"type": "array", "prefixItems": [{"type": "number"}], "items": false}},
        "required": ["p"]
    });
    assert_rows_valid(schema.clone(), 100);
    let table = Table::from_value(schema, None).unwrap();
    assert!(
        table
            .diagnostics
            .iter()
            .any(|d| d.pointer == "/properties/p/prefixItems"),
        "{:?}",
        table.diagnostics
    );
    for row in 0..100 {
        assert_eq!(table.try_row_value(7, row).unwrap()["p"], json!([]));
    }
}

/// A `$ref` back to a schema already applied to the same value, with no property or item
/// between, describes that value in terms of itself: `{"not": {"$ref": "#"}}` at the root
/// has no base case, and validators loop or give up where synthtune took it for recursion
/// and generated values they reject (found by schema_structured, twice). It is refused at
/// the reference; the same reference under a property is recursion, and still generates.
#[test]
fn a_reference_back_to_the_same_value_is_refused() {
    for (schema, at) in [
        (
            json!({"not": {"$ref": "#", "oneOf": [{"$ref": "#"}, false]}, "type": "string"}),
            "/not/oneOf/0/$ref",
        ),
        (
            json!({"oneOf": [{"$ref": "#", "type": "null"}, {"$ref": "#"}, {}], "type": "string"}),
            "/oneOf/0/$ref",
        ),
        (
            json!({"$defs": {"a": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}),
            "/$defs/a/anyOf/1/$ref",
        ),
    ] {
        let error = Table::from_value(schema.clone(), None).expect_err(&schema.to_string());
        let message = error.to_string();
        assert!(message.contains(at), "{schema}: {message}");
        assert!(message.contains("on the same value"), "{schema}: {message}");
    }
    assert_rows_valid(
        json!({"type": "object", "properties": {"next": {"anyOf": [{"type": "null"}, {"$ref": "#"}]}}, "required": ["next"]}),
        200,
    );
}

/// Free text is a few words however far `maxLength` allows: its length was drawn up to
/// `maxLength`, and `"maxLength": 9007199254740993100` on a `["string", "null"]`
/// property made a record of 1.1 GB (found by schema_bytes, in a document schema). A
/// `length` knob may ask for more, up to a cap.
#[test]
fn free_text_stays_short_whatever_max_length_allows() {
    let schema = json!({"type": "object", "properties": {
        "a": {"type": ["string", "null"], "maxLength": 9_007_199_254_740_993_100u64},
        "b": {"type": "string", "minLength": 10, "maxLength": 255},
        "c": {"type": "string", "maxLength": 5}
    }, "required": ["a", "b", "c"]});
    assert_rows_valid(schema.clone(), 300);
    let table = Table::from_value(schema, None).unwrap();
    for row in 0..300 {
        let record = table.try_row_value(7, row).unwrap();
        let chars = |k: &str| record[k].as_str().map_or(0, |s| s.chars().count());
        assert!(chars("a") <= 27, "row {row}: {record}");
        assert!((10..=34).contains(&chars("b")), "row {row}: {record}");
        assert!(chars("c") <= 5, "row {row}: {record}");
    }
    // A length knob reaches past the usual length, and stops at the cap.
    let knob = |max: u64| {
        json!({"type": "string", "minLength": 1, "maxLength": max,
               "x-synth": {"length": {"normal": {"mean": 2000, "stddev": 10}}}})
    };
    let table = Table::from_value(knob(4000), None).unwrap();
    let long = table.try_row_value(7, 0).unwrap();
    assert!(long.as_str().unwrap().chars().count() > 1900, "{long}");
    let table = Table::from_value(knob(u64::MAX / 2), None).unwrap();
    let lengths: Vec<usize> = (0..50)
        .map(|row| {
            table
                .try_row_value(7, row)
                .unwrap()
                .as_str()
                .unwrap()
                .chars()
                .count()
        })
        .collect();
    assert!(lengths.iter().all(|&n| n <= 100_001), "{lengths:?}");
}

/// Key names drawn from a pattern with an open end are padded to a length with room for
/// the keys the object needs: `^a` wrote only `a`, and `^(?!b)` only the empty name, so
/// `minProperties: 40` failed every row after 2,000 retries each; beside a recursive
/// property that took 10.8 s for 8 rows (found by schema_structured).
#[test]
fn key_names_of_an_open_pattern_are_distinct() {
    for schema in [
        json!({"patternProperties": {"^a": true}, "minProperties": 40}),
        json!({"patternProperties": {"^(?!b)": true}, "minProperties": 40}),
        json!({"patternProperties": {"^x-": {"type": "integer"}}, "type": "object", "minProperties": 5}),
        json!({"patternProperties": {"^(?!b)": true}, "minProperties": 40,
               "properties": {"c": {}, "a": {"$ref": "#"}, "id": {}}}),
    ] {
        let table = Table::from_value(schema.clone(), None).unwrap();
        let needed = schema["minProperties"].as_u64().unwrap() as usize;
        let mut objects = 0;
        for row in 0..100 {
            let record = table
                .try_row_value(7, row)
                .unwrap_or_else(|e| panic!("{schema}: {e}"));
            if let Some(object) = record.as_object() {
                assert!(object.len() >= needed, "{schema}: {record}");
                objects += 1;
            }
        }
        assert!(objects > 0, "{schema}: no row is an object");
        assert_rows_valid(schema, 100);
    }
}

/// A recursive property that `minProperties` always keeps (three declared keys, three
/// needed) never ends: generation past the recursion bound left the optional key out,
/// the presence rules put it back, and the stack overflowed. Compilation now measures
/// recursion with the keys an object keeps past the bound, and refuses this one; with
/// one key fewer needed, the object past the bound keeps the two that end.
#[test]
fn recursion_kept_by_min_properties() {
    let endless =
        json!({"minProperties": 3, "properties": {"c": {}, "a": {"$ref": "#"}, "id": {}}});
    let error = Table::from_value(endless, None).unwrap_err();
    assert!(
        error.to_string().contains("has no finite instance"),
        "{error}"
    );
    for schema in [
        json!({"minProperties": 2, "properties": {"c": {}, "a": {"$ref": "#"}, "id": {}}}),
        json!({"type": "object", "minProperties": 1, "maxProperties": 1,
               "properties": {"a": {"$ref": "#"}, "b": {"type": "integer"}}}),
    ] {
        assert_rows_valid(schema, 200);
    }
}

/// Extra keys count towards the record's budget, as array elements do: 40 keys named
/// by a pattern, each an object whose keys recurse into the root (which needs 40 keys
/// again), made one record of 7.6 million values and 1.7 GB (found by
/// schema_structured). Past the budget the rest of the record heads for leaves.
#[test]
fn extra_keys_count_towards_the_record_budget() {
    let schema = json!({"minProperties": 40, "patternProperties": {
        "^[0-9]{3}-[0-9]{4}$": {"additionalProperties": {"$ref": "#"}}
    }});
    fn values(v: &Value) -> usize {
        1 + v.as_object().map_or(0, |o| o.values().map(values).sum())
    }
    let table = Table::from_value(schema.clone(), None).unwrap();
    for row in 0..20 {
        let record = table.try_row_value(7, row).unwrap();
        assert!(
            values(&record) < 20_000,
            "row {row}: {} values",
            values(&record)
        );
    }
    assert_rows_valid(schema, 20);
}

/// Extra keys named by one schema object's `patternProperties` are bound by another's
/// `additionalProperties: false` (a `$ref` target's): `{"xD9": ...}` came out, which the
/// target forbids (found by schema_structured). The object is now checked: here no
/// object is valid, so every row fails and says so; a pattern beside its own
/// `additionalProperties: false` still needs no check.
#[test]
fn extra_keys_of_a_pattern_are_bound_by_another_objects_additional_properties() {
    let schema = json!({
        "patternProperties": {"[A-Z]": {}}, "minProperties": 3, "$ref": "#/$defs/d0",
        "$defs": {"d0": {"additionalProperties": false, "minProperties": 3}}
    });
    let table = Table::from_value(schema, None).unwrap();
    for row in 0..20 {
        assert!(table.try_row_value(7, row).is_err(), "row {row}");
    }
    assert_rows_valid(
        json!({"type": "object", "minProperties": 2, "patternProperties": {"^[A-Z][a-z]+$": {}},
               "allOf": [{"additionalProperties": {"type": "integer"}}]}),
        100,
    );
}

/// A `$schema` that names no dialect synthtune knows, or another dialect than its
/// document's, is refused at its pointer. synthtune read `"$schema": "array"` (a mutated
/// `"type"`) as an annotation and generated by 2020-12, while the `jsonschema` crate,
/// taking it for a dialect of its own, read the `not: {contains: …}` beside it as
/// `not: {}` and rejected every array (found by schema_bytes in an access-policy schema).
#[test]
fn a_schema_keyword_naming_another_dialect_is_refused() {
    let draft4 = "http://json-schema.org/draft-04/schema#";
    for (schema, at, says) in [
        (
            json!({"properties": {"a": {"$schema": "array", "items": {"type": "string"}, "minItems": 1,
                   "not": {"contains": {"const": "x"}}}}, "required": ["a"]}),
            "/properties/a/$schema",
            "names no dialect synthtune knows",
        ),
        (
            json!({"$schema": "array", "type": "array"}),
            "/$schema",
            "names no dialect",
        ),
        (
            json!({"$schema": 5}),
            "/$schema",
            "not the URI of a dialect",
        ),
        (
            json!({"properties": {"a": {"$schema": draft4, "type": "number"}}}),
            "/properties/a/$schema",
            "another dialect than its document's",
        ),
        // Naming another dialect is as misleading in a resource of its own.
        (
            json!({"$defs": {"d": {"$id": "urn:d", "$schema": draft4}}}),
            "/$defs/d/$schema",
            "another dialect",
        ),
    ] {
        let error = Table::from_value(schema.clone(), None).expect_err(&schema.to_string());
        let message = error.to_string();
        assert!(
            message.contains(&format!("at {at}:")),
            "{schema}: {message}"
        );
        assert!(message.contains(says), "{schema}: {message}");
    }
    // A custom metaschema beside the schema is read in its own dialect, from 2019-09 on
    // (where vocabularies begin).
    let folder = tempfile::tempdir().expect("a temporary folder");
    let custom = json!({"$schema": "https://example.com/meta.json", "type": "integer"});
    for (meta_dialect, accepted) in [
        ("https://json-schema.org/draft/2019-09/schema", true),
        ("http://json-schema.org/draft-07/schema#", false),
    ] {
        let meta = json!({"$schema": meta_dialect, "$id": "https://example.com/meta.json"});
        std::fs::write(folder.path().join("meta.json"), meta.to_string()).expect("write");
        let table = Table::from_value(custom.clone(), Some(folder.path()));
        assert_eq!(table.is_ok(), accepted, "{meta_dialect}: {:?}", table.err());
    }
    // The document's own dialect, however spelt, and a property named `$schema`, stand.
    assert_rows_valid(
        json!({"$schema": draft4, "type": "object",
               "properties": {"a": {"$schema": "http://json-schema.org/draft-04/schema", "type": "integer"},
                              "$schema": {"type": "string"}},
               "required": ["a", "$schema"]}),
        50,
    );
}

/// Conditionals side by side multiply: each `if` compiles its `then` and its `else` with
/// every combination of the others, so a few dozen of them (or fewer, nested through
/// patterns and a `$ref` back to the root) meant billions of compilations, and `check`
/// never returned (found by schema_structured: a timeout). Past a budget of branches the
/// schema is refused at the branch where it ran out; under it, it compiles as before.
#[test]
fn branches_that_multiply_past_the_budget_are_refused() {
    let conditionals = |k: usize| {
        let mut properties = serde_json::Map::new();
        for i in 0..k {
            properties.insert(
                format!("a{i}"),
                json!({"type": "integer", "minimum": 0, "maximum": 1}),
            );
            properties.insert(format!("b{i}"), json!({"type": "string"}));
        }
        let all_of: Vec<Value> = (0..k)
            .map(|i| {
                json!({"if": {"properties": {format!("a{i}"): {"const": 1}}},
                       "then": {"properties": {format!("b{i}"): {"maxLength": 3}}},
                       "else": {"properties": {format!("b{i}"): {"minLength": 5}}}})
            })
            .collect();
        let required: Vec<String> = (0..k)
            .flat_map(|i| [format!("a{i}"), format!("b{i}")])
            .collect();
        json!({"type": "object", "properties": properties, "required": required, "allOf": all_of})
    };
    // 2 + 4 + … + 2^8 branches: compiled, and every row holds to each conditional.
    assert_rows_valid(conditionals(8), 200);
    // 2^15 and more: refused, naming a branch and the limit.
    let error = Table::from_value(conditionals(15), None).expect_err("past the budget");
    let message = error.to_string();
    assert!(message.contains("at /allOf/"), "{message}");
    assert!(
        message.contains("branches multiply into more than 20000"),
        "{message}"
    );
}

/// Extra keys named by a pattern of few strings (`^(foo|bar)$`, two) against a
/// `minProperties` of 40: each object drew 16 × 41 names, all repeats after the first
/// two, on every one of 200 trials and at every level of a `$ref: "#"` recursion, and
/// every row failed (found by schema_structured: 63 s of CPU for eight rows). The
/// names a pattern can write are counted now: an open object takes words for its extra
/// keys when the pattern has too few; a closed one (`additionalProperties: false`), or
/// `propertyNames` of too few strings, is refused at `minProperties`.
#[test]
fn min_properties_past_the_names_a_pattern_has() {
    for schema in [
        json!({"type": "object", "patternProperties": {"^(foo|bar)$": {"type": "integer"}},
               "minProperties": 5}),
        json!({"type": "object", "minProperties": 4,
               "patternProperties": {"^(foo|bar)$": true, "^x-[a-z]+$": {"type": "string"}},
               "additionalProperties": false}),
    ] {
        let table = Table::from_value(schema.clone(), None).unwrap();
        for row in 0..50 {
            let record = table
                .try_row_value(7, row)
                .unwrap_or_else(|e| panic!("{schema}: row {row}: {e}"));
            let keys = record.as_object().map_or(0, |o| o.len());
            assert!(keys >= 4, "{schema}: {record}");
        }
        assert_rows_valid(schema, 50);
    }
    for (schema, pointer, available) in [
        (
            json!({"type": "object", "patternProperties": {"^(foo|bar)$": true, "^id[0-9]$": true},
                   "additionalProperties": false, "minProperties": 13}),
            "/minProperties",
            12,
        ),
        (
            json!({"type": "object", "properties": {"a": {}}, "propertyNames": {"enum": ["a", "b", "c"]},
                   "minProperties": 5}),
            "/minProperties",
            3,
        ),
    ] {
        let error = Table::from_value(schema.clone(), None).unwrap_err();
        let message = error.to_string();
        assert!(message.contains(pointer), "{schema}: {message}");
        assert!(
            message.contains(&format!("allows at most {available} names")),
            "{schema}: {message}"
        );
    }
    // The fuzzer's input: every row now has its value.
    let input: Value = serde_json::from_str(include_str!(
        "fuzz_regressions/structured-min-properties-past-a-patterns-few-names.json"
    ))
    .unwrap();
    let table = Table::from_value(input, None).unwrap();
    for row in 0..8 {
        table.try_row_value(7, row).unwrap();
    }
}

/// `propertyNames` bound only by a pattern that constrains the start, `^(?!b)`, wrote
/// its shortest string, the empty name, and then only repeats: every object of
/// `minProperties` 40 failed, after 656 checked name draws on each of the row's 2,000
/// retries (found by schema_structured: 13 s of CPU for four failed rows, 9 s for the
/// one the commands stop at). The names now get a length floor where the schema
/// allows one.
#[test]
fn property_names_of_an_open_pattern_have_room() {
    for schema in [
        json!({"type": "object", "propertyNames": {"type": "string", "pattern": "^(?!b)"},
               "minProperties": 5}),
        json!({"type": "object", "propertyNames": {"pattern": "^x"}, "minProperties": 8}),
    ] {
        let table = Table::from_value(schema.clone(), None).unwrap();
        let needed = schema["minProperties"].as_u64().unwrap() as usize;
        for row in 0..50 {
            let record = table
                .try_row_value(7, row)
                .unwrap_or_else(|e| panic!("{schema}: row {row}: {e}"));
            assert!(
                record.as_object().unwrap().len() >= needed,
                "{schema}: {record}"
            );
        }
        assert_rows_valid(schema, 50);
    }
    // Where the floor does not fit, the names keep the schema's own lengths.
    assert_rows_valid(
        json!({"type": "object", "propertyNames": {"pattern": "^[a-z]{1,2}$"}, "minProperties": 3}),
        50,
    );
    let input: Value = serde_json::from_str(include_str!(
        "fuzz_regressions/structured-property-names-of-an-open-pattern.json"
    ))
    .unwrap();
    let table = Table::from_value(input, None).unwrap();
    for row in 0..8 {
        table.try_row_value(7, row).unwrap();
    }
}

/// An unsatisfiable `oneOf` over objects of 40 keys, each an object of 40 keys: the row
/// spent its 2,000 retries on values of 1,600 entries each, a second before it failed
/// (found by schema_structured: 3.9 s of CPU on the fuzz binary). A retry is charged by
/// the entries its value drew now, and the row fails after a few dozen such retries,
/// with the same message.
#[test]
fn retries_of_big_values_spend_the_row_budget_faster() {
    let input: Value = serde_json::from_str(include_str!(
        "fuzz_regressions/structured-retries-of-big-values-in-an-unsatisfiable-one-of.json"
    ))
    .unwrap();
    let table = Table::from_value(input, None).unwrap();
    let error = table.try_row_value(7, 0).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("budget of 2000 retries"), "{message}");
    // How many values the failed row drew: without the charge, 2,000 retries of 1,600.
    let mut ctx = synthtune::generate::Ctx::new(table.plan(), 7, 0, 0);
    let mut sink = synthtune::sink::ValueSink::new();
    table.plan().root.generate(&mut ctx, 0, &mut sink);
    assert!(ctx.failure.is_some());
    assert!(ctx.drawn < 400_000, "{} entries drawn", ctx.drawn);
}

/// Two schema objects of one resource with the same `$anchor` (one of them inside an
/// unknown keyword, after a mutation duplicated half of org-chart.json): synthtune
/// took the first for `#person`, the `jsonschema` crate the other, and the records
/// were invalid to it (found by schema_bytes). Refused now, at the second.
#[test]
fn an_anchor_defined_twice_is_refused() {
    let schema = json!({
        "$defs": {
            "a": {"$anchor": "item", "type": "integer"},
            "b": {"$anchor": "item", "type": "string"}
        },
        "properties": {"x": {"$ref": "#item"}}
    });
    let error = Table::from_value(schema, None).unwrap_err();
    assert_eq!(error.pointer(), Some("/$defs/b/$anchor"), "{error}");
    assert!(error.to_string().contains("defined twice"), "{error}");
    // One per resource: under an $id of its own, the same name is another anchor.
    assert_rows_valid(
        json!({
            "$defs": {
                "a": {"$anchor": "item", "type": "integer"},
                "b": {"$id": "urn:b", "$anchor": "item", "type": "string"}
            },
            "properties": {"x": {"$ref": "#item"}, "y": {"$ref": "urn:b#item"}}
        }),
        20,
    );
}
