//! Which optional keys of an object are present, as a constraint problem.
//!
//! The schema side (src/schema/presence.rs) turns what constrains presence (`required`
//! inside combinators, `not: {required}`, `min/maxProperties`, `dependentRequired`,
//! presence-only `dependentSchemas`, `oneOf`/`anyOf`/`if` over required sets) into a
//! [`Formula`] over "property `i` is present". Each row draws every key's wish from its
//! `absent_rate`, as an unconstrained object does; when the wishes break the formula, a
//! bounded depth-first search in a keyed order, trying each key's wish first and pruning
//! with three-valued evaluation of the formula on the partial assignment, repairs them
//! to a nearby solution. A solution found at compile time backs the search up, so a row
//! never leaves with keys that break the formula.

use std::sync::OnceLock;

use smallvec::SmallVec;

use crate::rng::{mix, rng_for};
use rand::RngExt;

/// Truth values on a partial assignment.
const FALSE: u8 = 0;
const TRUE: u8 = 1;
const UNKNOWN: u8 = 2;

/// Salt of the per-row order in which the repair revisits keys.
const ORDER: u64 = 0x5052_4553_4f52_4452;

/// How many partial assignments one row's repair may evaluate before it takes the
/// compile-time solution.
const ROW_STEPS: u32 = 4_096;

/// A condition on which properties are present; `Has(i)` is "property `i` is present".
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Const(bool),
    Has(u16),
    Not(Box<Formula>),
    All(Vec<Formula>),
    Any(Vec<Formula>),
    /// Exactly one holds (`oneOf`).
    One(Vec<Formula>),
    /// Between `min` and `max` properties are present (`minProperties`/`maxProperties`).
    Count {
        min: u32,
        max: u32,
    },
}

impl Formula {
    /// Three-valued evaluation: `TRUE`/`FALSE` when every completion of `values`
    /// (`UNKNOWN` entries free) agrees, `UNKNOWN` otherwise.
    pub fn eval(&self, values: &[u8]) -> u8 {
        match self {
            Formula::Const(b) => u8::from(*b),
            Formula::Has(i) => values[*i as usize],
            Formula::Not(inner) => match inner.eval(values) {
                TRUE => FALSE,
                FALSE => TRUE,
                _ => UNKNOWN,
            },
            Formula::All(parts) => {
                let mut result = TRUE;
                for p in parts {
                    match p.eval(values) {
                        FALSE => return FALSE,
                        UNKNOWN => result = UNKNOWN,
                        _ => {}
                    }
                }
                result
            }
            Formula::Any(parts) => {
                let mut result = FALSE;
                for p in parts {
                    match p.eval(values) {
                        TRUE => return TRUE,
                        UNKNOWN => result = UNKNOWN,
                        _ => {}
                    }
                }
                result
            }
            Formula::One(parts) => {
                let (mut trues, mut unknowns) = (0, 0);
                for p in parts {
                    match p.eval(values) {
                        TRUE => trues += 1,
                        UNKNOWN => unknowns += 1,
                        _ => {}
                    }
                    if trues > 1 {
                        return FALSE;
                    }
                }
                match (trues, unknowns) {
                    (1, 0) => TRUE,
                    (0, 0) => FALSE,
                    _ => UNKNOWN,
                }
            }
            Formula::Count { min, max } => {
                let present = values.iter().filter(|&&v| v == TRUE).count() as u32;
                let unknown = values.iter().filter(|&&v| v == UNKNOWN).count() as u32;
                if present > *max || present + unknown < *min {
                    FALSE
                } else if present >= *min && present + unknown <= *max {
                    TRUE
                } else {
                    UNKNOWN
                }
            }
        }
    }

    /// Every property index the formula reads; `Count` reads all `n`.
    pub fn variables(&self, n: usize, out: &mut Vec<u16>) {
        match self {
            Formula::Const(_) => {}
            Formula::Has(i) => {
                if !out.contains(i) {
                    out.push(*i)
                }
            }
            Formula::Not(inner) => inner.variables(n, out),
            Formula::All(parts) | Formula::Any(parts) | Formula::One(parts) => {
                parts.iter().for_each(|p| p.variables(n, out))
            }
            Formula::Count { .. } => (0..n as u16).for_each(|i| {
                if !out.contains(&i) {
                    out.push(i)
                }
            }),
        }
    }
}

/// Searches for an assignment of the `UNKNOWN` entries of `values` listed in `order`
/// that makes `formula` true, trying `wish[i]` first for each; at most `steps`
/// evaluations. `Some(true)`: found (written into `values`, the keys after the decisive
/// one keep their wish); `Some(false)`: there is none; `None`: out of steps.
pub fn search(
    formula: &Formula,
    values: &mut [u8],
    order: &[u16],
    wish: impl Fn(usize) -> bool,
    mut steps: u32,
) -> Option<bool> {
    let fill_rest = |values: &mut [u8], from: usize| {
        for &v in &order[from..] {
            values[v as usize] = u8::from(wish(v as usize));
        }
    };
    match formula.eval(values) {
        TRUE => {
            fill_rest(values, 0);
            return Some(true);
        }
        FALSE => return Some(false),
        // Only open keys leave a formula unknown; stay safe all the same.
        _ if order.is_empty() => return Some(false),
        _ => {}
    }
    // tried[d]: how many of the two values the key at depth d has been given.
    let mut tried: SmallVec<[u8; 32]> = SmallVec::from_elem(0, order.len());
    let mut depth = 0usize;
    loop {
        let var = order[depth] as usize;
        if tried[depth] == 2 {
            values[var] = UNKNOWN;
            tried[depth] = 0;
            if depth == 0 {
                return Some(false);
            }
            depth -= 1;
            continue;
        }
        if steps == 0 {
            return None;
        }
        steps -= 1;
        let first = wish(var);
        values[var] = u8::from(if tried[depth] == 0 { first } else { !first });
        tried[depth] += 1;
        match formula.eval(values) {
            TRUE => {
                fill_rest(values, depth + 1);
                return Some(true);
            }
            FALSE => {}
            _ if depth + 1 < order.len() => depth += 1,
            // Fully assigned formulas are never unknown; stay safe all the same.
            _ => {}
        }
    }
}

/// An object's presence rules, compiled.
#[derive(Debug, Clone)]
pub struct PresenceRules {
    pub formula: Formula,
    /// The optional properties the formula reads, in declaration order.
    pub vars: Box<[u16]>,
    /// A solution found at compile time (indexed by property), for rows whose repair
    /// runs out of steps.
    pub fallback: Box<[bool]>,
    /// The keys of every object past the recursion bound ([`Ctx::shallow`]), set once
    /// the recursion's heights are known ([`PresenceRules::shallowest`]).
    pub shallow: OnceLock<Box<[bool]>>,
}

/// Steps the search for an object's keys past the recursion bound may take, per level.
const SHALLOW_STEPS: u32 = 1 << 12;

impl PresenceRules {
    /// The keys that end recursion soonest, and how many levels they need: among the
    /// solutions whose keys are all at most a height (the least that has one), the one
    /// with the fewest optional keys the search finds. `heights` and `required` are by
    /// property; without a solution in the step budget, the fallback.
    pub fn shallowest(&self, required: &[bool], heights: &[u32]) -> (u32, Box<[bool]>) {
        let height_of = |keys: &[bool]| {
            keys.iter()
                .zip(heights)
                .filter(|(k, _)| **k)
                .map(|(_, h)| *h)
                .max()
                .unwrap_or(0)
        };
        let mut levels: SmallVec<[u32; 8]> =
            self.vars.iter().map(|&v| heights[v as usize]).collect();
        levels.sort_unstable();
        levels.dedup();
        for &level in &levels {
            let mut values: SmallVec<[u8; 32]> = required.iter().map(|&r| u8::from(r)).collect();
            let mut open: SmallVec<[u16; 32]> = SmallVec::new();
            for &v in self.vars.iter() {
                if heights[v as usize] <= level {
                    values[v as usize] = UNKNOWN;
                    open.push(v);
                }
            }
            if search(&self.formula, &mut values, &open, |_| false, SHALLOW_STEPS) == Some(true) {
                let keys: Box<[bool]> = values.iter().map(|&v| v == TRUE).collect();
                return (height_of(&keys), keys);
            }
        }
        (height_of(&self.fallback), self.fallback.clone())
    }

    /// Makes `present` (each key's wish; required keys true) satisfy the formula,
    /// keeping as many wishes as the keyed search order allows.
    pub fn repair(&self, present: &mut [bool], key: u64) {
        let mut values: SmallVec<[u8; 32]> = present.iter().map(|&p| u8::from(p)).collect();
        if self.formula.eval(&values) == TRUE {
            return;
        }
        for &v in self.vars.iter() {
            values[v as usize] = UNKNOWN;
        }
        // A keyed order, so that which wishes give way varies from row to row rather than
        // always falling on the last keys declared.
        let mut order: SmallVec<[u16; 32]> = SmallVec::from_slice(&self.vars);
        let mut rng = rng_for(mix(key, ORDER));
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let wishes: &[bool] = present;
        match search(&self.formula, &mut values, &order, |i| wishes[i], ROW_STEPS) {
            Some(true) => {
                for (p, v) in present.iter_mut().zip(&values) {
                    *p = *v == TRUE;
                }
            }
            // Keys the formula does not read keep their wish.
            _ => {
                for &v in self.vars.iter() {
                    present[v as usize] = self.fallback[v as usize];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(i: u16) -> Formula {
        Formula::Has(i)
    }

    #[test]
    fn three_valued_evaluation() {
        let f = Formula::One(vec![
            Formula::Any(vec![
                Formula::Not(Box::new(has(0))),
                Formula::Not(Box::new(has(1))),
            ]),
            Formula::Not(Box::new(has(2))),
        ]);
        assert_eq!(f.eval(&[TRUE, TRUE, TRUE]), FALSE);
        assert_eq!(f.eval(&[TRUE, TRUE, FALSE]), TRUE);
        assert_eq!(f.eval(&[UNKNOWN, TRUE, TRUE]), UNKNOWN);
        let c = Formula::Count { min: 1, max: 1 };
        assert_eq!(c.eval(&[UNKNOWN, UNKNOWN]), UNKNOWN);
        assert_eq!(c.eval(&[TRUE, UNKNOWN]), UNKNOWN);
        assert_eq!(c.eval(&[TRUE, FALSE]), TRUE);
        assert_eq!(c.eval(&[TRUE, TRUE]), FALSE);
        assert_eq!(c.eval(&[FALSE, FALSE]), FALSE);
    }

    #[test]
    fn search_keeps_wishes_it_can_and_proves_emptiness() {
        let f = Formula::Count { min: 1, max: 1 };
        let mut values = [UNKNOWN, UNKNOWN];
        assert_eq!(search(&f, &mut values, &[1, 0], |_| true, 100), Some(true));
        // Key 1 is decided first and keeps its wish; key 0 gives way.
        assert_eq!(values, [FALSE, TRUE]);
        let none = Formula::All(vec![has(0), Formula::Not(Box::new(has(0)))]);
        let mut values = [UNKNOWN];
        assert_eq!(search(&none, &mut values, &[0], |_| true, 100), Some(false));
    }

    #[test]
    fn repair_satisfies_the_formula_on_every_key() {
        let rules = PresenceRules {
            formula: Formula::Count { min: 0, max: 1 },
            vars: vec![0, 1].into_boxed_slice(),
            fallback: vec![false, false].into_boxed_slice(),
            shallow: OnceLock::new(),
        };
        let mut seen = [0; 2];
        for key in 0..200u64 {
            let mut present = [true, true];
            rules.repair(&mut present, key);
            assert_eq!(present.iter().filter(|&&p| p).count(), 1);
            seen[usize::from(present[1])] += 1;
        }
        // Which key stays varies with the row.
        assert!(seen[0] > 50 && seen[1] > 50, "{seen:?}");
    }
}
