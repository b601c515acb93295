//! Distributions for numbers, timestamps and lengths (the `distribution` and `length` knobs).
//! STUB: uniform only; being replaced by the full implementation.

use crate::rng::SynthRng;
use rand::RngExt;
use serde_json::Value;

/// A parsed `distribution` knob, not yet tied to bounds.
#[derive(Debug, Clone, PartialEq)]
pub enum DistributionSpec {
    Uniform,
}

impl DistributionSpec {
    /// Parses the knob's JSON (`"uniform"`, `{"normal": {...}}`, ...).
    pub fn parse(knob: &Value) -> Result<Self, String> {
        match knob.as_str() {
            Some(s) if s.eq_ignore_ascii_case("uniform") => Ok(Self::Uniform),
            _ => Err(format!("unknown distribution {knob}")),
        }
    }

    pub fn is_uniform(&self) -> bool {
        matches!(self, Self::Uniform)
    }

    pub fn describe(&self) -> String {
        "uniform".into()
    }

    /// Ties the distribution to the integer range `[lo, hi]`.
    pub fn bind_int(&self, lo: i64, hi: i64) -> Result<IntSampler, String> {
        if lo > hi {
            return Err(format!("empty range [{lo}, {hi}]"));
        }
        Ok(IntSampler { lo, hi })
    }

    /// Ties the distribution to the real range `[lo, hi]`.
    pub fn bind_float(&self, lo: f64, hi: f64) -> Result<FloatSampler, String> {
        if !(lo <= hi) {
            return Err(format!("empty range [{lo}, {hi}]"));
        }
        Ok(FloatSampler { lo, hi })
    }
}

/// Draws integers in a closed range.
#[derive(Debug, Clone)]
pub struct IntSampler {
    lo: i64,
    hi: i64,
}

impl IntSampler {
    pub fn sample(&self, rng: &mut SynthRng) -> i64 {
        rng.random_range(self.lo..=self.hi)
    }
}

/// Draws reals in a closed range.
#[derive(Debug, Clone)]
pub struct FloatSampler {
    lo: f64,
    hi: f64,
}

impl FloatSampler {
    pub fn sample(&self, rng: &mut SynthRng) -> f64 {
        if self.lo == self.hi {
            self.lo
        } else {
            rng.random_range(self.lo..=self.hi)
        }
    }
}
