//! Proving `oneOf` branches disjoint without looking at values: when no value can
//! match two branches, the union of the branches needs no validator.

use serde_json::Value;

use super::compile::Compiler;
use super::facts::{Facts, Types};
use crate::generate::array::json_equal;

/// What tells `oneOf` branches apart without looking at values: their types, and the
/// constant each gives a required property (a discriminator).
pub(super) struct Signature {
    types: u8,
    constants: Vec<(String, Vec<Value>)>,
}

impl Signature {
    pub(super) fn of(f: &Facts, c: &Compiler) -> Signature {
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

    pub(super) fn pairwise_disjoint(all: &[Signature]) -> bool {
        all.iter()
            .enumerate()
            .all(|(i, a)| all[i + 1..].iter().all(|b| a.disjoint(b)))
    }
}
