//! Collecting: what the schema says at a location, merged into [`Facts`].
//!
//! Follows `$ref` and `allOf` into the same facts and records the applicators
//! (`anyOf`/`oneOf`, `if`, `not`) for the build step to resolve.

use serde_json::{Map, Value, json};

use super::compile::Compiler;
use super::document::{Loc, child_pointer, resolve_pointer};
use super::facts::{
    ANNOTATIONS, Alternatives, At, Bound, Conditional, Dependency, Facts, Types, count,
};
use super::knobs::KnobNote;
use crate::error::Problem;

impl Compiler {
    /// Merges what the schema at `loc` says into `f`.
    pub fn collect(&mut self, loc: &Loc, f: &mut Facts) -> Result<(), Problem> {
        self.deeper(|| loc.pointer.clone())?;
        let collected = self.collect_here(loc, f);
        self.depth -= 1;
        collected
    }

    fn collect_here(&mut self, loc: &Loc, f: &mut Facts) -> Result<(), Problem> {
        let loc = self.docs.enter(loc.clone());
        // The document is shared, not copied: collecting is linear in the schema's size.
        let doc = self.docs.value(loc.doc);
        let schema = resolve_pointer(&doc, &loc.pointer)
            .ok_or_else(|| Problem::new(&loc.pointer, "nothing at this location"))?;
        let map = match schema {
            Value::Bool(true) => {
                f.locs.push(loc);
                return Ok(());
            }
            Value::Bool(false) => {
                f.never.get_or_insert(loc.pointer.clone());
                f.locs.push(loc);
                return Ok(());
            }
            Value::Object(map) => map,
            other => {
                return Err(Problem::invalid(
                    &loc.pointer,
                    format!("a schema must be an object or a boolean, not {other}"),
                ));
            }
        };
        f.locs.push(loc.clone());
        f.knobs.absorb(map, &loc.pointer, &mut f.knob_notes)?;
        if let Some(t) = map.get("title").and_then(Value::as_str) {
            f.titles.push(t.to_owned());
        }
        let draft7_items = map.get("items").is_some_and(Value::is_array);
        for (key, value) in map {
            let at = child_pointer(&loc.pointer, key);
            if ANNOTATIONS.contains(&key.as_str()) {
                continue;
            }
            if key != "$ref" {
                f.constraint_count += 1;
            }
            if matches!(key.as_str(), "type" | "enum" | "const") {
                f.listing_count += 1;
            }
            self.collect_keyword(&loc, map, key, value, at, draft7_items, f)?;
        }
        Ok(())
    }

    /// Whether `loc`'s document is in a dialect before 2020-12, where `prefixItems` does
    /// not exist (a tuple is an `items` array) and validators pass it by.
    fn tuples_by_items(&self, loc: &Loc) -> bool {
        !self.docs.dialect(loc.doc).contains("/2020-12/")
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_keyword(
        &mut self,
        loc: &Loc,
        map: &Map<String, Value>,
        key: &str,
        value: &Value,
        at: String,
        draft7_items: bool,
        f: &mut Facts,
    ) -> Result<(), Problem> {
        let bad = |what: &str| Problem::invalid(at.clone(), format!("{key} must be {what}"));
        let number = || value.as_f64().ok_or_else(|| bad("a number"));
        let whole = || {
            count(map, key)
                .map(|v| At {
                    value: v,
                    pointer: at.clone(),
                })
                .ok_or_else(|| bad("a whole number ≥ 0"))
        };
        let sub = |token: &str| loc.child(&[token]);
        // The schema of a property's or an item's value.
        let below = |token: &str| loc.value_below(&[token]);
        super::limits::check_keyword(key, value, &at)?;
        match key {
            "$ref" | "$dynamicRef" | "$recursiveRef" => {
                let reference = value.as_str().ok_or_else(|| bad("a string"))?;
                let target = self.target(loc, key, reference)?;
                // Recursion is a reference back into a target this location was reached
                // through; the same definition merged elsewhere on the path is not. Back
                // into a target with no property or item between, it is a loop (loops.rs;
                // this catches the ones through the dynamic scope).
                if loc.scope.contains_on_this_value(&target) {
                    return Err(super::loops::refusal(&self.docs, at, &target));
                }
                if loc.scope.contains(&target) {
                    f.recursion.push(target);
                } else if !f.expanded.contains(&target) {
                    f.expanded.push(target.clone());
                    self.collect(&target.entered_from(loc), f)?;
                }
            }
            "type" => {
                let bits = match value {
                    Value::String(s) => {
                        Types::from_name(s).ok_or_else(|| bad("a JSON type name"))?
                    }
                    Value::Array(names) => names.iter().try_fold(0u8, |acc, n| {
                        n.as_str()
                            .and_then(Types::from_name)
                            .map(|b| acc | b)
                            .ok_or_else(|| bad("a list of JSON type names"))
                    })?,
                    _ => return Err(bad("a type name or a list of them")),
                };
                f.intersect_types(bits, at);
            }
            "const" => f.consts.push(At {
                value: value.clone(),
                pointer: at,
            }),
            "enum" => {
                let values = value.as_array().ok_or_else(|| bad("an array"))?;
                f.enums.push(At {
                    value: values.clone(),
                    pointer: at,
                });
            }
            "minimum" => f.raise_minimum(Bound {
                value: number()?,
                exclusive: false,
                pointer: at,
            }),
            "maximum" => f.lower_maximum(Bound {
                value: number()?,
                exclusive: false,
                pointer: at,
            }),
            "exclusiveMinimum" | "exclusiveMaximum" => {
                // draft-04 spelling (a boolean beside minimum/maximum) is not supported.
                let Some(v) = value.as_f64() else {
                    f.needs_check
                        .push(format!("{key} as a boolean is draft-04"));
                    return Ok(());
                };
                let b = Bound {
                    value: v,
                    exclusive: true,
                    pointer: at,
                };
                if key == "exclusiveMinimum" {
                    f.raise_minimum(b)
                } else {
                    f.lower_maximum(b)
                }
            }
            "multipleOf" => {
                let m = number()?;
                if m <= 0.0 {
                    return Err(bad("a number greater than 0"));
                }
                f.multiple_of.push(At {
                    value: m,
                    pointer: at,
                });
            }
            "minLength" => merge_max(&mut f.min_length, whole()?),
            "maxLength" => merge_min(&mut f.max_length, whole()?),
            "pattern" => f.patterns.push(At {
                value: value.as_str().ok_or_else(|| bad("a string"))?.to_owned(),
                pointer: at,
            }),
            "format" => f.formats.push(At {
                value: value.as_str().ok_or_else(|| bad("a string"))?.to_owned(),
                pointer: at,
            }),
            "formatMinimum" => f.format_minimum = value.as_str().map(str::to_owned),
            "formatMaximum" => f.format_maximum = value.as_str().map(str::to_owned),
            "prefixItems" if self.tuples_by_items(loc) => f.knob_notes.push(KnobNote {
                pointer: at.clone(),
                message: "prefixItems has no effect in this schema's dialect (it is 2020-12's): write the tuple as an items array".into(),
            }),
            "prefixItems" => self.collect_prefix(loc, "prefixItems", value, f, &at)?,
            "items" if draft7_items => self.collect_prefix(loc, "items", value, f, &at)?,
            "items" => {
                // This object's own tuple (none where prefixItems is no keyword).
                let tuple = if self.tuples_by_items(loc) {
                    0
                } else {
                    map.get("prefixItems")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len)
                };
                f.items_after(tuple, value, below("items"), at);
            }
            "additionalItems" => {
                if draft7_items {
                    let tuple = map.get("items").and_then(Value::as_array).map_or(0, Vec::len);
                    f.items_after(tuple, value, below("additionalItems"), at);
                }
            }
            "unevaluatedItems" => {
                f.needs_check.push("unevaluatedItems".into());
                if value == &Value::Bool(false) && f.items.is_empty() {
                    f.no_more_items.get_or_insert(at);
                }
            }
            "minItems" => merge_max(&mut f.min_items, whole()?),
            "maxItems" => merge_min(&mut f.max_items, whole()?),
            "uniqueItems" => f.unique_items |= value.as_bool().ok_or_else(|| bad("a boolean"))?,
            "contains" => {
                f.contains.push(below("contains"));
                // A contains without minContains asks for one match: merged with the
                // bounds of other schema objects' contains, it must count.
                if !map.contains_key("minContains") {
                    merge_max(
                        &mut f.min_contains,
                        At {
                            value: 1,
                            pointer: at.clone(),
                        },
                    );
                }
            }
            // These bound the `contains` of their own schema object only.
            "minContains" | "maxContains" if !map.contains_key("contains") => {
                f.knob_notes.push(KnobNote {
                    pointer: at.clone(),
                    message: format!("{key} has no effect: it bounds the contains beside it, and this schema object has none"),
                });
            }
            "minContains" => merge_max(&mut f.min_contains, whole()?),
            "maxContains" => merge_min(&mut f.max_contains, whole()?),
            "properties" => {
                let props = value.as_object().ok_or_else(|| bad("an object"))?;
                for name in props.keys() {
                    let ploc = loc.value_below(&["properties", name]);
                    match f.properties.iter_mut().find(|(n, _)| n == name) {
                        Some((_, locs)) => locs.push(ploc),
                        None => f.properties.push((name.clone(), vec![ploc])),
                    }
                }
            }
            "patternProperties" => {
                let props = value.as_object().ok_or_else(|| bad("an object"))?;
                for pattern in props.keys() {
                    f.pattern_properties
                        .push((pattern.clone(), loc.value_below(&["patternProperties", pattern])));
                }
            }
            "additionalProperties" => {
                f.additional_scopes.push(loc.clone());
                match value {
                    Value::Bool(false) => {
                        f.no_more_properties.get_or_insert(at);
                    }
                    _ => f.additional.push(below("additionalProperties")),
                }
            }
            "unevaluatedProperties" => {
                f.needs_check.push("unevaluatedProperties".into());
                if value == &Value::Bool(false) && f.additional.is_empty() {
                    f.no_more_properties.get_or_insert(at);
                }
            }
            "required" => {
                let names = value
                    .as_array()
                    .ok_or_else(|| bad("an array of property names"))?;
                for (i, n) in names.iter().enumerate() {
                    let n = n
                        .as_str()
                        .ok_or_else(|| bad("an array of property names"))?;
                    if !f.required.iter().any(|r| r.value == n) {
                        f.required.push(At {
                            value: n.to_owned(),
                            pointer: format!("{at}/{i}"),
                        });
                    }
                }
            }
            "minProperties" => merge_max(&mut f.min_properties, whole()?),
            "maxProperties" => merge_min(&mut f.max_properties, whole()?),
            "propertyNames" => f.property_names.push(below("propertyNames")),
            "dependentRequired" => self.collect_dependent_required(value, f, &at)?,
            "dependentSchemas" => {
                let deps = value.as_object().ok_or_else(|| bad("an object"))?;
                for name in deps.keys() {
                    f.dependent_schemas
                        .push((name.clone(), loc.child(&["dependentSchemas", name])));
                }
                f.needs_check.push("dependentSchemas".into());
            }
            "dependencies" => {
                let deps = value.as_object().ok_or_else(|| bad("an object"))?;
                for (name, dep) in deps {
                    if dep.is_array() {
                        self.collect_dependent_required(&json!({ name: dep }), f, &at)?;
                    } else {
                        f.dependent_schemas
                            .push((name.clone(), loc.child(&["dependencies", name])));
                        f.needs_check.push("dependencies".into());
                    }
                }
            }
            "allOf" => {
                let items = value
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| bad("a non-empty array"))?;
                for i in 0..items.len() {
                    self.collect(&loc.child(&["allOf", &i.to_string()]), f)?;
                }
            }
            "anyOf" | "oneOf" => {
                let items = value
                    .as_array()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| bad("a non-empty array"))?;
                let discriminator = map
                    .get("discriminator")
                    .and_then(|d| d.get("propertyName"))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                f.alternatives.push(Alternatives {
                    exclusive: key == "oneOf",
                    branches: (0..items.len())
                        .map(|i| loc.child(&[key, &i.to_string()]))
                        .collect(),
                    pointer: at,
                    discriminator,
                });
            }
            "not" => f.nots.push(sub("not")),
            "if" => f.conditionals.push(Conditional {
                condition: sub("if"),
                then: map.contains_key("then").then(|| sub("then")),
                otherwise: map.contains_key("else").then(|| sub("else")),
            }),
            "then" | "else" => f.constraint_count -= 1,
            _ if key.starts_with("x-") => f.constraint_count -= 1,
            _ => {
                f.constraint_count -= 1;
                f.unknown.push(at);
            }
        }
        Ok(())
    }

    /// Where a `$ref`, `$dynamicRef` or `$recursiveRef` at `loc` leads (the dynamic
    /// ones through `loc`'s dynamic scope).
    pub(super) fn target(&mut self, loc: &Loc, key: &str, reference: &str) -> Result<Loc, Problem> {
        match key {
            "$dynamicRef" | "$recursiveRef" => {
                // Where it leads depends on the path taken: see `Compiler::compile`.
                self.dynamic_lookups += 1;
                if key == "$dynamicRef" {
                    self.docs.resolve_dynamic(loc, reference)
                } else {
                    self.docs.resolve_recursive(loc, reference)
                }
            }
            _ => self.docs.resolve(loc, reference),
        }
    }

    fn collect_prefix(
        &mut self,
        loc: &Loc,
        key: &str,
        value: &Value,
        f: &mut Facts,
        at: &str,
    ) -> Result<(), Problem> {
        let items = value
            .as_array()
            .ok_or_else(|| Problem::new(at, format!("{key} must be an array of schemas")))?;
        for i in 0..items.len() {
            let item = loc.value_below(&[key, &i.to_string()]);
            match f.prefix_items.get_mut(i) {
                Some(locs) => locs.push(item),
                None => f.prefix_items.push(vec![item]),
            }
        }
        Ok(())
    }

    fn collect_dependent_required(
        &mut self,
        value: &Value,
        f: &mut Facts,
        at: &str,
    ) -> Result<(), Problem> {
        let deps = value
            .as_object()
            .ok_or_else(|| Problem::new(at, "dependentRequired must be an object"))?;
        for (name, list) in deps {
            let pointer = child_pointer(at, name);
            let names = list
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|n| n.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| Problem::new(&pointer, "must be an array of property names"))?;
            f.dependent_required.push(Dependency {
                name: name.clone(),
                requires: names,
                pointer,
            });
        }
        Ok(())
    }
}

pub(super) fn merge_max(slot: &mut Option<At<u64>>, new: At<u64>) {
    if slot.as_ref().is_none_or(|s| new.value > s.value) {
        *slot = Some(new);
    }
}

pub(super) fn merge_min(slot: &mut Option<At<u64>>, new: At<u64>) {
    if slot.as_ref().is_none_or(|s| new.value < s.value) {
        *slot = Some(new);
    }
}
