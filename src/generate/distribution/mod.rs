//! Distributions for numbers, timestamps and lengths: the `distribution` and `length` knobs.
//!
//! A knob is parsed once into a [`DistributionSpec`] (no bounds yet), then tied to the
//! schema's closed range with [`DistributionSpec::bind_int`] or
//! [`DistributionSpec::bind_float`], which prepare a sampler that draws quickly. Parsing and
//! its errors live in [`spec`], binding and the samplers in [`sampler`], the CDFs and
//! quantiles behind exact truncation in [`special`].
//!
//! Every sampler keeps three promises:
//! - Values never leave `[lo, hi]`. Draws outside are redrawn, never clamped, so the result
//!   is the distribution conditioned on the range, with no spike at a bound.
//! - A distribution with almost none of its mass inside the range (below 0.1%) is refused
//!   when binding, with the arithmetic in the message.
//! - `sample` never loops unboundedly: after a bounded number of rejected draws it samples
//!   the same conditioned distribution exactly, by inverting its CDF.
//!
//! Frames (DESIGN.md): `exponential`, `lognormal` and `gamma` start at the minimum
//! (value = lo + draw); `normal` and `poisson` use the number line as is (a Poisson count
//! outside the range is redrawn); `triangular` and `beta` span the range; `zipf` ranks
//! integers upward from the minimum (lo is rank 1, the most frequent); `benford` is
//! log-uniform over the range (from 1 when lo <= 0); `histogram` bins are clipped to it.
//!
//! Integers: integer k takes the continuous draws in [k − ½, k + ½) (nearest integer).
//! `histogram` and `benford` take the floor instead (k takes [k, k + 1)), so a bin
//! `[1, 5, w]` yields 1, 2, 3 and 4 equally and Benford's first digits survive.

mod sampler;
mod spec;
pub(crate) mod special;
#[cfg(test)]
mod tests;

pub use sampler::{FloatSampler, IntSampler};
pub use spec::{DistributionSpec, KnobError};
