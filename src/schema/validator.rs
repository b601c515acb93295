//! Validation with the `jsonschema` crate: the registry of every loaded document, the
//! validators of checked generators (regenerate until valid) and of the root schema as
//! written (`Table::validator`).
//!
//! A checked node is validated against its own subschema only: each location merged
//! into it contributes its own keywords, with the `$ref`, `allOf` and the `anyOf`/`oneOf`
//! branch already merged left out (they are other locations of the same node) and every
//! subschema below referred to by absolute URI. So a leaf deep inside alternatives does
//! not compile the alternatives again, and identical validators (a shared definition
//! reached by many paths) are built once. Each location's part is a validator of its
//! own, so a part that many nodes share is built once too.

use foldhash::HashSet;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::bundled;
use super::compile::Compiler;
use super::document::{Documents, Loc, resolve_pointer};
use crate::error::Problem;
use crate::generate::{CheckedGen, Node};

/// How many attempts a checked generator gets per value.
const CHECK_ATTEMPTS: u32 = 200;

/// The dialect a schema is read in when it names none.
pub(super) const DEFAULT_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords whose value is copied as written: they hold no subschema.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
];

impl Compiler {
    /// Wraps `node` so that each value is validated against `locs` and regenerated until
    /// it passes.
    pub fn checked(&mut self, node: Node, locs: &[Loc]) -> Result<Node, Problem> {
        if let Node::Checked(_) = node {
            return Ok(node);
        }
        self.checked_again(node, locs)
    }

    /// [`Compiler::checked`], also for a node that is checked already, by validators
    /// that may not hold all of `locs` (the one branch left of a `oneOf`).
    pub fn checked_again(&mut self, node: Node, locs: &[Loc]) -> Result<Node, Problem> {
        // One validator per location's part, not one for their `allOf`: a part shared by
        // many nodes (a definition that `$ref`s a large root, merged with each of its
        // variants) is compiled once.
        let Conjunction { parts } = self.validator(locs)?;
        let pointer = locs.first().map(|l| l.pointer.clone()).unwrap_or_default();
        Ok(Node::Checked(Arc::new(CheckedGen::new(
            node,
            parts,
            CHECK_ATTEMPTS,
            pointer,
        ))))
    }

    /// A validator for the conjunction of `locs` (the locations of one node), with
    /// formats asserted, for checks at compile time: one validator per location, each
    /// built once however many nodes it is merged into.
    pub fn validator(&mut self, locs: &[Loc]) -> Result<Conjunction, Problem> {
        let merged: HashSet<(usize, &str)> =
            locs.iter().map(|l| (l.doc, l.pointer.as_str())).collect();
        let dialect = locs
            .first()
            .map_or(DEFAULT_DIALECT, |l| self.docs.dialect(l.doc))
            .to_owned();
        // What each location says (read first, all of them: reading resolves references,
        // which may load documents), then a validator for each, without repeats and
        // without `true`.
        let read: Vec<(Arc<Value>, Option<Option<jsonschema::Validator>>)> = locs
            .iter()
            .map(|loc| match self.lone_part(loc, &dialect) {
                Some((part, validator)) => (part, Some(validator)),
                None => (Arc::new(self.own_keywords(loc, &merged, &dialect)), None),
            })
            .collect();
        let mut seen: Vec<&Value> = Vec::with_capacity(locs.len());
        let mut parts = Vec::with_capacity(locs.len());
        for (loc, (part, known)) in locs.iter().zip(&read) {
            if **part == Value::Bool(true) {
                if known.is_none() && self.stands_alone(loc) {
                    let known = (dialect.clone(), Arc::clone(part), None);
                    self.lone_parts
                        .entry(loc.doc)
                        .or_default()
                        .insert(loc.pointer.clone(), known);
                }
                continue;
            }
            if seen.contains(&&**part) {
                continue;
            }
            seen.push(part);
            let validator = match known {
                Some(validator) => validator.clone(),
                None => {
                    let schema = match &**part {
                        Value::Object(map) => {
                            let mut map = map.clone();
                            map.insert("$schema".into(), Value::String(dialect.clone()));
                            Value::Object(map)
                        }
                        other => other.clone(),
                    };
                    let validator = self.build_validator(schema, locs)?;
                    if self.stands_alone(loc) {
                        let known = (dialect.clone(), Arc::clone(part), Some(validator.clone()));
                        self.lone_parts
                            .entry(loc.doc)
                            .or_default()
                            .insert(loc.pointer.clone(), known);
                    }
                    Some(validator)
                }
            };
            parts.extend(validator);
        }
        Ok(Conjunction { parts })
    }

    /// The part and validator of a location that stands alone, as found before.
    #[allow(clippy::type_complexity)]
    fn lone_part(
        &self,
        loc: &Loc,
        dialect: &str,
    ) -> Option<(Arc<Value>, Option<jsonschema::Validator>)> {
        let (d, part, validator) = self.lone_parts.get(&loc.doc)?.get(&loc.pointer)?;
        (d == dialect).then(|| (Arc::clone(part), validator.clone()))
    }

    /// Whether what a location says itself depends on nothing but the location (and the
    /// dialect): no `$ref` or applicator that [`Compiler::own_keywords`] leaves out when
    /// the location it leads to is merged into the same node.
    fn stands_alone(&self, loc: &Loc) -> bool {
        self.docs
            .get(loc)
            .and_then(Value::as_object)
            .is_none_or(|map| {
                ![
                    "$ref",
                    "$dynamicRef",
                    "$recursiveRef",
                    "allOf",
                    "anyOf",
                    "oneOf",
                ]
                .iter()
                .any(|k| map.contains_key(*k))
            })
    }

    /// A validator for `schema`, built once per distinct schema.
    fn build_validator(
        &mut self,
        schema: Value,
        locs: &[Loc],
    ) -> Result<jsonschema::Validator, Problem> {
        let key = schema.to_string();
        if let Some(v) = self.validators.get(&key) {
            return Ok(v.clone());
        }
        self.registry()?;
        let registry = self
            .registry
            .as_ref()
            .map(|(_, r)| r)
            .expect("registry was just built");
        let validator = jsonschema::options()
            .with_registry(registry)
            .with_retriever(Bundled)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| {
                // The metaschema's complaint points into the schema: at its keyword.
                let at = locs.first().map(|l| l.pointer.as_str()).unwrap_or_default();
                Problem::new(
                    format!("{at}{}", e.instance_path()),
                    format!("not a valid schema: {e}"),
                )
            })?;
        self.validators.insert(key, validator.clone());
        Ok(validator)
    }

    /// What `loc` says itself, its subschemas by reference; `merged` are the other
    /// locations of the same node.
    fn own_keywords(&mut self, loc: &Loc, merged: &HashSet<(usize, &str)>, dialect: &str) -> Value {
        let whole = |docs: &Documents| json!({ "$ref": docs.uri_of(loc) });
        let doc = self.docs.value(loc.doc);
        let map = match resolve_pointer(&doc, &loc.pointer) {
            Some(Value::Object(map)) => map,
            Some(other) => return other.clone(),
            None => return Value::Bool(true),
        };
        // `unevaluated*` sees what the applicators beside it evaluate, and keywords
        // mean what their own dialect says: such a location is validated whole.
        if map.contains_key("unevaluatedProperties")
            || map.contains_key("unevaluatedItems")
            || self.docs.dialect(loc.doc) != dialect
        {
            return whole(&self.docs);
        }
        let sub = |docs: &mut Documents, tokens: &[&str]| {
            // Through plain references: parts that name the same schema by different
            // paths (every manager's `properties/x: {$ref: "#/definitions/x"}`) are then
            // the same text, and their validators are built once.
            let child = docs.through_plain_refs(loc.child(tokens));
            match docs.get(&child) {
                Some(Value::Bool(b)) => Value::Bool(*b),
                _ => json!({ "$ref": docs.uri_of(&child) }),
            }
        };
        let holds = |tokens: &[&str]| {
            let child = loc.child(tokens);
            merged.contains(&(child.doc, child.pointer.as_str()))
        };
        let mut out = Map::new();
        let mut all_of = Vec::new();
        for (key, value) in map {
            let key = key.as_str();
            match key {
                "$ref" | "$dynamicRef" | "$recursiveRef" => {
                    let Some(reference) = value.as_str() else {
                        continue;
                    };
                    if let Ok(target) = self.target(loc, key, reference)
                        && !merged.contains(&(target.doc, target.pointer.as_str()))
                    {
                        all_of.push(json!({ "$ref": self.docs.uri_of(&target) }));
                    }
                }
                "allOf" => {
                    let n = value.as_array().map_or(0, Vec::len);
                    for i in 0..n {
                        let i = i.to_string();
                        if !holds(&["allOf", &i]) {
                            all_of.push(sub(&mut self.docs, &["allOf", &i]));
                        }
                    }
                }
                "anyOf" | "oneOf" => {
                    // A branch merged into this node: the choice is made (and a `oneOf`'s
                    // exclusivity is checked where the choice is).
                    let prefix = format!("{}/{key}/", loc.pointer);
                    let chosen = merged.iter().any(|(doc, pointer)| {
                        *doc == loc.doc
                            && pointer
                                .strip_prefix(&prefix)
                                .is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit()))
                    });
                    if chosen {
                        continue;
                    }
                    let n = value.as_array().map_or(0, Vec::len);
                    let branches = (0..n)
                        .map(|i| sub(&mut self.docs, &[key, &i.to_string()]))
                        .collect();
                    out.insert(key.to_owned(), Value::Array(branches));
                }
                "not"
                | "if"
                | "then"
                | "else"
                | "additionalProperties"
                | "propertyNames"
                | "contains"
                | "additionalItems" => {
                    out.insert(key.to_owned(), sub(&mut self.docs, &[key]));
                }
                "properties" | "patternProperties" | "dependentSchemas" | "dependencies" => {
                    let Some(entries) = value.as_object() else {
                        continue;
                    };
                    let rewritten = entries
                        .iter()
                        .map(|(name, v)| {
                            let v = if v.is_array() {
                                v.clone()
                            } else {
                                sub(&mut self.docs, &[key, name])
                            };
                            (name.clone(), v)
                        })
                        .collect();
                    out.insert(key.to_owned(), Value::Object(rewritten));
                }
                "items" | "prefixItems" => {
                    let v = match value {
                        Value::Array(items) => Value::Array(
                            (0..items.len())
                                .map(|i| sub(&mut self.docs, &[key, &i.to_string()]))
                                .collect(),
                        ),
                        _ => sub(&mut self.docs, &[key]),
                    };
                    out.insert(key.to_owned(), v);
                }
                _ if VALUE_KEYWORDS.contains(&key) => {
                    out.insert(key.to_owned(), value.clone());
                }
                // Annotations, knobs, `$defs` and unknown keywords assert nothing.
                _ => {}
            }
        }
        if !all_of.is_empty() {
            out.insert("allOf".into(), Value::Array(all_of));
        }
        if out.is_empty() {
            Value::Bool(true)
        } else {
            Value::Object(out)
        }
    }

    /// Every loaded document, prepared for validators once (again only if documents were
    /// loaded since).
    fn registry(&mut self) -> Result<(), Problem> {
        if self
            .registry
            .as_ref()
            .is_none_or(|(n, _)| *n != self.docs.docs.len())
        {
            self.registry = Some((self.docs.docs.len(), prepare_registry(&self.docs)?));
        }
        Ok(())
    }
}

/// The validators of the locations of one node: a value is valid when all accept it.
#[derive(Clone)]
pub struct Conjunction {
    parts: Vec<jsonschema::Validator>,
}

impl std::fmt::Debug for Conjunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Conjunction({} validators)", self.parts.len())
    }
}

impl Conjunction {
    /// The validators, one per location.
    pub fn into_parts(self) -> Vec<jsonschema::Validator> {
        self.parts
    }

    pub fn is_valid(&self, value: &Value) -> bool {
        self.parts.iter().all(|p| p.is_valid(value))
    }

    /// Why `value` is invalid, location by location.
    pub fn iter_errors<'a>(
        &'a self,
        value: &'a Value,
    ) -> impl Iterator<Item = jsonschema::ValidationError<'a>> + 'a {
        self.parts.iter().flat_map(move |p| p.iter_errors(value))
    }
}

/// Makes `fragment` (a JSON Pointer, or an anchor's name) lead to a schema that holds
/// of nothing inside a stand-in document. `{"not": {}}`, not `false`, so that the same
/// place can still hold what other references lead below it.
fn stand_in(doc: &mut Value, fragment: &str) {
    let never = || json!({"not": {}});
    let as_object = |at: &mut Value| {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
    };
    if !fragment.is_empty() && !fragment.starts_with('/') {
        // An anchor: any subschema that declares it will do.
        as_object(doc);
        let Value::Object(map) = doc else { return };
        let defs = map.entry("$defs").or_insert_with(|| json!({}));
        if let Value::Object(defs) = defs {
            let mut schema = never();
            schema["$anchor"] = Value::String(fragment.to_owned());
            defs.insert(format!("synthtune-stand-in-{fragment}"), schema);
        }
        return;
    }
    let mut at = doc;
    for token in fragment.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        as_object(at);
        let Value::Object(map) = at else { return };
        at = map
            .entry(token)
            .or_insert_with(|| Value::Object(Map::new()));
    }
    as_object(at);
    if let Value::Object(map) = at {
        map.insert("not".into(), json!({}));
    }
}

/// What validators retrieve for a document that is not loaded: a bundled metaschema, or
/// `false` for any other. synthtune leaves out whatever needs such a document, so a
/// record valid here never uses it.
struct Bundled;

impl jsonschema::Retrieve for Bundled {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let resource = uri.as_str().split('#').next().unwrap_or_default();
        Ok(bundled::metaschema(resource)
            .cloned()
            .unwrap_or(Value::Bool(false)))
    }
}

/// A validator for the root document as written (so that its errors carry the
/// document's own pointers), references to the other documents resolved, formats
/// asserted: what `Table::validator` gives export's `--validate`.
pub fn root_validator(docs: &Documents) -> Result<jsonschema::Validator, Problem> {
    let root = &docs.docs[0];
    jsonschema::options()
        .with_registry(&prepare_registry(docs)?)
        .with_retriever(Bundled)
        .with_base_uri(root.uri.clone())
        .should_validate_formats(true)
        .build(&root.value)
        .map_err(|e| {
            Problem::new(
                e.instance_path().to_string(),
                format!("not a valid schema: {e}"),
            )
        })
}

/// Every document of `docs` (under its URI), prepared for validators,
/// and for each document that could not be found, a stand-in where every subschema
/// referred to is `false` (what needs it is never generated).
fn prepare_registry(docs: &Documents) -> Result<jsonschema::Registry<'static>, Problem> {
    let mut resources: Vec<(String, Value)> = docs
        .docs
        .iter()
        .map(|d| (d.uri.clone(), Value::clone(&d.value)))
        .collect();
    for target in &docs.unavailable {
        let (resource, fragment) = target.split_once('#').unwrap_or((target, ""));
        let at = match resources.iter().position(|(uri, _)| uri == resource) {
            Some(i) => i,
            None => {
                resources.push((resource.to_owned(), Value::Object(Map::new())));
                resources.len() - 1
            }
        };
        let fragment = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        stand_in(&mut resources[at].1, &fragment);
    }
    jsonschema::Registry::new()
        .retriever(Bundled)
        .extend(resources)
        .and_then(|b| b.prepare())
        .map_err(|e| {
            Problem::new(
                "",
                format!("the schema cannot be prepared for validation: {e}"),
            )
        })
}
