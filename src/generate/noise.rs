//! Deliberately bad values (the `noise` knob), for testing validation pipelines: out of
//! range, wrong type, empty, over-long. Off unless asked for; every noisy value is
//! counted, so a record can say it is noisy on purpose.

use serde_json::Value;

use super::choice::unit;
use super::{Ctx, Node};
use crate::rng::mix;
use crate::sink::Sink;

const NOISE: u64 = 0x004e_4f49_5345;

#[derive(Debug, Clone)]
pub struct NoiseGen {
    pub inner: Box<Node>,
    pub rate: f64,
    /// Values the schema rejects, each checked at compile time.
    pub bad: Vec<Value>,
}

impl NoiseGen {
    // Not inlined into `Node::generate`: that would give every node, leaves included,
    // this function's stack frame and hoisted draws.
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        let u = unit(mix(key, NOISE));
        if u < self.rate {
            // Reuse the same draw to pick which bad value: u / rate is uniform in [0, 1).
            let i = ((u / self.rate) * self.bad.len() as f64) as usize;
            out.value(&self.bad[i.min(self.bad.len() - 1)]);
            ctx.noisy += 1;
        } else {
            self.inner.generate(ctx, key, out);
        }
    }
}
