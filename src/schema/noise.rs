//! The `noise` knob (and `--noise`): wrap a field so that a share of its values are
//! deliberately invalid.

use serde_json::{Value, json};

use super::compile::Compiler;
use super::facts::{Facts, Types};
use crate::error::{Problem, Severity};
use crate::generate::Node;
use crate::generate::noise::NoiseGen;

impl Compiler {
    pub(super) fn with_noise(&mut self, f: &Facts, node: Node) -> Result<Node, Problem> {
        let scalar = !matches!(node, Node::Object(_) | Node::Array(_) | Node::Recurse(_));
        let (rate, at) = match &f.knobs.noise {
            Some((rate, at)) => (*rate, at.clone()),
            None if scalar && self.defaults.noise > 0.0 => (self.defaults.noise, f.pointer()),
            None => return Ok(node),
        };
        if rate == 0.0 {
            return Ok(node);
        }
        let validator = self.validator(&f.locs)?;
        let bad: Vec<Value> = bad_candidates(f)
            .into_iter()
            .filter(|v| !validator.is_valid(v))
            .collect();
        if bad.is_empty() {
            self.note(Severity::Note, at, "noise: every kind of bad value synthtune knows is valid here, so no noise is added");
            return Ok(node);
        }
        Ok(Node::Noisy(NoiseGen {
            inner: Box::new(node),
            rate,
            bad,
        }))
    }
}

/// Values likely to break the facts: wrong types, out of range, empty, over-long.
fn bad_candidates(f: &Facts) -> Vec<Value> {
    let mut out = Vec::new();
    let types = f.types.as_ref().map_or(Types::ALL.0, |t| t.value.0);
    if let Some(b) = &f.minimum {
        out.push(json!(b.value - 1.0));
    }
    if let Some(b) = &f.maximum {
        out.push(json!(b.value + 1.0));
    }
    if let Some(m) = &f.max_length {
        out.push(Value::String("x".repeat(m.value as usize + 1)));
    }
    out.push(Value::String(String::new()));
    if types & Types::STRING == 0 {
        out.push(json!("not a number"));
    }
    if types & (Types::INTEGER | Types::FRACTION) == 0 {
        out.push(json!(-1));
    }
    if types & Types::NULL == 0 {
        out.push(Value::Null);
    }
    if types & Types::INTEGER != 0 && types & Types::FRACTION == 0 {
        out.push(json!(0.5));
    }
    out
}
