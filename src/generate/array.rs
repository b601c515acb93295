//! `array` values: tuples (`prefixItems`), items, lengths, `uniqueItems` and `contains`.

use rand::RngExt;
use smallvec::SmallVec;

use super::distribution::IntSampler;
use super::string::StringGen;
use super::{Ctx, Node};
use crate::error::Trial;
use crate::rng::{mix, rng_for};
use crate::sink::{Sink, ValueSink};

/// How often a duplicate element is regenerated before the array is cut short.
const UNIQUE_TRIES: u64 = 24;
/// Elements drawn past the chosen length while a unique array of non-string values is
/// still short of `minItems` (a rare value, such as a 5 % null, may be needed).
const SHORT_DRAWS: usize = 16;

#[derive(Debug, Clone)]
pub struct ArrayGen {
    pub prefix: Vec<Node>,
    /// Elements after the prefix; `None` when none are allowed.
    pub items: Option<Box<Node>>,
    pub min: usize,
    pub max: usize,
    pub length: Option<IntSampler>,
    pub unique: bool,
    /// `contains`: the first `count` elements after the prefix come from this node.
    pub contains: Option<(Box<Node>, usize)>,
    /// The JSON Pointer of the array's schema, for a `uniqueItems` failure.
    pub pointer: String,
}

impl ArrayGen {
    // Not inlined into `Node::generate`: that would give every node, leaves included,
    // this function's stack frame and hoisted draws.
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let len = self.length(ctx, key);
        ctx.count_entries(len);
        if self.unique {
            self.generate_unique(ctx, key, len, out);
            return;
        }
        out.begin_array();
        for i in 0..len {
            self.element(i).generate(ctx, mix(key, i as u64), out);
        }
        out.end_array();
    }

    /// The law of its lengths, where nothing but the draw decides them (no unique
    /// elements that may run out, no `contains` to place).
    pub fn length_law(&self) -> Option<crate::generate::number::NumberLaw> {
        (!self.unique && self.contains.is_none()).then(|| {
            crate::generate::number::NumberLaw::of_length(
                self.describe(),
                self.min,
                self.max,
                self.length.as_ref(),
            )
        })
    }

    fn length(&self, ctx: &Ctx, key: u64) -> usize {
        if ctx.shallow() || self.min == self.max {
            return self.min;
        }
        let mut rng = rng_for(key);
        match &self.length {
            Some(sampler) => sampler
                .sample(&mut rng)
                .clamp(self.min as i64, self.max as i64) as usize,
            None => rng.random_range(self.min..=self.max),
        }
    }

    fn element(&self, i: usize) -> &Node {
        if let Some(node) = self.prefix.get(i) {
            return node;
        }
        let after = i - self.prefix.len();
        match (&self.contains, &self.items) {
            (Some((node, count)), _) if after < *count => node,
            (_, Some(items)) => items,
            // Compilation never asks for more elements than the prefix and contains allow.
            (Some((node, _)), None) => node,
            (None, None) => &self.prefix[self.prefix.len() - 1],
        }
    }

    fn generate_unique<S: Sink>(&self, ctx: &mut Ctx, key: u64, len: usize, out: &mut S) {
        if (0..len).all(|i| string_gen(self.element(i)).is_some()) {
            return self.generate_unique_strings(ctx, len, key, out);
        }
        let fixed = self.fixed_positions();
        let mut values: Vec<serde_json::Value> = Vec::with_capacity(len);
        for i in 0..len + SHORT_DRAWS {
            if i >= len && values.len() >= self.min {
                break;
            }
            let fresh = (0..UNIQUE_TRIES).find_map(|attempt| {
                let mut sink = ValueSink::new();
                let k = element_key(key, i, attempt);
                let failed_before = ctx.failure.is_some();
                self.element(i).generate(ctx, k, &mut sink);
                let v = sink.finish();
                let fresh = !values.iter().any(|seen| json_equal(seen, &v));
                // A repeat is dropped, and with it a failure found inside it.
                if !fresh && !failed_before {
                    ctx.failure = None;
                }
                fresh.then_some(v)
            });
            match fresh {
                Some(v) => values.push(v),
                // A prefix or `contains` element cannot be skipped: the next would
                // land in its place.
                None if values.len() >= self.min || i < fixed => break,
                None => continue,
            }
        }
        if values.len() < self.min {
            self.too_few_distinct(ctx, values.len());
        }
        out.begin_array();
        values.iter().for_each(|v| out.value(v));
        out.end_array();
    }

    /// [`ArrayGen::generate_unique`] when every element is a string (tags, codes): the
    /// same draws and the same result, compared as text rather than as a `Value` per
    /// element. Each draw is written after the values kept so far, in one buffer, and
    /// cut off again when it repeats one.
    fn generate_unique_strings<S: Sink>(&self, ctx: &mut Ctx, len: usize, key: u64, out: &mut S) {
        let fixed = self.fixed_positions();
        let mut text = String::with_capacity(16 * len);
        let mut ends: SmallVec<[usize; 16]> = SmallVec::new();
        for i in 0..len {
            let Some(element) = string_gen(self.element(i)) else {
                continue;
            };
            let kept = text.len();
            let fresh = (0..UNIQUE_TRIES).any(|attempt| {
                text.truncate(kept);
                element.write(element_key(key, i, attempt), &mut text);
                let candidate = &text[kept..];
                let mut start = 0;
                !ends.iter().any(|&end| {
                    let same = text[start..end] == *candidate;
                    start = end;
                    same
                })
            });
            if fresh {
                ends.push(text.len());
            } else {
                text.truncate(kept);
                if ends.len() >= self.min || i < fixed {
                    break;
                }
            }
        }
        if ends.len() < self.min {
            self.too_few_distinct(ctx, ends.len());
        }
        out.begin_array();
        let mut start = 0;
        for end in ends {
            out.str(&text[start..end]);
            start = end;
        }
        out.end_array();
    }

    /// How many leading elements have a place of their own: the prefix, then the
    /// `contains` elements.
    fn fixed_positions(&self) -> usize {
        self.prefix.len() + self.contains.as_ref().map_or(0, |(_, count)| *count)
    }

    /// Fewer distinct elements than `minItems` turned up: the array is invalid.
    #[cold]
    fn too_few_distinct(&self, ctx: &mut Ctx, found: usize) {
        let trial = Trial::Distinct {
            found,
            min: self.min,
            tries: UNIQUE_TRIES as u32,
        };
        ctx.fail(&self.pointer, trial);
    }

    pub fn describe(&self) -> String {
        let unique = if self.unique { ", unique" } else { "" };
        format!("array [{}, {}]{unique}", self.min, self.max)
    }
}

fn string_gen(node: &Node) -> Option<&StringGen> {
    match node {
        Node::String(g) => Some(g),
        _ => None,
    }
}

/// The key of element `i`'s `attempt`-th draw in a unique array.
fn element_key(array: u64, i: usize, attempt: u64) -> u64 {
    if attempt == 0 {
        mix(array, i as u64)
    } else {
        mix(mix(array, i as u64), attempt)
    }
}

/// JSON Schema equality: numbers compare by value (1 == 1.0), objects ignore key order.
pub fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::Table;

    /// Unique strings from a space of three letters: every array holds distinct ones, and
    /// those that ask for more than three stop at three.
    #[test]
    fn unique_strings_are_distinct_and_stop_when_the_space_runs_out() {
        let table = Table::from_value(
            json!({
                "type": "array",
                "items": {"type": "string", "pattern": "^[a-c]$"},
                "minItems": 1,
                "maxItems": 6,
                "uniqueItems": true
            }),
            None,
        )
        .unwrap();
        let mut longest = 0;
        for row in 0..2_000 {
            let Value::Array(items) = table.row_value(7, row) else {
                panic!("not an array");
            };
            let mut texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            assert_eq!(texts.len(), items.len(), "{items:?}");
            let len = texts.len();
            texts.sort_unstable();
            texts.dedup();
            assert_eq!(texts.len(), len, "duplicates in {items:?}");
            assert!((1..=3).contains(&len), "{items:?}");
            longest = longest.max(len);
        }
        assert_eq!(longest, 3);
    }

    /// Lengths stay within `minItems + 3` whatever `maxItems` allows; a `length` knob
    /// may ask for more, up to `maxItems`.
    #[test]
    fn lengths_stay_near_min_items_unless_a_length_knob_asks() {
        let lengths = |schema: Value| {
            let table = Table::from_value(schema, None).unwrap();
            let mut seen = std::collections::BTreeSet::new();
            for row in 0..500 {
                let Value::Array(items) = table.try_row_value(3, row).unwrap() else {
                    panic!("not an array");
                };
                seen.insert(items.len());
            }
            seen.into_iter().collect::<Vec<_>>()
        };
        let list = |min: usize, max: usize| json!({"type": "array", "items": {"type": "integer"}, "minItems": min, "maxItems": max});
        assert_eq!(lengths(list(0, 500)), [0, 1, 2, 3]);
        assert_eq!(lengths(list(4, 10)), [4, 5, 6, 7]);
        assert_eq!(lengths(list(1, 2)), [1, 2]);
        let knob = json!({
            "type": "array", "items": {"type": "integer"}, "maxItems": 60,
            "x-synth": {"length": {"normal": {"mean": 40, "stddev": 5}}}
        });
        let asked = lengths(knob);
        assert!(
            asked.iter().any(|&n| n > 30) && asked.iter().all(|&n| n <= 60),
            "{asked:?}"
        );
    }

    /// Past the record budget the rest of a record is minimal (arrays as short as they
    /// may be, even where `length` knobs ask for long ones): a cube of ~24-element arrays
    /// holds about a thousand elements, not ~14,000, and stays valid.
    #[test]
    fn a_record_past_its_budget_goes_minimal() {
        let level = |items: Value| json!({"type": "array", "items": items, "maxItems": 25, "x-synth": {"length": {"normal": {"mean": 24, "stddev": 1}}}});
        let schema = level(level(level(json!({"type": "integer"}))));
        let table = Table::from_value(schema.clone(), None).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        fn elements(v: &Value) -> usize {
            match v {
                Value::Array(items) => items.len() + items.iter().map(elements).sum::<usize>(),
                _ => 0,
            }
        }
        for row in 0..20 {
            let record = table.try_row_value(1, row).unwrap();
            let n = elements(&record);
            let budget = crate::generate::RECORD_BUDGET as usize;
            assert!(
                (budget..budget + 2 * 25).contains(&n),
                "row {row}: {n} elements"
            );
            assert!(validator.is_valid(&record));
        }
    }
}
