//! Listed values: `const`, `enum` and the `values`/`values_from` knobs, filtered by the
//! other constraints at the location and weighted by the `weights` knob.

use serde_json::Value;

use super::compile::Compiler;
use super::document::Loc;
use super::facts::Facts;
use super::knobs::resolve_weights;
use crate::error::{Problem, Severity};
use crate::generate::array::json_equal;
use crate::generate::{EnumGen, Node};

impl Compiler {
    /// `const`, `enum` and the `values` knob: a fixed list, filtered by every other
    /// constraint at this node.
    pub(super) fn build_listed(&mut self, f: &Facts) -> Result<Option<Node>, Problem> {
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
        let before = candidates.clone();
        let names_before: Vec<Vec<String>> = before.iter().map(value_names).collect();
        // Where the node says nothing but `type`, `enum` and `const` (most enums), the
        // type decides alone; a validator is built only for what it cannot judge, or to
        // explain a refusal.
        let by_type =
            (f.recursion.is_empty() && f.never.is_none() && f.constraint_count == f.listing_count)
                .then(|| {
                    let types = f
                        .types
                        .as_ref()
                        .map_or(super::facts::Types::ALL, |t| t.value);
                    before
                        .iter()
                        .map(|v| types.admits(v))
                        .collect::<Option<Vec<bool>>>()
                })
                .flatten()
                .filter(|admitted| admitted.contains(&true));
        if let Some(admitted) = by_type {
            let mut admitted = admitted.into_iter();
            candidates.retain(|_| admitted.next().unwrap_or(false));
        } else {
            let validator = self.validator(&f.locs)?;
            candidates.retain(|v| validator.is_valid(v));
        }
        if candidates.is_empty() {
            // The first value's own reason tells the designer which constraint it breaks.
            let validator = self.validator(&f.locs)?;
            let reason = before
                .first()
                .and_then(|v| validator.iter_errors(v).next().map(|e| e.to_string()))
                .unwrap_or_default();
            return Err(none_satisfies(f, at, &reason));
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

    /// Why an `anyOf`/`oneOf` branch that only lists values (`{"enum": [...]}` or a
    /// `const`, annotations aside) cannot hold under `f`, when `f`'s patterns alone
    /// refuse each value: the refusal compiling the branch would give, without merging
    /// and compiling it. An `anyOf` of many single-value enums under a pattern each
    /// (azure-pipelines' 259 tasks, once per task) is then linear, not quadratic.
    /// `None` when anything else decides, and the branch is compiled as usual.
    pub(super) fn listed_branch_refused(&mut self, f: &Facts, branch: &Loc) -> Option<Problem> {
        if f.patterns.is_empty() || !f.consts.is_empty() || !f.enums.is_empty() {
            return None;
        }
        let mut own = Facts::default();
        self.collect(branch, &mut own).ok()?;
        if own.constraint_count != own.listing_count
            || own.types.is_some()
            || !own.expanded.is_empty()
            || !own.recursion.is_empty()
            || own.consts.len() + own.enums.len() != 1
        {
            return None;
        }
        let (values, at) = match (own.consts.first(), own.enums.first()) {
            (Some(c), _) => (std::slice::from_ref(&c.value), &c.pointer),
            (None, Some(e)) => (e.value.as_slice(), &e.pointer),
            (None, None) => return None,
        };
        let mut first_reason = None;
        for value in values {
            let text = value.as_str()?;
            let refusing = f.patterns.iter().find(|p| {
                self.key_pattern(&p.value)
                    .is_some_and(|re| !re.is_match(text))
            })?;
            first_reason
                .get_or_insert_with(|| format!("{value} does not match \"{}\"", refusing.value));
        }
        let refusal = none_satisfies(&own, at.clone(), &first_reason?);
        self.note_ignored(&own);
        Some(refusal)
    }
}

/// No listed value satisfies the other constraints at their node; `reason` is the
/// first value's.
fn none_satisfies(f: &Facts, at: String, reason: &str) -> Problem {
    let message = if f.consts.is_empty() && f.enums.is_empty() {
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
    Problem::new(at, message).hint("make the values meet the schema, or relax the schema")
}

/// The names a listed value answers to in `weights` (its JSON text, and the bare string).
fn value_names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone(), v.to_string()],
        other => vec![other.to_string()],
    }
}
