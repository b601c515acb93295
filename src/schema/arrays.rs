//! `array`: `prefixItems`/`items`, lengths, `uniqueItems`, `contains` and the `length` knob.

use std::sync::Arc;

use super::compile::Compiler;
use super::facts::Facts;
use crate::error::{Problem, ProblemKind};
use crate::generate::array::json_equal;
use crate::generate::string::StringGen;
use crate::generate::{ArrayGen, Node};

/// Elements added beyond the minimum at most (fewer if `maxItems` says so), unless a
/// `length` knob asks for more.
const DEFAULT_EXTRA: usize = 3;
/// The longest array a `length` distribution may ask for when `maxItems` is open.
const LENGTH_CAP: usize = 100;

impl Compiler {
    pub(super) fn build_array(&mut self, f: &Facts, check: &mut bool) -> Result<Node, Problem> {
        let mut min = f.min_items.as_ref().map_or(0, |m| m.value as usize);
        let mut max = f.max_items.as_ref().map(|m| m.value as usize);
        if let (Some(lo), Some(hi)) = (&f.min_items, &f.max_items)
            && lo.value > hi.value
        {
            return Err(Problem::new(
                hi.pointer.clone(),
                format!(
                    "minItems {} is greater than maxItems {}",
                    lo.value, hi.value
                ),
            )
            .hint("lower minItems or raise maxItems"));
        }
        let mut prefix = Vec::new();
        let mut cut = None;
        let mut positions = &f.prefix_items[..];
        if let Some((tuple, at)) = &f.no_items_from
            && *tuple < f.prefix_items.len()
        {
            // Another schema object's tuple declares positions that this one's
            // `items: false` forbids: the array ends before them.
            let allowed = match tuple {
                0 => "no element".to_owned(),
                n => format!("no element past the {n} of its tuple"),
            };
            cut = Some(Problem::new(
                at.clone(),
                format!("items: false allows {allowed}, but minItems asks for {min}"),
            ));
            positions = &f.prefix_items[..*tuple];
        }
        for (position, locs) in positions.iter().enumerate() {
            let mut locs = locs.clone();
            // The `items` of objects whose own tuples end before this position.
            locs.extend(
                f.items_from
                    .iter()
                    .filter(|(tuple, _)| *tuple <= position)
                    .map(|(_, items)| items.clone()),
            );
            match self.compile(&locs) {
                Ok(c) => prefix.push(c.node),
                Err(p) if p.kind == ProblemKind::Invalid => return Err(p),
                // No value fits this position: the array must end before it.
                Err(p) => {
                    cut = Some(p);
                    break;
                }
            }
        }
        if let Some(p) = cut {
            if min > prefix.len() {
                return Err(p);
            }
            max = Some(max.map_or(prefix.len(), |m| m.min(prefix.len())));
        }
        let items = if f.no_more_items.is_some() || prefix.len() < f.prefix_items.len() {
            None
        } else {
            Some(Box::new(self.compile(&f.items)?.node))
        };
        // Contains of several schema objects are met by elements that match them all,
        // counted by the largest minContains and the smallest maxContains: exact for
        // the elements generated to match, but the others may match some of them too.
        if f.contains.len() > 1 {
            *check = true;
        }
        let contains_nothing = f.min_contains.as_ref().is_some_and(|m| m.value == 0);
        let contains = if f.contains.is_empty() || contains_nothing {
            // With minContains 0 nothing has to match, but maxContains still caps how
            // many elements may: only a check can tell.
            if !f.contains.is_empty() && f.max_contains.is_some() {
                *check = true;
            }
            None
        } else if items.is_none() {
            // No element may follow the prefix (`items: false`): the matches must be
            // among the prefix's elements, which only a check can tell.
            if prefix.is_empty() {
                let at = f.no_more_items.clone().unwrap_or_else(|| f.pointer());
                return Err(Problem::new(
                    at,
                    "contains asks for a matching item, but no items are allowed",
                ));
            }
            *check = true;
            None
        } else {
            let count = f.min_contains.as_ref().map_or(1, |m| m.value as usize);
            if let Some(mc) = &f.max_contains {
                if (mc.value as usize) < count {
                    return Err(Problem::new(
                        mc.pointer.clone(),
                        format!("maxContains {} is less than minContains {count}", mc.value),
                    ));
                }
                *check = true;
            }
            if !prefix.is_empty() {
                *check = true;
            }
            let mut locs = f.items.clone();
            locs.extend(f.contains.iter().cloned());
            let node = self.compile(&locs)?.node;
            min = min.max(prefix.len() + count);
            Some((Box::new(node), count))
        };
        if items.is_none() {
            let limit = prefix.len() + contains.as_ref().map_or(0, |(_, c)| *c);
            max = Some(max.map_or(limit, |m| m.min(limit)));
            if min > limit {
                let at = f.no_more_items.clone().unwrap_or_else(|| f.pointer());
                return Err(Problem::new(
                    at,
                    format!("at least {min} items are required but only {limit} are allowed"),
                ));
            }
        }
        if let Some(m) = max
            && min > m
        {
            let at = f
                .max_items
                .as_ref()
                .map_or_else(|| f.pointer(), |m| m.pointer.clone());
            return Err(Problem::new(
                at,
                format!(
                    "at least {min} items are required (minItems, contains) but maxItems is {m}"
                ),
            ));
        }
        let length = match &f.knobs.length {
            Some((spec, at)) => {
                let hi = max.unwrap_or(min + LENGTH_CAP);
                max = Some(hi);
                Some(
                    spec.bind_int(min as i64, hi as i64)
                        .map_err(|e| Problem::invalid(at.clone(), e))?,
                )
            }
            None => None,
        };
        if f.unique_items
            && let Some(distinct) = distinct_elements(&prefix, items.as_deref(), &contains)
            && distinct < min as u64
        {
            let at = f
                .min_items
                .as_ref()
                .map_or_else(|| f.pointer(), |m| m.pointer.clone());
            return Err(Problem::new(
                at,
                format!("uniqueItems: the items have at most {distinct} distinct values, but at least {min} items are required"),
            )
            .hint("lower minItems, allow more item values, or drop uniqueItems"));
        }
        // Lengths a person expects: a few elements beyond the minimum, whatever maxItems
        // allows (`maxItems: 500` on a recursive list is a bound, not a size); a
        // `length` distribution asks for more.
        let natural = min.max(prefix.len()) + DEFAULT_EXTRA;
        let max = match (&length, max) {
            (Some(_), Some(m)) => m,
            (None, Some(m)) => m.min(natural),
            (_, None) => natural,
        };
        Ok(Node::Array(Arc::new(ArrayGen {
            prefix,
            items,
            min,
            max,
            length,
            unique: f.unique_items,
            contains,
            pointer: f.pointer(),
        })))
    }
}

/// The most distinct elements an array of these generators can hold, when every one of
/// them has few enough values to count; `None` when some has more than that.
fn distinct_elements(
    prefix: &[Node],
    items: Option<&Node>,
    contains: &Option<(Box<Node>, usize)>,
) -> Option<u64> {
    let rest = items
        .into_iter()
        .chain(contains.as_ref().map(|(node, _)| &**node));
    prefix
        .iter()
        .chain(rest)
        .try_fold(0u64, |sum, node| sum.checked_add(distinct_values(node)?))
}

/// How many distinct values `node` can produce, for the countable ones: constants,
/// enums, booleans, null, integer ranges, patterns of one fixed shape, and unions or
/// checked forms of those (an upper bound: a check only removes values).
pub(super) fn distinct_values(node: &Node) -> Option<u64> {
    match node {
        Node::Const(_) | Node::Null => Some(1),
        Node::Bool(_) => Some(2),
        Node::Enum(g) => {
            let values = g.values();
            let repeated = |i: usize| values[..i].iter().any(|v| json_equal(v, &values[i]));
            Some((0..values.len()).filter(|&i| !repeated(i)).count() as u64)
        }
        // A sequence gives every element of a row the same value; leave it to run time.
        Node::Integer(g) if g.sequence.is_none() && g.step > 0 => {
            let span = (i128::from(g.hi) - i128::from(g.lo)) / i128::from(g.step) + 1;
            u64::try_from(span.max(0)).ok()
        }
        Node::Union(u) => u
            .branches()
            .iter()
            .try_fold(0u64, |sum, b| sum.checked_add(distinct_values(b)?)),
        Node::Checked(c) => distinct_values(c.inner()),
        Node::String(StringGen::Pattern(p)) => p.reachable(),
        _ => None,
    }
}
