//! `array` values: tuples (`prefixItems`), items, lengths, `uniqueItems` and `contains`.

use rand::RngExt;

use super::distribution::IntSampler;
use super::{Ctx, Node};
use crate::rng::{mix, rng_for};
use crate::sink::{Sink, ValueSink};

/// How often a duplicate element is regenerated before the array is cut short.
const UNIQUE_TRIES: u64 = 24;

#[derive(Debug)]
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
}

impl ArrayGen {
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let len = self.length(ctx, key);
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
        let mut values: Vec<serde_json::Value> = Vec::with_capacity(len);
        for i in 0..len {
            let fresh = (0..UNIQUE_TRIES).find_map(|attempt| {
                let mut sink = ValueSink::new();
                let k = if attempt == 0 {
                    mix(key, i as u64)
                } else {
                    mix(mix(key, i as u64), attempt)
                };
                self.element(i).generate(ctx, k, &mut sink);
                let v = sink.finish();
                (!values.iter().any(|seen| json_equal(seen, &v))).then_some(v)
            });
            match fresh {
                Some(v) => values.push(v),
                None if values.len() >= self.min => break,
                None => continue,
            }
        }
        out.begin_array();
        values.iter().for_each(|v| out.value(v));
        out.end_array();
    }

    pub fn describe(&self) -> String {
        let unique = if self.unique { ", unique" } else { "" };
        format!("array [{}, {}]{unique}", self.min, self.max)
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
