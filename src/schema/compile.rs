//! The compiler: schema locations → facts → a generator [`Node`].
//!
//! `collect` merges what a location says (following `$ref` and `allOf`) into [`Facts`];
//! `build` resolves the applicators (`anyOf`/`oneOf`, `if`/`then`/`else`, recursion)
//! and hands plain facts to the builder of each type family (numbers.rs, strings.rs,
//! arrays.rs, objects.rs). Every refusal is a [`Problem`] with the culprit's pointer.

use serde_json::{Map, Value, json};

use super::document::{Documents, Loc};
use super::facts::{ANNOTATIONS, Alternatives, At, Bound, Conditional, Facts, Types, count};
use super::knobs::{Knobs, escape, resolve_weights};
use crate::error::{Diagnostic, Problem, ProblemKind, Severity};
use crate::generate::array::json_equal;
use crate::generate::{BoolGen, CheckedGen, EnumGen, Node, UnionGen};

/// How many attempts a checked generator gets per value.
const CHECK_ATTEMPTS: u32 = 200;

/// A compiled location: the generator and the knobs written there.
pub struct Compiled {
    pub node: Node,
    pub knobs: Knobs,
}

pub struct Compiler {
    pub docs: Documents,
    pub diagnostics: Vec<Diagnostic>,
    /// `$ref` targets whose expansion is in progress: a reference to one is recursion.
    expanding: Vec<Loc>,
    /// Recursive targets, by slot; filled after the main compilation.
    pub recursive: Vec<(Loc, Option<Node>)>,
    registry: Option<(usize, jsonschema::Registry<'static>)>,
    /// Global rates from the command line, overriding schema defaults.
    pub defaults: RateDefaults,
    pub synthesizers: crate::synthesizer::Synthesizers,
}

/// Rates used where the schema sets none.
#[derive(Debug, Clone, Copy)]
pub struct RateDefaults {
    pub null_rate: f64,
    pub absent_rate: f64,
    /// Share of deliberately invalid values in every scalar field (`--noise`).
    pub noise: f64,
}

impl Default for RateDefaults {
    fn default() -> Self {
        RateDefaults {
            null_rate: 0.05,
            absent_rate: 0.0,
            noise: 0.0,
        }
    }
}

impl Compiler {
    pub fn new(docs: Documents) -> Compiler {
        Compiler {
            docs,
            diagnostics: Vec::new(),
            expanding: Vec::new(),
            recursive: Vec::new(),
            registry: None,
            defaults: RateDefaults::default(),
            synthesizers: Default::default(),
        }
    }

    pub fn note(
        &mut self,
        severity: Severity,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        let d = Diagnostic {
            severity,
            pointer: pointer.into(),
            message: message.into(),
        };
        if !self.diagnostics.contains(&d) {
            self.diagnostics.push(d);
        }
    }

    /// Compiles the merge of `locs` (all must hold).
    pub fn compile(&mut self, locs: &[Loc]) -> Result<Compiled, Problem> {
        let mut facts = Facts::default();
        for loc in locs {
            self.collect(loc, &mut facts)?;
        }
        self.compile_facts(facts)
    }

    pub fn compile_facts(&mut self, facts: Facts) -> Result<Compiled, Problem> {
        for note in &facts.knob_notes {
            self.note(
                Severity::Ignored,
                note.pointer.clone(),
                note.message.clone(),
            );
        }
        for pointer in &facts.unknown {
            self.note(
                Severity::Ignored,
                pointer.clone(),
                "unknown keyword: not a JSON Schema 2020-12 or draft-07 keyword synthtune knows",
            );
        }
        let depth = self.expanding.len();
        self.expanding.extend(facts.expanded.iter().cloned());
        let knobs = facts.knobs.clone();
        let result = self.build(facts);
        self.expanding.truncate(depth);
        Ok(Compiled {
            node: result?,
            knobs,
        })
    }

    // ----- collecting -------------------------------------------------------------

    /// Merges what the schema at `loc` says into `f`.
    pub fn collect(&mut self, loc: &Loc, f: &mut Facts) -> Result<(), Problem> {
        let loc = self.docs.enter(loc.clone());
        let schema = self
            .docs
            .get(&loc)
            .cloned()
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
        f.knobs.absorb(&map, &loc.pointer, &mut f.knob_notes)?;
        if let Some(t) = map.get("title").and_then(Value::as_str) {
            f.titles.push(t.to_owned());
        }
        let draft7_items = map.get("items").is_some_and(Value::is_array);
        for (key, value) in &map {
            let at = format!("{}/{}", loc.pointer, escape(key));
            if ANNOTATIONS.contains(&key.as_str()) {
                continue;
            }
            if key != "$ref" {
                f.constraint_count += 1;
            }
            self.collect_keyword(&loc, &map, key, value, at, draft7_items, f)?;
        }
        Ok(())
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
        match key {
            "$ref" | "$dynamicRef" | "$recursiveRef" => {
                let reference = value.as_str().ok_or_else(|| bad("a string"))?;
                let target = self.docs.resolve(loc, reference)?;
                if key != "$ref" {
                    f.needs_check.push(format!("{key} is followed statically"));
                }
                if self.expanding.contains(&target) {
                    f.recursion.push(target);
                } else if !f.expanded.contains(&target) {
                    f.expanded.push(target.clone());
                    self.collect(&target, f)?;
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
            "prefixItems" => self.collect_prefix(loc, "prefixItems", value, f, &at)?,
            "items" if draft7_items => self.collect_prefix(loc, "items", value, f, &at)?,
            "items" => match value {
                Value::Bool(false) => {
                    f.no_more_items.get_or_insert(at);
                }
                _ => f.items.push(sub("items")),
            },
            "additionalItems" => {
                if draft7_items {
                    match value {
                        Value::Bool(false) => {
                            f.no_more_items.get_or_insert(at);
                        }
                        _ => f.items.push(sub("additionalItems")),
                    }
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
            "contains" => f.contains.push(sub("contains")),
            "minContains" => merge_max(&mut f.min_contains, whole()?),
            "maxContains" => merge_min(&mut f.max_contains, whole()?),
            "properties" => {
                let props = value.as_object().ok_or_else(|| bad("an object"))?;
                for name in props.keys() {
                    let ploc = loc.child(&["properties", name]);
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
                        .push((pattern.clone(), loc.child(&["patternProperties", pattern])));
                }
            }
            "additionalProperties" => match value {
                Value::Bool(false) => {
                    f.no_more_properties.get_or_insert(at);
                }
                _ => f.additional.push(sub("additionalProperties")),
            },
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
            "propertyNames" => f.property_names.push(sub("propertyNames")),
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
            let item = loc.child(&[key, &i.to_string()]);
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
            let names = list
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|n| n.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    Problem::new(
                        format!("{at}/{}", escape(name)),
                        "must be an array of property names",
                    )
                })?;
            f.dependent_required.push((name.clone(), names));
        }
        Ok(())
    }

    // ----- building -----------------------------------------------------------------

    fn build(&mut self, mut f: Facts) -> Result<Node, Problem> {
        if let Some(pointer) = &f.never {
            return Err(Problem::new(
                pointer.clone(),
                "the schema is `false`: no value is allowed here",
            )
            .hint("remove the `false`, or make the property optional"));
        }
        if let Some(target) = f.recursion.first().cloned() {
            let slot = self.recursion_slot(target);
            let node = Node::Recurse(slot);
            return if f.constraint_count == 0 {
                Ok(node)
            } else {
                self.checked(node, &f.locs)
            };
        }
        if let Some(group) = f.alternatives.pop() {
            return self.build_alternatives(f, group);
        }
        if let Some(cond) = f.conditionals.pop() {
            return self.build_conditional(f, cond);
        }
        let mut check = !f.needs_check.is_empty();
        for not in std::mem::take(&mut f.nots) {
            check |= self.apply_not(&not, &mut f)?;
        }
        self.note_key_knobs(&f);
        let mut node = self.build_plain(&mut f, &mut check)?;
        if Self::wants_unique(&f) {
            node = self.make_unique(&f, node)?;
        }
        if check {
            node = self.checked(node, &f.locs)?;
        }
        self.with_noise(&f, node)
    }

    fn recursion_slot(&mut self, target: Loc) -> usize {
        match self.recursive.iter().position(|(l, _)| *l == target) {
            Some(i) => i,
            None => {
                self.recursive.push((target, None));
                self.recursive.len() - 1
            }
        }
    }

    /// Compiles every recursive target on its own (each may add more).
    pub fn fill_recursive(&mut self) -> Result<(), Problem> {
        while let Some(i) = self.recursive.iter().position(|(_, n)| n.is_none()) {
            let target = self.recursive[i].0.clone();
            self.expanding.push(target.clone());
            let compiled = self.compile(std::slice::from_ref(&target));
            self.expanding.pop();
            self.recursive[i].1 = Some(compiled?.node);
        }
        Ok(())
    }

    /// Narrows facts by a `not`; returns whether the result still needs checking.
    fn apply_not(&mut self, not: &Loc, f: &mut Facts) -> Result<bool, Problem> {
        let schema = self.docs.get(not).cloned().unwrap_or(Value::Bool(true));
        match &schema {
            Value::Bool(true) => Err(Problem::new(
                &not.pointer,
                "`not: true` forbids every value",
            )),
            Value::Bool(false) => Ok(false),
            Value::Object(m) if m.is_empty() => {
                Err(Problem::new(&not.pointer, "`not: {}` forbids every value"))
            }
            Value::Object(m) if m.len() == 1 && m.contains_key("type") => {
                let mut inner = Facts::default();
                self.collect(not, &mut inner)?;
                if let Some(t) = inner.types {
                    let allowed = f.types.as_ref().map_or(Types::ALL.0, |t| t.value.0);
                    let mut remaining = allowed & !t.value.0;
                    // `not: integer` still allows fractions; keep the number family.
                    if t.value.0 & Types::INTEGER != 0
                        && t.value.0 & Types::FRACTION == 0
                        && allowed & Types::FRACTION != 0
                    {
                        remaining |= Types::FRACTION;
                        f.types = Some(At {
                            value: Types(remaining),
                            pointer: not.pointer.clone(),
                        });
                        return Ok(true);
                    }
                    f.types = Some(At {
                        value: Types(remaining),
                        pointer: not.pointer.clone(),
                    });
                }
                Ok(false)
            }
            _ => Ok(true),
        }
    }

    fn build_alternatives(&mut self, f: Facts, group: Alternatives) -> Result<Node, Problem> {
        let mut nodes = Vec::new();
        let mut names = Vec::new();
        let mut kept = Vec::new();
        let mut signatures = Vec::new();
        let mut first_error = None;
        for (i, branch) in group.branches.iter().enumerate() {
            let mut bf = f.clone();
            bf.knob_notes.clear();
            bf.unknown.clear();
            let before_titles = bf.titles.len();
            self.collect(branch, &mut bf)?;
            let mut branch_names = vec![i.to_string()];
            branch_names.extend(bf.titles[before_titles..].iter().cloned());
            if let Some(prop) = &group.discriminator {
                branch_names.extend(self.discriminator_values(&bf, prop));
            }
            let signature = Signature::of(&bf, self);
            match self.compile_facts(bf) {
                Ok(c) => {
                    nodes.push(c.node);
                    names.push(branch_names);
                    kept.push(i);
                    signatures.push(signature);
                }
                Err(p) if p.kind == ProblemKind::Invalid => return Err(p),
                Err(p) => {
                    self.note(
                        Severity::Note,
                        branch.pointer.clone(),
                        format!("branch never generated: {}", p.message),
                    );
                    first_error.get_or_insert(p);
                }
            }
        }
        if nodes.is_empty() {
            let p = first_error
                .unwrap_or_else(|| Problem::new(&group.pointer, "no branch can be generated"));
            return Err(Problem::new(
                group.pointer.clone(),
                format!("no branch can be satisfied; the first: {p}"),
            ));
        }
        let mut weights = self.branch_weights(&f, &group, &nodes, &names, &kept)?;
        // Any anyOf branch will do: unless weights say otherwise, take the ones generated
        // exactly over those found by trial (pydantic's Decimal is a number or a string
        // with a look-ahead pattern: the number it is).
        let exact = |n: &Node| !matches!(n, Node::Checked(_));
        let exact_value = |n: &Node| exact(n) && !matches!(n, Node::Null);
        if !group.exclusive && f.knobs.weights.is_none() && nodes.iter().any(exact_value) {
            for (w, n) in weights.iter_mut().zip(&nodes) {
                if !exact(n) {
                    *w = 0.0;
                }
            }
        }
        let exclusive_ok = !group.exclusive || Signature::pairwise_disjoint(&signatures);
        let node = if nodes.len() == 1 {
            nodes.pop().expect("one node")
        } else {
            Node::Union(UnionGen::new(nodes, &weights))
        };
        if exclusive_ok && f.needs_check.is_empty() {
            Ok(node)
        } else {
            self.checked(node, &f.locs)
        }
    }

    fn discriminator_values(&self, f: &Facts, prop: &str) -> Vec<String> {
        let Some((_, locs)) = f.properties.iter().find(|(n, _)| n == prop) else {
            return Vec::new();
        };
        locs.iter()
            .filter_map(|l| self.docs.get(l))
            .filter_map(|s| {
                s.get("const")
                    .or_else(|| s.get("enum").and_then(|e| e.get(0)))
            })
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }

    /// Branch weights: the `weights` knob, with a `null` branch taking `null_rate`.
    fn branch_weights(
        &mut self,
        f: &Facts,
        group: &Alternatives,
        nodes: &[Node],
        names: &[Vec<String>],
        kept: &[usize],
    ) -> Result<Vec<f64>, Problem> {
        let mut weights = vec![1.0; nodes.len()];
        if let Some((w, at)) = &f.knobs.weights {
            let all_names: Vec<Vec<String>> = group
                .branches
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    kept.iter()
                        .position(|&k| k == i)
                        .map_or_else(|| vec![i.to_string()], |j| names[j].clone())
                })
                .collect();
            let all = resolve_weights(w, &all_names, at)?;
            weights = kept.iter().map(|&i| all[i]).collect();
            if weights.iter().sum::<f64>() <= 0.0 {
                return Err(Problem::new(
                    at.clone(),
                    "every branch that can be generated has weight 0",
                ));
            }
        }
        let nulls: Vec<usize> = (0..nodes.len())
            .filter(|&i| matches!(nodes[i], Node::Null))
            .collect();
        if nulls.len() == 1 && nodes.len() > 1 {
            let rate = f.knobs.null_rate.unwrap_or(self.defaults.null_rate);
            let others: f64 = (0..nodes.len())
                .filter(|i| *i != nulls[0])
                .map(|i| weights[i])
                .sum();
            for (i, w) in weights.iter_mut().enumerate() {
                *w = if i == nulls[0] {
                    rate
                } else {
                    *w / others * (1.0 - rate)
                };
            }
            if rate >= 1.0 {
                self.note(
                    Severity::Note,
                    f.pointer(),
                    "null_rate is 1: the value is always null",
                );
            }
        }
        Ok(weights)
    }

    fn build_conditional(&mut self, f: Facts, cond: Conditional) -> Result<Node, Problem> {
        let mut branches = Vec::new();
        let mut then_facts = f.clone();
        self.collect(&cond.condition, &mut then_facts)?;
        if let Some(then) = &cond.then {
            self.collect(then, &mut then_facts)?;
        }
        let mut else_facts = f.clone();
        if let Some(otherwise) = &cond.otherwise {
            self.collect(otherwise, &mut else_facts)?;
        }
        let mut first_error = None;
        for facts in [then_facts, else_facts] {
            match self.compile_facts(facts) {
                Ok(c) => branches.push(c.node),
                Err(p) if p.kind == ProblemKind::Invalid => return Err(p),
                Err(p) => {
                    first_error.get_or_insert(p);
                }
            }
        }
        let node = match branches.len() {
            0 => {
                return Err(first_error.unwrap_or_else(|| {
                    Problem::new(f.pointer(), "if/then/else cannot be satisfied")
                }));
            }
            1 => branches.pop().expect("one branch"),
            n => Node::Union(UnionGen::new(branches, &vec![1.0; n])),
        };
        self.checked(node, &f.locs)
    }

    /// Builds a node from facts without applicators left.
    fn build_plain(&mut self, f: &mut Facts, check: &mut bool) -> Result<Node, Problem> {
        if let Some((name, at)) = &f.knobs.synthesizer {
            let Some(s) = self.synthesizers.get(name) else {
                let known: Vec<&str> = self.synthesizers.names().collect();
                return Err(Problem::invalid(at.clone(), format!("no synthesizer is registered as {name:?} (registered: {})", if known.is_empty() { "none".into() } else { known.join(", ") }))
                    .hint("register it with Synthesizers::register in your own binary (see examples/custom_synthesizer.rs)"));
            };
            *check = true;
            return Ok(Node::Custom(s));
        }
        if let Some(node) = self.build_listed(f)? {
            return Ok(node);
        }
        let types = match &f.types {
            Some(t) => t.value.0,
            None => match f.implied_types() {
                0 => Types::STRING | Types::INTEGER | Types::BOOLEAN,
                // Keywords imply a type but do not demand it: if that type cannot be
                // generated, any other type is valid.
                implied => match self.build_types(f, check, implied) {
                    Ok(node) => return Ok(node),
                    Err(_) => Types::ALL.0 & !implied,
                },
            },
        };
        if types == 0 {
            let at = f
                .types
                .as_ref()
                .map(|t| t.pointer.clone())
                .unwrap_or_else(|| f.pointer());
            return Err(
                Problem::new(at, "the types allowed here have nothing in common")
                    .hint("check `type` against the schemas merged with it ($ref, allOf)"),
            );
        }
        self.build_types(f, check, types)
    }

    /// One generator per allowed type family, in a union when there are several.
    fn build_types(&mut self, f: &Facts, check: &mut bool, types: u8) -> Result<Node, Problem> {
        let mut nodes = Vec::new();
        let mut first_error = None;
        let families = [
            Types::OBJECT,
            Types::ARRAY,
            Types::STRING,
            Types::FRACTION,
            Types::INTEGER,
            Types::BOOLEAN,
            Types::NULL,
        ];
        for family in families {
            if types & family == 0 || (family == Types::INTEGER && types & Types::FRACTION != 0) {
                continue;
            }
            let built = match family {
                Types::OBJECT => self.build_object(f, check),
                Types::ARRAY => self.build_array(f, check),
                Types::STRING => self.build_string(f, check),
                Types::FRACTION => self.build_number(f, check),
                Types::INTEGER => self.build_integer(f, check),
                Types::BOOLEAN => self.build_boolean(f),
                _ => Ok(Node::Null),
            };
            match built {
                Ok(n) => nodes.push(n),
                Err(p) if p.kind == ProblemKind::Invalid => return Err(p),
                Err(p) => {
                    first_error.get_or_insert(p);
                }
            }
        }
        match nodes.len() {
            0 => Err(first_error
                .unwrap_or_else(|| Problem::new(f.pointer(), "no value can satisfy this schema"))),
            1 => Ok(nodes.pop().expect("one node")),
            n => {
                let null = nodes.iter().position(|n| matches!(n, Node::Null));
                let rate = f.knobs.null_rate.unwrap_or(self.defaults.null_rate);
                let weights: Vec<f64> = (0..n)
                    .map(|i| {
                        if Some(i) == null {
                            rate
                        } else if null.is_some() {
                            (1.0 - rate) / (n - 1) as f64
                        } else {
                            1.0
                        }
                    })
                    .collect();
                Ok(Node::Union(UnionGen::new(nodes, &weights)))
            }
        }
    }

    /// `const`, `enum` and the `values` knob: a fixed list, filtered by every other
    /// constraint at this node.
    fn build_listed(&mut self, f: &Facts) -> Result<Option<Node>, Problem> {
        let (mut candidates, at): (Vec<Value>, String) = if let Some(c) = f.consts.first() {
            if let Some(other) = f.consts.iter().find(|o| !json_equal(&o.value, &c.value)) {
                return Err(Problem::new(
                    other.pointer.clone(),
                    format!(
                        "const {} conflicts with const {} merged with it",
                        other.value, c.value
                    ),
                ));
            }
            (vec![c.value.clone()], c.pointer.clone())
        } else if let Some(e) = f.enums.first() {
            (e.value.clone(), e.pointer.clone())
        } else if let Some((values, at)) = &f.knobs.values {
            (values.clone(), at.clone())
        } else if let Some((source, at)) = &f.knobs.values_from {
            (
                super::values_from::read(&self.docs, f, source, at)?,
                at.clone(),
            )
        } else {
            return Ok(None);
        };
        for e in f.enums.iter().skip(usize::from(f.consts.is_empty())) {
            candidates.retain(|v| e.value.iter().any(|w| json_equal(v, w)));
        }
        let listed_by_knob = f.consts.is_empty() && f.enums.is_empty();
        let validator = self.validator(&f.locs)?;
        let before = candidates.clone();
        let names_before: Vec<Vec<String>> = before.iter().map(value_names).collect();
        candidates.retain(|v| validator.is_valid(v));
        if candidates.is_empty() {
            // The first value's own reason tells the designer which constraint it breaks.
            let reason = before
                .first()
                .and_then(|v| validator.iter_errors(v).next().map(|e| e.to_string()))
                .unwrap_or_default();
            let message = if listed_by_knob {
                format!(
                    "none of the listed values satisfies the other constraints here (the first: {reason})"
                )
            } else if let Some(c) = f.consts.first() {
                format!(
                    "const {} does not satisfy the other constraints here: {reason}",
                    c.value
                )
            } else {
                format!("no enum value satisfies the other constraints here (the first: {reason})")
            };
            return Err(Problem::new(at, message)
                .hint("make the values meet the schema, or relax the schema"));
        }
        if candidates.len() < before.len() {
            let dropped: Vec<String> = before
                .iter()
                .filter(|v| !candidates.contains(v))
                .map(Value::to_string)
                .collect();
            self.note(
                Severity::Note,
                at.clone(),
                format!(
                    "values never generated because they break other constraints: {}",
                    dropped.join(", ")
                ),
            );
        }
        let weights = match &f.knobs.weights {
            Some((w, wat)) => {
                let all = resolve_weights(w, &names_before, wat)?;
                let kept: Vec<f64> = before
                    .iter()
                    .zip(all)
                    .filter(|(v, _)| candidates.contains(v))
                    .map(|(_, w)| w)
                    .collect();
                if kept.iter().sum::<f64>() <= 0.0 {
                    return Err(Problem::new(
                        wat.clone(),
                        "every value that can be generated has weight 0",
                    ));
                }
                Some(kept)
            }
            None => None,
        };
        if candidates.len() == 1 {
            return Ok(Some(Node::Const(candidates.pop().expect("one value"))));
        }
        Ok(Some(Node::Enum(EnumGen::new(candidates, weights))))
    }

    fn build_boolean(&mut self, f: &Facts) -> Result<Node, Problem> {
        let p_true = match &f.knobs.weights {
            Some((w, at)) => {
                let names = vec![vec!["true".to_owned()], vec!["false".to_owned()]];
                let ws = resolve_weights(w, &names, at)?;
                ws[0] / (ws[0] + ws[1])
            }
            None => 0.5,
        };
        Ok(Node::Bool(BoolGen { p_true }))
    }

    /// Wraps `node` so that each value is validated against `locs` and regenerated until
    /// it passes.
    pub fn checked(&mut self, node: Node, locs: &[Loc]) -> Result<Node, Problem> {
        if let Node::Checked(_) = node {
            return Ok(node);
        }
        let validator = self.validator(locs)?;
        let pointer = locs.first().map(|l| l.pointer.clone()).unwrap_or_default();
        Ok(Node::Checked(Box::new(CheckedGen::new(
            node,
            validator,
            CHECK_ATTEMPTS,
            pointer,
        ))))
    }

    /// A validator for the conjunction of `locs`, with formats asserted.
    pub fn validator(&mut self, locs: &[Loc]) -> Result<jsonschema::Validator, Problem> {
        let refs: Vec<Value> = locs
            .iter()
            .map(|l| json!({ "$ref": format!("{}#{}", self.docs.docs[l.doc].uri, encode_fragment(&l.pointer)) }))
            .collect();
        let schema = if refs.len() == 1 {
            refs.into_iter().next().expect("one ref")
        } else {
            json!({ "allOf": refs })
        };
        let registry = self.registry()?;
        jsonschema::options()
            .with_registry(registry)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| {
                let at = locs.first().map(|l| l.pointer.clone()).unwrap_or_default();
                Problem::new(at, format!("not a valid schema: {e}"))
            })
    }

    /// A validator for the root document as written (so that its errors carry the
    /// document's own pointers), references to other documents resolved, formats
    /// asserted.
    pub fn root_validator(&mut self) -> Result<jsonschema::Validator, Problem> {
        let root = &self.docs.docs[0];
        let (uri, schema) = (root.uri.clone(), root.value.clone());
        let registry = self.registry()?;
        jsonschema::options()
            .with_registry(registry)
            .with_base_uri(uri)
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| Problem::new("", format!("not a valid schema: {e}")))
    }

    /// Every loaded document, prepared for validators (built again when documents were
    /// loaded since).
    fn registry(&mut self) -> Result<&jsonschema::Registry<'static>, Problem> {
        if self
            .registry
            .as_ref()
            .is_none_or(|(n, _)| *n != self.docs.docs.len())
        {
            let resources: Vec<(String, Value)> = self
                .docs
                .docs
                .iter()
                .map(|d| (d.uri.clone(), d.value.clone()))
                .collect();
            let registry = jsonschema::Registry::new()
                .extend(resources)
                .and_then(|b| b.prepare())
                .map_err(|e| {
                    Problem::new(
                        "",
                        format!("the schema cannot be prepared for validation: {e}"),
                    )
                })?;
            self.registry = Some((self.docs.docs.len(), registry));
        }
        let (_, registry) = self.registry.as_ref().expect("registry was just built");
        Ok(registry)
    }
}

/// The names a listed value answers to in `weights` (its JSON text, and the bare string).
fn value_names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone(), v.to_string()],
        other => vec![other.to_string()],
    }
}

/// Percent-encodes what a URI fragment cannot hold.
fn encode_fragment(pointer: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const FRAGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'%')
        .add(b'#')
        .add(b'{')
        .add(b'}')
        .add(b'|')
        .add(b'\\')
        .add(b'^')
        .add(b'[')
        .add(b']');
    utf8_percent_encode(pointer, FRAGMENT).to_string()
}

fn merge_max(slot: &mut Option<At<u64>>, new: At<u64>) {
    if slot.as_ref().is_none_or(|s| new.value > s.value) {
        *slot = Some(new);
    }
}

fn merge_min(slot: &mut Option<At<u64>>, new: At<u64>) {
    if slot.as_ref().is_none_or(|s| new.value < s.value) {
        *slot = Some(new);
    }
}

/// What tells `oneOf` branches apart without looking at values: their types, and the
/// constant each gives a required property (a discriminator).
struct Signature {
    types: u8,
    constants: Vec<(String, Vec<Value>)>,
}

impl Signature {
    fn of(f: &Facts, c: &Compiler) -> Signature {
        let types = f.types.as_ref().map_or_else(
            || match f.implied_types() {
                0 if f.consts.is_empty() && f.enums.is_empty() => Types::ALL.0,
                0 => Types::ALL.0,
                bits => bits,
            },
            |t| t.value.0,
        );
        let mut constants = Vec::new();
        for (name, locs) in &f.properties {
            if !f.required.iter().any(|r| &r.value == name) {
                continue;
            }
            for l in locs {
                let Some(s) = c.docs.get(l) else { continue };
                if let Some(v) = s.get("const") {
                    constants.push((name.clone(), vec![v.clone()]));
                } else if let Some(Value::Array(vs)) = s.get("enum") {
                    constants.push((name.clone(), vs.clone()));
                }
            }
        }
        Signature { types, constants }
    }

    fn disjoint(&self, other: &Signature) -> bool {
        let mut a = self.types;
        let mut b = other.types;
        // integer values are numbers too
        if a & Types::FRACTION != 0 {
            a |= Types::INTEGER;
        }
        if b & Types::FRACTION != 0 {
            b |= Types::INTEGER;
        }
        if a & b == 0 {
            return true;
        }
        self.constants.iter().any(|(name, vs)| {
            other
                .constants
                .iter()
                .any(|(n, ws)| n == name && !vs.iter().any(|v| ws.iter().any(|w| json_equal(v, w))))
        })
    }

    fn pairwise_disjoint(all: &[Signature]) -> bool {
        all.iter()
            .enumerate()
            .all(|(i, a)| all[i + 1..].iter().all(|b| a.disjoint(b)))
    }
}
