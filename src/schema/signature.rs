//! Proving `oneOf` branches disjoint without looking at values: when no value can
//! match two branches, the union of the branches needs no validator.

use serde_json::Value;

use super::compile::Compiler;
use super::facts::{Facts, Types};
use crate::generate::array::json_equal;

/// What tells `oneOf` branches apart without looking at values: their types, and the
/// constant each gives a required property (a discriminator).
///
/// A branch generates fewer types than it accepts: `{"items": ...}` generates arrays but
/// accepts every string, number and object as well. Disjoint means that no value a
/// branch generates is accepted by another.
pub(super) struct Signature {
    /// The types the branch's values can have (the keywords present imply them).
    generated: u8,
    /// The types of the values the branch accepts: only `type`, `const` and `enum`
    /// narrow them.
    accepted: u8,
    /// Constants of required properties: they tell only objects apart.
    constants: Vec<(String, Vec<Value>)>,
}

impl Signature {
    pub(super) fn of(f: &Facts, c: &Compiler) -> Signature {
        let declared = f.types.as_ref().map(|t| t.value.0);
        // Every `const` and `enum` holds of every value.
        let listed = f
            .consts
            .iter()
            .map(|c| value_types(&c.value))
            .chain(
                f.enums
                    .iter()
                    .map(|e| e.value.iter().fold(0, |bits, v| bits | value_types(v))),
            )
            .fold(Types::ALL.0, |bits, types| bits & types);
        let accepted = declared.unwrap_or(Types::ALL.0) & listed;
        let generated = if f.consts.is_empty() && f.enums.is_empty() {
            match declared.unwrap_or_else(|| f.implied_types()) {
                0 => Types::ALL.0,
                bits => bits,
            }
        } else {
            // The values come from the lists, whatever other keywords imply.
            accepted
        };
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
        Signature {
            generated,
            accepted,
            constants,
        }
    }

    fn disjoint(&self, other: &Signature) -> bool {
        self.generates_none_of(other) && other.generates_none_of(self)
    }

    /// No value this branch generates is accepted by `other`.
    fn generates_none_of(&self, other: &Signature) -> bool {
        // integer values are numbers too
        let with_integers = |bits: u8| {
            if bits & Types::FRACTION != 0 {
                bits | Types::INTEGER
            } else {
                bits
            }
        };
        let both = with_integers(self.generated) & with_integers(other.accepted);
        if both == 0 {
            return true;
        }
        both == Types::OBJECT
            && self.constants.iter().any(|(name, vs)| {
                other.constants.iter().any(|(n, ws)| {
                    n == name && !vs.iter().any(|v| ws.iter().any(|w| json_equal(v, w)))
                })
            })
    }

    pub(super) fn pairwise_disjoint(all: &[Signature]) -> bool {
        all.iter()
            .enumerate()
            .all(|(i, a)| all[i + 1..].iter().all(|b| a.disjoint(b)))
    }
}

/// The type bits of one value (an integral number is an `integer`).
fn value_types(value: &Value) -> u8 {
    match value {
        Value::Null => Types::NULL,
        Value::Bool(_) => Types::BOOLEAN,
        Value::Number(n) if n.is_i64() || n.is_u64() => Types::INTEGER,
        Value::Number(n) if n.as_f64().is_some_and(|x| x.fract() == 0.0) => Types::INTEGER,
        Value::Number(_) => Types::FRACTION,
        Value::String(_) => Types::STRING,
        Value::Array(_) => Types::ARRAY,
        Value::Object(_) => Types::OBJECT,
    }
}
