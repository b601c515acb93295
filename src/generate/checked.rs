//! Generate-and-check, for what the generators cannot guarantee by construction
//! (`not`, overlapping `oneOf` branches, `if`/`then`/`else`, several patterns on one
//! string, ...): the value is validated with the `jsonschema` crate and regenerated
//! from a fresh key until it passes.

use serde_json::Value;

use super::{Ctx, Node};
use crate::error::Trial;
use crate::rng::mix;
use crate::sink::{Sink, ValueSink};

#[derive(Clone)]
pub struct CheckedGen {
    inner: Node,
    /// A value is valid when every one accepts it (one per location merged here).
    validators: Box<[jsonschema::Validator]>,
    attempts: u32,
    /// The JSON Pointer(s) of the schema it checks against, for descriptions.
    pub pointer: String,
}

impl std::fmt::Debug for CheckedGen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedGen")
            .field("inner", &self.inner)
            .field("pointer", &self.pointer)
            .finish()
    }
}

impl CheckedGen {
    pub fn new(
        inner: Node,
        validators: Vec<jsonschema::Validator>,
        attempts: u32,
        pointer: String,
    ) -> CheckedGen {
        CheckedGen {
            inner,
            validators: validators.into_boxed_slice(),
            attempts,
            pointer,
        }
    }

    pub fn inner(&self) -> &Node {
        &self.inner
    }

    // Not inlined into `Node::generate`: that would give every node, leaves included,
    // this function's stack frame and hoisted draws.
    #[inline(never)]
    pub fn generate<S: Sink>(&self, ctx: &mut Ctx, key: u64, out: &mut S) {
        // A failure is recorded in `ctx` and the row dropped; the last attempt keeps the
        // sink's structure whole until then.
        let value = self.first_valid(ctx, key).unwrap_or_else(|last| last);
        out.value(&value);
    }

    /// The first valid value in the key's sequence of attempts; or, when every attempt
    /// failed (recorded in `ctx.failure`), the last one.
    pub fn first_valid(&self, ctx: &mut Ctx, key: u64) -> Result<Value, Value> {
        let mut last = Value::Null;
        let was_minimal = ctx.minimal;
        // A nested checked value that gave up inside an attempt this validator rejects
        // is discarded with it; inside one it accepts, the whole value is valid.
        let earlier = ctx.failure.take();
        let mut budget_spent = false;
        let mut attempts = 0;
        // What the next retry costs: one, and more after a big value.
        let mut cost = 1u32;
        for attempt in 0..self.attempts {
            // The first attempt is always made; retries draw on the row's budget.
            if attempt > 0 {
                if ctx.check_budget < cost {
                    ctx.check_budget = 0;
                    budget_spent = true;
                    break;
                }
                ctx.check_budget -= cost;
            }
            attempts += 1;
            let drawn = ctx.drawn;
            let mut sink = ValueSink::new();
            let k = if attempt == 0 {
                key
            } else {
                mix(key, u64::from(attempt))
            };
            // The second half of the attempts goes for the smallest values.
            ctx.minimal = was_minimal || attempt >= self.attempts / 2;
            self.inner.generate(ctx, k, &mut sink);
            let v = sink.finish();
            if self.validators.iter().all(|p| p.is_valid(&v)) {
                ctx.minimal = was_minimal;
                ctx.failure = earlier;
                return Ok(v);
            }
            ctx.failure = None;
            last = v;
            let entries = (ctx.drawn - drawn) / super::ENTRIES_PER_RETRY;
            cost = u32::try_from(entries).map_or(u32::MAX, |e| e.saturating_add(1));
        }
        ctx.minimal = was_minimal;
        ctx.failure = earlier;
        ctx.fail(
            &self.pointer,
            Trial::Validation {
                attempts,
                limit: self.attempts,
                budget_spent,
            },
        );
        Err(last)
    }
}
