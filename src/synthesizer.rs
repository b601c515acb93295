//! Custom synthesizers: generators written in Rust and named from a schema with
//! `"x-synth": {"synthesizer": "name"}` (or DataSynthTool's `"synthesizer": "Name"`).
//!
//! ```
//! use std::sync::Arc;
//! use synthtune::synthesizer::{Synthesizer, Synthesizers};
//! use synthtune::rng::SynthRng;
//! use rand::RngExt;
//!
//! #[derive(Debug)]
//! struct Sku;
//! impl Synthesizer for Sku {
//!     fn generate(&self, rng: &mut SynthRng, _row: u64) -> serde_json::Value {
//!         format!("SKU-{:06}", rng.random_range(0..1_000_000)).into()
//!     }
//! }
//! let mut registry = Synthesizers::default();
//! registry.register("sku", Arc::new(Sku));
//! ```

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;

use serde_json::Value;

use crate::rng::SynthRng;

/// A user-written generator. Its values are still validated against the node's schema
/// (and regenerated when they fail), so a synthesizer cannot produce invalid records.
pub trait Synthesizer: Send + Sync + Debug {
    /// One value for row `row`, drawing randomness only from `rng` (the caller seeds it
    /// from the seed, table, row and field path, so output stays deterministic).
    fn generate(&self, rng: &mut SynthRng, row: u64) -> Value;
}

/// Synthesizers by name, handed to the compiler.
#[derive(Debug, Clone, Default)]
pub struct Synthesizers {
    by_name: BTreeMap<String, Arc<dyn Synthesizer>>,
}

impl Synthesizers {
    pub fn register(&mut self, name: impl Into<String>, synthesizer: Arc<dyn Synthesizer>) {
        self.by_name.insert(name.into(), synthesizer);
    }

    pub fn get(&self, name: &str) -> Option<Arc<dyn Synthesizer>> {
        self.by_name.get(name).cloned()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}
