//! Presence as a constraint problem, compile side: what in a schema constrains which
//! keys of an object are present, read into an [`Expr`] over "key `k` is present".
//!
//! [`Compiler::absorb_presence`] takes the applicators whose branches speak only of
//! presence (`required`, `min/maxProperties`, `dependentRequired`, nested combinators of
//! those, `type: object`) out of the facts: a `not`, an `anyOf`/`oneOf`, an
//! `if`/`then`/`else`, a `dependentSchemas` entry becomes a [`Term`], and the object
//! builder (objects.rs) solves the terms together with `required`,
//! `additionalProperties`, `propertyNames` and the property schemas into the
//! [`PresenceRules`] that each row's draw obeys (src/generate/presence.rs). What also
//! constrains values stays with the existing generators and the validator; its
//! presence part still narrows the draw where that is sound (a `dependentSchemas`
//! entry's `required`, for instance).

use serde_json::Value;

use super::compile::Compiler;
use super::document::Loc;
use super::facts::{ANNOTATIONS, Facts, Types, count};
use crate::error::{Problem, Severity};
use crate::generate::presence::{Formula, PresenceRules, search};

/// How many schema nodes one reading may visit (a `$ref` web behind a `oneOf` must not
/// cost more than the oneOf is worth).
const READ_BUDGET: u32 = 256;

/// How many partial assignments compile time spends on one satisfiability question
/// before it leaves the object to trial and error.
const COMPILE_STEPS: u32 = 1 << 16;

/// A condition on an object's keys, by name; on any other value `Has` and `Count`
/// hold (those keywords ignore non-objects) and `IsObject` does not.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(bool),
    /// The value is an object (`type: "object"`).
    IsObject,
    Has(String),
    Not(Box<Expr>),
    All(Vec<Expr>),
    Any(Vec<Expr>),
    /// Exactly one holds (`oneOf`).
    One(Vec<Expr>),
    /// `minProperties` / `maxProperties`.
    Count {
        min: u64,
        max: Option<u64>,
    },
}

impl Expr {
    fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    /// The value of the condition on a value that is not an object.
    pub fn on_non_objects(&self) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::IsObject => false,
            Expr::Has(_) | Expr::Count { .. } => true,
            Expr::Not(e) => !e.on_non_objects(),
            Expr::All(es) => es.iter().all(Expr::on_non_objects),
            Expr::Any(es) => es.iter().any(Expr::on_non_objects),
            Expr::One(es) => es.iter().filter(|e| e.on_non_objects()).count() == 1,
        }
    }

    /// Every key name the condition mentions, once each, in order of appearance.
    pub fn names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Has(n) => {
                if !out.contains(&n.as_str()) {
                    out.push(n)
                }
            }
            Expr::Not(e) => e.names(out),
            Expr::All(es) | Expr::Any(es) | Expr::One(es) => es.iter().for_each(|e| e.names(out)),
            Expr::Const(_) | Expr::IsObject | Expr::Count { .. } => {}
        }
    }

    fn has_count(&self) -> bool {
        match self {
            Expr::Count { .. } => true,
            Expr::Not(e) => e.has_count(),
            Expr::All(es) | Expr::Any(es) | Expr::One(es) => es.iter().any(Expr::has_count),
            _ => false,
        }
    }

    /// The condition on objects as a formula over property indices; `index` gives a
    /// name's property, or `None` for a key that is never generated (forbidden).
    pub fn to_formula(&self, index: &impl Fn(&str) -> Option<u16>) -> Formula {
        match self {
            Expr::Const(b) => Formula::Const(*b),
            Expr::IsObject => Formula::Const(true),
            Expr::Has(n) => index(n).map_or(Formula::Const(false), Formula::Has),
            Expr::Not(e) => match e.to_formula(index) {
                Formula::Const(b) => Formula::Const(!b),
                Formula::Not(inner) => *inner,
                f => Formula::Not(Box::new(f)),
            },
            Expr::All(es) => all(es.iter().map(|e| e.to_formula(index)).collect()),
            Expr::Any(es) => any(es.iter().map(|e| e.to_formula(index)).collect()),
            Expr::One(es) => {
                let parts: Vec<Formula> = es.iter().map(|e| e.to_formula(index)).collect();
                let trues = parts.iter().filter(|p| **p == Formula::Const(true)).count();
                let open: Vec<Formula> = parts
                    .into_iter()
                    .filter(|p| !matches!(p, Formula::Const(_)))
                    .collect();
                match (trues, open.len()) {
                    (t, _) if t > 1 => Formula::Const(false),
                    (1, 0) => Formula::Const(true),
                    (1, _) => all(open
                        .into_iter()
                        .map(|p| Formula::Not(Box::new(p)))
                        .collect()),
                    (_, 0) => Formula::Const(false),
                    (_, 1) => open.into_iter().next().expect("one part"),
                    _ => Formula::One(open),
                }
            }
            Expr::Count { min, max } => Formula::Count {
                min: (*min).min(u64::from(u32::MAX)) as u32,
                max: max.map_or(u32::MAX, |m| m.min(u64::from(u32::MAX)) as u32),
            },
        }
    }
}

/// A conjunction with constants folded.
pub fn all(parts: Vec<Formula>) -> Formula {
    let mut kept = Vec::with_capacity(parts.len());
    for p in parts {
        match p {
            Formula::Const(true) => {}
            Formula::Const(false) => return Formula::Const(false),
            Formula::All(inner) => kept.extend(inner),
            p => kept.push(p),
        }
    }
    match kept.len() {
        0 => Formula::Const(true),
        1 => kept.pop().expect("one part"),
        _ => Formula::All(kept),
    }
}

/// A disjunction with constants folded.
fn any(parts: Vec<Formula>) -> Formula {
    let mut kept = Vec::with_capacity(parts.len());
    for p in parts {
        match p {
            Formula::Const(false) => {}
            Formula::Const(true) => return Formula::Const(true),
            p => kept.push(p),
        }
    }
    match kept.len() {
        0 => Formula::Const(false),
        1 => kept.pop().expect("one part"),
        _ => Formula::Any(kept),
    }
}

/// What a schema says about presence: a condition every valid value meets, and
/// whether meeting it is also enough (the schema speaks of nothing else).
#[derive(Debug, Clone)]
pub struct Part {
    pub expr: Expr,
    pub exact: bool,
}

impl Part {
    fn unknown() -> Part {
        Part {
            expr: Expr::Const(true),
            exact: false,
        }
    }
}

/// One absorbed constraint on presence, with the pointer a refusal names.
#[derive(Debug, Clone)]
pub struct Term {
    pub expr: Expr,
    pub pointer: String,
    /// The keyword, for messages.
    pub what: &'static str,
}

impl Compiler {
    /// What the schema at `loc` says about presence.
    pub(super) fn presence_of(&mut self, loc: &Loc) -> Part {
        let mut budget = READ_BUDGET;
        self.read_presence(loc, &mut budget, 0)
    }

    fn read_presence(&mut self, loc: &Loc, budget: &mut u32, depth: u32) -> Part {
        if *budget == 0 || depth > 32 {
            return Part::unknown();
        }
        *budget -= 1;
        let loc = self.docs.enter(loc.clone());
        let map = match self.docs.get(&loc) {
            Some(Value::Bool(b)) => {
                return Part {
                    expr: Expr::Const(*b),
                    exact: true,
                };
            }
            Some(Value::Object(map)) => map.clone(),
            _ => return Part::unknown(),
        };
        let mut parts = Vec::new();
        let mut exact = true;
        let names = |v: &Value| -> Option<Vec<String>> {
            v.as_array()?
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect()
        };
        for (key, value) in &map {
            if ANNOTATIONS.contains(&key.as_str())
                || key.starts_with("x-")
                || key == "then"
                || key == "else"
            {
                continue;
            }
            match key.as_str() {
                "required" => match names(value) {
                    Some(ns) => parts.extend(ns.into_iter().map(Expr::Has)),
                    None => exact = false,
                },
                "minProperties" | "maxProperties" => match count(&map, key) {
                    Some(n) if key == "minProperties" => {
                        parts.push(Expr::Count { min: n, max: None })
                    }
                    Some(n) => parts.push(Expr::Count {
                        min: 0,
                        max: Some(n),
                    }),
                    None => exact = false,
                },
                "type" => {
                    let bits = match value {
                        Value::String(s) => Types::from_name(s),
                        Value::Array(ts) => ts.iter().try_fold(0u8, |acc, t| {
                            t.as_str().and_then(Types::from_name).map(|b| acc | b)
                        }),
                        _ => None,
                    };
                    match bits {
                        Some(b) if b == Types::ALL.0 => {}
                        Some(Types::OBJECT) => parts.push(Expr::IsObject),
                        // No object is of these types; other values may be.
                        Some(b) if b & Types::OBJECT == 0 => {
                            parts.push(Expr::not(Expr::IsObject));
                            exact = false;
                        }
                        _ => exact = false,
                    }
                }
                "dependentRequired" => match value.as_object() {
                    Some(deps) => {
                        for (name, list) in deps {
                            match names(list) {
                                Some(ns) => parts.push(Expr::Any(vec![
                                    Expr::not(Expr::Has(name.clone())),
                                    Expr::All(ns.into_iter().map(Expr::Has).collect()),
                                ])),
                                None => exact = false,
                            }
                        }
                    }
                    None => exact = false,
                },
                "dependentSchemas" => match value.as_object() {
                    Some(deps) => {
                        for name in deps.keys() {
                            let sub = self.read_presence(
                                &loc.child(&["dependentSchemas", name]),
                                budget,
                                depth + 1,
                            );
                            exact &= sub.exact;
                            parts.push(dependent(name, sub.expr));
                        }
                    }
                    None => exact = false,
                },
                "not" => {
                    let sub = self.read_presence(&loc.child(&["not"]), budget, depth + 1);
                    if sub.exact {
                        parts.push(Expr::not(sub.expr));
                    } else {
                        exact = false;
                    }
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let n = value.as_array().map_or(0, Vec::len);
                    if n == 0 {
                        exact = false;
                        continue;
                    }
                    let mut subs = Vec::with_capacity(n);
                    let mut all_exact = true;
                    for i in 0..n {
                        let sub = self.read_presence(
                            &loc.child(&[key, &i.to_string()]),
                            budget,
                            depth + 1,
                        );
                        all_exact &= sub.exact;
                        subs.push(sub.expr);
                    }
                    exact &= all_exact;
                    parts.push(match key.as_str() {
                        "allOf" => Expr::All(subs),
                        // A oneOf's branch conditions that are only necessary say no
                        // more than that one of them holds.
                        "oneOf" if all_exact => Expr::One(subs),
                        _ => Expr::Any(subs),
                    });
                }
                "if" => {
                    let condition = self.read_presence(&loc.child(&["if"]), budget, depth + 1);
                    let branch = |c: &mut Compiler, k: &str, budget: &mut u32| {
                        if map.contains_key(k) {
                            c.read_presence(&loc.child(&[k]), budget, depth + 1)
                        } else {
                            Part {
                                expr: Expr::Const(true),
                                exact: true,
                            }
                        }
                    };
                    let then = branch(self, "then", budget);
                    let otherwise = branch(self, "else", budget);
                    exact &= condition.exact && then.exact && otherwise.exact;
                    if condition.exact {
                        parts.push(conditional(condition.expr, then.expr, otherwise.expr));
                    }
                }
                "$ref" => {
                    let target = value.as_str().and_then(|r| self.docs.resolve(&loc, r).ok());
                    match target {
                        Some(target) => {
                            let sub = self.read_presence(&target, budget, depth + 1);
                            exact &= sub.exact;
                            parts.push(sub.expr);
                        }
                        None => exact = false,
                    }
                }
                // Subschemas for values that hold for any value say nothing.
                "properties" | "patternProperties" => {
                    let trivial = value.as_object().is_some_and(|m| m.values().all(is_true));
                    exact &= trivial;
                }
                "additionalProperties" | "propertyNames" | "unevaluatedProperties" => {
                    exact &= is_true(value);
                }
                _ => exact = false,
            }
        }
        let expr = match parts.len() {
            0 => Expr::Const(true),
            1 => parts.pop().expect("one part"),
            _ => Expr::All(parts),
        };
        Part { expr, exact }
    }

    /// Moves what constrains presence out of the applicators of `f` into `f.presence`:
    /// the applicators that speak of nothing else leave the facts (no trial and error
    /// for them), the others stay and give their necessary part. A condition no
    /// non-object meets narrows the node to objects.
    pub(super) fn absorb_presence(&mut self, f: &mut Facts) {
        let weighted = f.knobs.weights.is_some();
        let mut i = 0;
        while i < f.alternatives.len() {
            let group = &f.alternatives[i];
            let (exclusive, pointer, branches) = (
                group.exclusive,
                group.pointer.clone(),
                group.branches.clone(),
            );
            let mut subs = Vec::with_capacity(branches.len());
            let mut presence_only = !weighted;
            for b in &branches {
                if !presence_only {
                    break;
                }
                let part = self.presence_of(b);
                presence_only &= part.exact;
                subs.push(part.expr);
            }
            if !presence_only {
                i += 1;
                continue;
            }
            f.alternatives.remove(i);
            let (expr, what) = if exclusive {
                (Expr::One(subs), "oneOf")
            } else {
                (Expr::Any(subs), "anyOf")
            };
            f.presence.push(Term {
                expr,
                pointer,
                what,
            });
        }
        let mut i = 0;
        while i < f.conditionals.len() {
            let cond = f.conditionals[i].clone();
            let condition = self.presence_of(&cond.condition);
            let read = |c: &mut Compiler, l: &Option<Loc>| match l {
                Some(l) => c.presence_of(l),
                None => Part {
                    expr: Expr::Const(true),
                    exact: true,
                },
            };
            let then = read(self, &cond.then);
            let otherwise = read(self, &cond.otherwise);
            if !(condition.exact && then.exact && otherwise.exact) {
                if condition.exact && mentions_keys(&condition.expr) {
                    self.note(
                        Severity::Note,
                        cond.condition.pointer.clone(),
                        "if: the condition is on which keys are present and solved in each branch; then/else are generated as branches",
                    );
                } else if mentions_keys(&condition.expr) {
                    self.note(
                        Severity::Note,
                        cond.condition.pointer.clone(),
                        "if: the condition also constrains values: beyond the presence solver, checked by trial and error",
                    );
                }
                i += 1;
                continue;
            }
            f.conditionals.remove(i);
            f.presence.push(Term {
                expr: conditional(condition.expr, then.expr, otherwise.expr),
                pointer: cond.condition.pointer.clone(),
                what: "if/then/else",
            });
        }
        let mut i = 0;
        while i < f.nots.len() {
            let not = f.nots[i].clone();
            // `not: false`, `not: {}`, `not: true` and `not: {type}` are apply_not's.
            let simple = match self.docs.get(&not) {
                Some(Value::Object(m)) => m.is_empty() || (m.len() == 1 && m.contains_key("type")),
                _ => true,
            };
            let part = if simple {
                Part::unknown()
            } else {
                self.presence_of(&not)
            };
            if !part.exact {
                if !simple && mentions_keys(&part.expr) {
                    self.note(
                        Severity::Note,
                        not.pointer.clone(),
                        "not: beyond the presence solver (it also constrains values): checked by trial and error",
                    );
                }
                i += 1;
                continue;
            }
            f.nots.remove(i);
            f.presence.push(Term {
                expr: Expr::not(part.expr),
                pointer: not.pointer,
                what: "not",
            });
        }
        let mut all_exact = true;
        for (name, loc) in std::mem::take(&mut f.dependent_schemas) {
            if f.presence.iter().any(|t| t.pointer == loc.pointer) {
                // Read on an earlier pass (an enclosing anyOf's branch): kept for the check.
                all_exact = false;
                f.dependent_schemas.push((name, loc));
                continue;
            }
            let part = self.presence_of(&loc);
            if !part.exact {
                all_exact = false;
                self.note(
                    Severity::Note,
                    loc.pointer.clone(),
                    if mentions_keys(&part.expr) {
                        "dependentSchemas: the keys it requires are solved; the rest of it is checked by trial and error"
                    } else {
                        "dependentSchemas: beyond the presence solver: checked by trial and error"
                    },
                );
                f.dependent_schemas.push((name.clone(), loc.clone()));
            }
            f.presence.push(Term {
                expr: dependent(&name, part.expr),
                pointer: loc.pointer,
                what: "dependentSchemas",
            });
        }
        if all_exact {
            f.needs_check
                .retain(|w| w != "dependentSchemas" && w != "dependencies");
        }
        if let Some(t) = f.presence.iter().find(|t| !t.expr.on_non_objects()) {
            // Only objects can meet it (`not: {required: [...]}` on any other value fails).
            let pointer = t.pointer.clone();
            f.intersect_types(Types::OBJECT, pointer);
        }
    }

    /// Solves an object's presence: `props` are its properties' names (with whether
    /// each is required and its `absent_rate`; a key not among them is never written),
    /// `extra` whether extra keys are generated (which count towards `minProperties`),
    /// `open` whether the schema allows keys beyond `props` at all. Returns the rules
    /// (none when nothing constrains presence beyond `required`) and whether the
    /// formula is only a necessary condition (so that the object must still be
    /// checked). An empty solution set is refused, naming the constraint that empties
    /// it.
    pub(super) fn presence_rules(
        &mut self,
        f: &Facts,
        props: &[(&str, bool, f64)],
        extra: bool,
        open: bool,
    ) -> Result<(Option<Box<PresenceRules>>, bool), Problem> {
        let index = |name: &str| {
            props
                .iter()
                .position(|(n, _, _)| *n == name)
                .map(|i| i as u16)
        };
        if props.len() > usize::from(u16::MAX) {
            // Keys are numbered in 16 bits; an object this wide is left to the validator.
            return Ok((None, true));
        }
        let (terms, inexact) = presence_terms(f, props, extra);
        if extra && f.presence.iter().any(|t| t.expr.has_count()) {
            self.note(
                Severity::Note,
                f.pointer(),
                "a key count inside not/anyOf/oneOf/if is beyond the presence solver when extra keys are added (minProperties, maps): checked by trial and error",
            );
        }
        let formula = all(terms.iter().map(|(t, _, _)| t.clone()).collect());
        if formula == Formula::Const(true) {
            return Ok((None, inexact));
        }
        let vars = optional_variables(&formula, props);
        let start = start_values(props, &vars);
        let wish = |i: usize| props[i].2 < 0.5;
        let mut values = start.clone();
        // Keys beyond the declared ones could meet a count the declared keys cannot
        // (`not: {maxProperties: 2}` over two keys): emptiness is then decided with
        // that many unnamed keys added, which only counts see.
        let unnamed = if open {
            terms
                .iter()
                .map(|(t, _, _)| count_reach(t))
                .max()
                .unwrap_or(0)
        } else {
            0
        };
        let mut wide_vars = vars.clone();
        wide_vars.extend((0..unnamed).map(|k| (props.len() + k as usize) as u16));
        let mut wide_start = start.clone();
        wide_start.extend(std::iter::repeat_n(2u8, unnamed as usize));
        let empty = |formula: &Formula| {
            let mut values = wide_start.clone();
            search(
                formula,
                &mut values,
                &wide_vars,
                |i| i < props.len() && wish(i),
                COMPILE_STEPS,
            )
        };
        let found = search(&formula, &mut values, &vars, wish, COMPILE_STEPS);
        let verdict = match found {
            Some(false) if unnamed > 0 => empty(&formula),
            other => other,
        };
        match (found, verdict) {
            (Some(true), _) => {}
            (Some(false), Some(true)) | (Some(false), None) if unnamed > 0 => {
                self.note(
                    Severity::Note,
                    f.pointer(),
                    "which optional keys are present is beyond the presence solver (only undeclared keys can meet a key count here): checked by trial and error",
                );
                return Ok((None, true));
            }
            (Some(false), _) => {
                // The first constraint after which nothing is left is the culprit.
                for j in 0..terms.len() {
                    let prefix = all(terms[..=j].iter().map(|(t, _, _)| t.clone()).collect());
                    if empty(&prefix) == Some(false) {
                        let (_, pointer, what) = &terms[j];
                        if let Some(p) = forbidden_dependency(f, pointer, &index) {
                            return Err(p);
                        }
                        return Err(Problem::new(
                            pointer.clone(),
                            format!("{what} cannot hold: no choice of present keys meets it together with required, additionalProperties, propertyNames and the constraints before it"),
                        )
                        .hint("compare the keys it requires or forbids with required, additionalProperties: false, propertyNames, maxProperties and properties whose schema is false"));
                    }
                }
                return Err(Problem::new(
                    f.pointer(),
                    "no choice of present keys meets this object's constraints",
                ));
            }
            (None, _) => {
                self.note(
                    Severity::Note,
                    f.pointer(),
                    "which optional keys are present is beyond the presence solver's step budget: checked by trial and error",
                );
                return Ok((None, true));
            }
        }
        let whats: Vec<&str> = terms.iter().map(|(_, _, w)| *w).collect();
        self.note(
            Severity::Note,
            f.pointer(),
            format!(
                "which optional keys are present is solved ({}){}",
                dedup(&whats).join(", "),
                if inexact {
                    "; the rest of those constraints is checked by trial and error"
                } else {
                    ""
                }
            ),
        );
        Ok((
            Some(Box::new(PresenceRules {
                formula,
                vars: vars.into_boxed_slice(),
                fallback: values.iter().map(|&v| v == 1).collect(),
                shallow: std::sync::OnceLock::new(),
            })),
            inexact,
        ))
    }
}

/// The refusal of a `dependentRequired` entry of a required key that requires a key
/// that is never written, if that is what `pointer` names.
fn forbidden_dependency(
    f: &Facts,
    pointer: &str,
    index: &impl Fn(&str) -> Option<u16>,
) -> Option<Problem> {
    let d = f.dependent_required.iter().find(|d| d.pointer == pointer)?;
    let gone = d.requires.iter().find(|r| index(r).is_none())?;
    Some(
        Problem::new(
            pointer,
            format!(
                "dependentRequired: {:?} requires {gone:?}, which is forbidden here (additionalProperties: false, propertyNames or a false schema), so {:?} can never be present, yet it is required",
                d.name, d.name
            ),
        )
        .hint(format!("allow {gone:?} (declare it under properties), or drop the dependency")),
    )
}

/// The terms that constrain presence, in order of blame (the object's own keywords
/// first, then the applicators), and whether they are only necessary conditions (the
/// object must still be checked). `extra`: extra keys may be added, which count
/// towards min/maxProperties.
fn presence_terms(
    f: &Facts,
    props: &[(&str, bool, f64)],
    extra: bool,
) -> (Vec<(Formula, String, &'static str)>, bool) {
    let index = |name: &str| {
        props
            .iter()
            .position(|(n, _, _)| *n == name)
            .map(|i| i as u16)
    };
    let mut inexact = false;

    // In order of blame: the object's own keywords first, then the applicators.
    let mut terms: Vec<(Formula, String, &'static str)> = Vec::new();
    let max = f.max_properties.as_ref();
    let min = f.min_properties.as_ref().filter(|_| !extra);
    let required = props.iter().filter(|(_, r, _)| *r).count() as u64;
    // Bounds every choice meets (a map's maxProperties over no declared keys) are
    // no constraint: such objects keep the draw-per-key path.
    let binds = min.is_some_and(|m| m.value > required)
        || max.is_some_and(|m| m.value < props.len() as u64);
    if binds {
        let pointer = max.or(min).map(|m| m.pointer.clone()).unwrap_or_default();
        terms.push((
            Formula::Count {
                min: min.map_or(0, |m| m.value.min(u64::from(u32::MAX)) as u32),
                max: max.map_or(u32::MAX, |m| m.value.min(u64::from(u32::MAX)) as u32),
            },
            pointer,
            if max.is_some() {
                "maxProperties"
            } else {
                "minProperties"
            },
        ));
    }
    for d in &f.dependent_required {
        let expr = Expr::Any(vec![
            Expr::not(Expr::Has(d.name.clone())),
            Expr::All(d.requires.iter().cloned().map(Expr::Has).collect()),
        ]);
        terms.push((
            expr.to_formula(&index),
            d.pointer.clone(),
            "dependentRequired",
        ));
    }
    for t in &f.presence {
        if extra && t.expr.has_count() {
            // Extra keys count too: leave it to the validator.
            inexact = true;
            continue;
        }
        terms.push((t.expr.to_formula(&index), t.pointer.clone(), t.what));
    }
    inexact |= !f.dependent_schemas.is_empty();
    (terms, inexact)
}

/// The optional properties `formula` reads, in declaration order.
fn optional_variables(formula: &Formula, props: &[(&str, bool, f64)]) -> Vec<u16> {
    let mut read = Vec::new();
    formula.variables(props.len(), &mut read);
    read.sort_unstable();
    read.retain(|&i| !props[i as usize].1);
    read
}

/// The search's starting point: required keys present, the variables open, the rest
/// (which the formula does not read) absent.
fn start_values(props: &[(&str, bool, f64)], vars: &[u16]) -> Vec<u8> {
    props
        .iter()
        .enumerate()
        .map(|(i, (_, required, _))| {
            if *required {
                1
            } else if vars.contains(&(i as u16)) {
                2
            } else {
                0
            }
        })
        .collect()
}

/// The optional keys of `props` that no solution of the presence terms has, with
/// min/maxProperties and nested counts relaxed (the extra keys are not known yet):
/// those are never generated. A key the search cannot decide for counts as possible.
pub(super) fn never_present(f: &Facts, props: &[(&str, bool, f64)]) -> Vec<usize> {
    if props.len() > usize::from(u16::MAX) {
        return Vec::new();
    }
    let (terms, _) = presence_terms(f, props, true);
    if terms.is_empty() {
        return Vec::new();
    }
    let base: Vec<Formula> = terms.into_iter().map(|(t, _, _)| t).collect();
    // One solution with as many keys as it can have: each key it has, or that it can
    // take on without breaking a term, is possible at the cost of one evaluation. Only
    // the others are searched for (an object of hundreds of keys under a count would
    // otherwise cost a search of thousands of steps per key).
    let witness = {
        let formula = all(base.clone());
        let vars = optional_variables(&formula, props);
        let mut values = start_values(props, &vars);
        (search(&formula, &mut values, &vars, |_| true, COMPILE_STEPS / 16) == Some(true))
            .then_some(values)
    };
    (0..props.len())
        .filter(|&i| !props[i].1)
        .filter(|&i| {
            let mut parts = base.clone();
            parts.push(Formula::Has(i as u16));
            let formula = all(parts);
            if let Some(solution) = &witness {
                let mut values = solution.clone();
                values[i] = 1;
                if formula.eval(&values) == 1 {
                    return false;
                }
            }
            let vars = optional_variables(&formula, props);
            let mut values = start_values(props, &vars);
            search(&formula, &mut values, &vars, |_| true, COMPILE_STEPS / 16) == Some(false)
        })
        .collect()
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i);
        }
    }
    out
}

/// How many keys beyond the declared ones can change what the counts in `f` say: the
/// largest minimum, or maximum + 1 (a negated `maxProperties` asks for more), capped.
fn count_reach(f: &Formula) -> u32 {
    match f {
        Formula::Count { min, max } => {
            let above = if *max == u32::MAX { 0 } else { max + 1 };
            (*min).max(above).min(64)
        }
        Formula::Not(inner) => count_reach(inner),
        Formula::All(ps) | Formula::Any(ps) | Formula::One(ps) => {
            ps.iter().map(count_reach).max().unwrap_or(0)
        }
        Formula::Const(_) | Formula::Has(_) => 0,
    }
}

fn is_true(v: &Value) -> bool {
    v == &Value::Bool(true) || v.as_object().is_some_and(|m| m.is_empty())
}

fn mentions_keys(e: &Expr) -> bool {
    let mut names = Vec::new();
    e.names(&mut names);
    !names.is_empty() || e.has_count()
}

/// `if`/`then`/`else` with an exact condition.
fn conditional(condition: Expr, then: Expr, otherwise: Expr) -> Expr {
    Expr::Any(vec![
        Expr::All(vec![condition.clone(), then]),
        Expr::All(vec![Expr::not(condition), otherwise]),
    ])
}

/// A `dependentSchemas` entry: only objects that have `name` must meet `schema`.
fn dependent(name: &str, schema: Expr) -> Expr {
    Expr::Any(vec![
        Expr::not(Expr::IsObject),
        Expr::not(Expr::Has(name.to_owned())),
        schema,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_objects_meet_required_but_not_its_negation() {
        let has = Expr::Has("x".into());
        assert!(has.on_non_objects());
        assert!(!Expr::not(has.clone()).on_non_objects());
        assert!(dependent("a", Expr::not(has)).on_non_objects());
        assert!(!Expr::IsObject.on_non_objects());
    }

    #[test]
    fn forbidden_keys_fold_to_constants() {
        let e = Expr::One(vec![Expr::Has("gone".into()), Expr::Has("kept".into())]);
        let index = |n: &str| (n == "kept").then_some(0u16);
        assert_eq!(e.to_formula(&index), Formula::Has(0));
        let e = Expr::All(vec![Expr::Has("gone".into()), Expr::Has("kept".into())]);
        assert_eq!(e.to_formula(&index), Formula::Const(false));
    }
}
