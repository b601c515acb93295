//! Listed values: `const`, `enum` and the `values`/`values_from` knobs, filtered by the
//! other constraints at the location and weighted by the `weights` knob.

use serde_json::Value;

use super::compile::Compiler;
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
}

/// The names a listed value answers to in `weights` (its JSON text, and the bare string).
fn value_names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone(), v.to_string()],
        other => vec![other.to_string()],
    }
}
