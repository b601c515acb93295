//! `integer` and `number` values: bounds, `multipleOf` grids and distributions.
//!
//! Numbers on a decimal grid (`multipleOf: 0.01`) are computed as `k * mantissa / 10^d`
//! with one correctly rounded division, so they print as `83.6`, never
//! `83.60000000000001`, and pass an exact `multipleOf` check (the `jsonschema` crate's,
//! pydantic's `Decimal`). Python `jsonschema` and ajv divide in doubles instead, and
//! `0.15 / 0.05` is `2.9999999999999996` there: [`FloatDivision`] keeps only the grid
//! points that pass that test too, moving a drawn point that fails to the nearest that
//! passes.

use rand::RngExt;

use super::Ctx;
use super::distribution::{FloatSampler, IntSampler};
use crate::rng::{mix, rng_for};
use crate::schema::knobs::Sequence;
use crate::sink::Sink;

/// How many redraws a distribution gets before falling back to a uniform draw.
const REDRAWS: u32 = 64;

/// How far (in grid points, each way) a drawn point that fails [`FloatDivision`] looks
/// for the nearest one that passes before it is kept as it is.
const DIVISION_SEARCH: i64 = 4096;

/// The `multipleOf` divisors that validators dividing in IEEE doubles (Python
/// `jsonschema`: `int(x / m) == x / m`; ajv: `(x / m) % 1 === 0`) can get wrong: those
/// that are not whole numbers. A whole divisor `m` divides its exact multiples `k * m`
/// exactly in doubles (below 2^53), so it needs no test.
#[derive(Debug, Default, Clone)]
pub struct FloatDivision {
    divisors: Box<[f64]>,
}

impl FloatDivision {
    pub fn new(multiples: impl IntoIterator<Item = f64>) -> FloatDivision {
        FloatDivision {
            divisors: multiples.into_iter().filter(|m| m.fract() != 0.0).collect(),
        }
    }

    /// No divisor to test: every exact multiple passes.
    #[inline]
    pub fn is_exact(&self) -> bool {
        self.divisors.is_empty()
    }

    /// Whether `x / m` is a whole number in doubles for every divisor `m`.
    #[inline]
    pub fn passes(&self, x: f64) -> bool {
        self.divisors.iter().all(|&m| is_whole(x / m))
    }

    /// The passing index nearest to `k` in `[k_lo, k_hi]` (upwards first when `up`),
    /// within [`DIVISION_SEARCH`] points; `value` maps an index to its value.
    pub(crate) fn nearest(
        &self,
        k: i64,
        (k_lo, k_hi): (i64, i64),
        up: bool,
        value: impl Fn(i64) -> f64,
    ) -> Option<i64> {
        let sign = if up { 1 } else { -1 };
        for d in 1..=DIVISION_SEARCH {
            for j in [k.saturating_add(sign * d), k.saturating_sub(sign * d)] {
                if (k_lo..=k_hi).contains(&j) && self.passes(value(j)) {
                    return Some(j);
                }
            }
        }
        None
    }

    /// Whether some index in `[k_lo, k_hi]` passes, looking at no more than `limit`
    /// of them (`None`: the range is larger and was not scanned to the end).
    pub fn any_passes(
        &self,
        (k_lo, k_hi): (i64, i64),
        limit: u64,
        value: impl Fn(i64) -> f64,
    ) -> Option<bool> {
        if self.is_exact() {
            return Some(true);
        }
        let span = k_hi.abs_diff(k_lo);
        let end = if span < limit {
            k_hi
        } else {
            k_lo.saturating_add(limit as i64)
        };
        let found = (k_lo..=end).any(|k| self.passes(value(k)));
        if found || span < limit {
            Some(found)
        } else {
            None
        }
    }
}

/// `q.fract() == 0.0` without a call to `trunc` (x86-64 has no rounding instruction
/// before SSE4.1): below 2^52 through `i64`, above it every finite double is whole.
#[inline]
fn is_whole(q: f64) -> bool {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    if q.abs() < TWO_52 {
        (q as i64) as f64 == q
    } else {
        q.is_finite()
    }
}

/// Integers in `[lo, hi]`, multiples of `step`.
#[derive(Debug, Clone)]
pub struct IntegerGen {
    pub lo: i64,
    pub hi: i64,
    pub step: i64,
    /// The fractional `multipleOf`s the value must also pass in float division.
    pub division: FloatDivision,
    /// Draws values in `[lo, hi]`; `None` means uniform over the multiples.
    pub sampler: Option<IntSampler>,
    pub sequence: Option<Sequence>,
    pub label: String,
}

impl IntegerGen {
    pub fn generate<S: Sink>(&self, ctx: &Ctx, key: u64, out: &mut S) {
        if let Some(seq) = self.sequence {
            out.int(self.sequence_value(seq, ctx.row));
            return;
        }
        out.int(self.draw(key));
    }

    /// The value for row `row` of a sequence, wrapped into the bounds so that it stays valid
    /// (the export refuses row counts that would wrap a unique sequence).
    fn sequence_value(&self, seq: Sequence, row: u64) -> i64 {
        // The usual case, a value inside the bounds, in 64-bit arithmetic (128-bit
        // division is a library call).
        i64::try_from(row)
            .ok()
            .and_then(|row| seq.step.checked_mul(row))
            .and_then(|offset| seq.start.checked_add(offset))
            .filter(|raw| (self.lo..=self.hi).contains(raw))
            .filter(|raw| self.step == 1 || raw.abs_diff(self.lo) % self.step.unsigned_abs() == 0)
            .unwrap_or_else(|| self.sequence_wrapped(seq, row))
    }

    /// [`sequence_value`](Self::sequence_value) in 128-bit arithmetic, for every row.
    fn sequence_wrapped(&self, seq: Sequence, row: u64) -> i64 {
        let span = (self.hi as i128 - self.lo as i128) / self.step as i128 + 1;
        let raw = seq.start as i128 + seq.step as i128 * row as i128;
        let k = (raw - self.lo as i128)
            .div_euclid(self.step as i128)
            .rem_euclid(span);
        (self.lo as i128 + k * self.step as i128) as i64
    }

    /// The value of `key` (not of a sequence): what [`generate`](Self::generate) writes.
    pub fn draw(&self, key: u64) -> i64 {
        let k = self.draw_index(key);
        if self.division.is_exact() || self.division.passes((k * self.step) as f64) {
            return k * self.step;
        }
        self.float_safe(k, key) * self.step
    }

    /// The index `k` of a multiple `k * step` in the bounds, under the distribution.
    #[inline]
    fn draw_index(&self, key: u64) -> i64 {
        let mut rng = rng_for(key);
        let k_lo = self.lo / self.step;
        let k_hi = self.hi / self.step;
        if let Some(sampler) = &self.sampler {
            for _ in 0..REDRAWS {
                let v = sampler.sample(&mut rng);
                let k = (v as f64 / self.step as f64).round() as i64;
                if (k_lo..=k_hi).contains(&k) {
                    return k;
                }
            }
        }
        rng.random_range(k_lo..=k_hi)
    }

    /// An index that passes float division, for a drawn `k` that does not: see
    /// [`NumberGen::float_safe`].
    #[cold]
    fn float_safe(&self, k: i64, key: u64) -> i64 {
        let range = (self.lo / self.step, self.hi / self.step);
        self.division
            .nearest(k, range, key >> 63 == 0, |k| (k * self.step) as f64)
            .unwrap_or(k)
    }

    pub fn describe(&self) -> String {
        self.label.clone()
    }
}

/// Where a number's values lie.
#[derive(Debug, Clone)]
pub enum NumberSpace {
    /// `k * mantissa / denominator` for whole `k` in `[k_lo, k_hi]`.
    Grid {
        k_lo: i64,
        k_hi: i64,
        mantissa: i64,
        decimals: u32,
        /// `10^decimals`.
        denominator: f64,
    },
    /// Any double in the interval, ends included unless exclusive.
    Interval {
        lo: f64,
        hi: f64,
        lo_exclusive: bool,
        hi_exclusive: bool,
    },
}

/// Numbers, on a grid or in an interval, under a distribution.
#[derive(Debug, Clone)]
pub struct NumberGen {
    pub space: NumberSpace,
    /// The fractional `multipleOf`s a grid value must also pass in float division.
    pub division: FloatDivision,
    /// The number branch of a money field (pydantic's `Decimal`: a number or a string):
    /// export types its column as a decimal.
    pub money: bool,
    /// The grid is the schema's own `multipleOf` (not the default of cents): export
    /// types the column as a decimal of the grid's digits.
    pub stepped: bool,
    /// Draws in value space; `None` means uniform.
    pub sampler: Option<FloatSampler>,
    pub label: String,
}

impl NumberGen {
    pub fn generate<S: Sink>(&self, key: u64, out: &mut S) {
        self.write_drawn(key, out);
    }

    /// [`generate`](Self::generate), returning a grid number's `(units, decimals)` as
    /// [`draw_decimal`](Self::draw_decimal) gives them (`None` off a grid).
    #[inline]
    pub fn write_drawn<S: Sink>(&self, key: u64, out: &mut S) -> Option<(i64, u32)> {
        match self.space {
            NumberSpace::Grid {
                mantissa,
                decimals,
                denominator,
                ..
            } => {
                let units = self.draw_grid(key) * mantissa;
                out.decimal(units as f64 / denominator, units, decimals);
                Some((units, decimals))
            }
            NumberSpace::Interval { .. } => {
                out.float(self.draw(key));
                None
            }
        }
    }

    /// The value of `key` as `units / 10^decimals`, as [`generate`](Self::generate)
    /// writes it; `None` off a grid.
    pub fn draw_decimal(&self, key: u64) -> Option<(i64, u32)> {
        match self.space {
            NumberSpace::Grid {
                mantissa, decimals, ..
            } => Some((self.draw_grid(key) * mantissa, decimals)),
            NumberSpace::Interval { .. } => None,
        }
    }

    /// The grid index `k` of a grid number.
    #[inline]
    fn draw_grid(&self, key: u64) -> i64 {
        let NumberSpace::Grid {
            mantissa,
            denominator,
            ..
        } = self.space
        else {
            return 0;
        };
        let k = self.draw_grid_index(key);
        if self.division.is_exact() || self.division.passes((k * mantissa) as f64 / denominator) {
            return k;
        }
        self.float_safe(k, key)
    }

    /// A grid index under the distribution, in exact arithmetic.
    #[inline]
    fn draw_grid_index(&self, key: u64) -> i64 {
        let NumberSpace::Grid {
            k_lo,
            k_hi,
            mantissa,
            denominator,
            ..
        } = self.space
        else {
            return 0;
        };
        let mut rng = rng_for(key);
        if let Some(sampler) = &self.sampler {
            for _ in 0..REDRAWS {
                let k = (sampler.sample(&mut rng) * denominator / mantissa as f64).round();
                if k >= k_lo as f64 && k <= k_hi as f64 {
                    return k as i64;
                }
            }
        }
        rng.random_range(k_lo..=k_hi)
    }

    /// A grid index that passes float division, for a drawn `k` that does not: the
    /// nearest passing point, looking up or down first by a bit of the key, else `k`
    /// itself (the compiler noted that none may pass). The nearest point, not a redraw:
    /// the share of passing points changes from one binade to the next (60 % to 80 % for
    /// 0.1 between 0 and 1000), so a redraw would tilt the distribution by that much,
    /// while a step moves each failing point's mass by a grid step or two.
    #[cold]
    fn float_safe(&self, k: i64, key: u64) -> i64 {
        let NumberSpace::Grid {
            k_lo,
            k_hi,
            mantissa,
            denominator,
            ..
        } = self.space
        else {
            return k;
        };
        let value = |k: i64| (k * mantissa) as f64 / denominator;
        self.division
            .nearest(k, (k_lo, k_hi), key >> 63 == 0, value)
            .unwrap_or(k)
    }

    pub(crate) fn draw(&self, key: u64) -> f64 {
        let mut rng = rng_for(key);
        match self.space {
            NumberSpace::Grid {
                mantissa,
                denominator,
                ..
            } => (self.draw_grid(key) * mantissa) as f64 / denominator,
            NumberSpace::Interval {
                lo,
                hi,
                lo_exclusive,
                hi_exclusive,
            } => {
                let inside = |v: f64| {
                    (v > lo || (!lo_exclusive && v == lo)) && (v < hi || (!hi_exclusive && v == hi))
                };
                if let Some(sampler) = &self.sampler {
                    for _ in 0..REDRAWS {
                        let v = sampler.sample(&mut rng);
                        if inside(v) {
                            return v;
                        }
                    }
                }
                for attempt in 0..REDRAWS {
                    let v = if lo == hi {
                        lo
                    } else if (hi - lo).is_finite() {
                        rng.random_range(lo..=hi)
                    } else {
                        // A span beyond f64::MAX (-1e308..1e308): weights of the two
                        // ends, which never overflow.
                        let u: f64 = rng.random();
                        lo * (1.0 - u) + hi * u
                    };
                    if inside(v) {
                        return v;
                    }
                    rng = rng_for(mix(key, u64::from(attempt) + 1));
                }
                // The interval is a single representable gap: its midpoint is inside.
                lo / 2.0 + hi / 2.0
            }
        }
    }

    pub fn describe(&self) -> String {
        self.label.clone()
    }
}

/// The law of the values a number generator writes, for the statistics to set beside
/// what they saw: [`NumberLaw::below`] gives the share of values under any point.
///
/// Exact for the draws themselves; it leaves out the rare redraws of a grid point
/// rounded outside the bounds and the nudges of [`FloatDivision`], both confined to a
/// grid step or two.
#[derive(Debug, Clone)]
pub struct NumberLaw {
    /// The generator's description (bounds and parameters), which also decides equality.
    label: String,
    kind: LawKind,
}

#[derive(Debug, Clone)]
enum LawKind {
    /// `k · step` for whole `k` in `[k_lo, k_hi]`, every `k` equally likely.
    UniformMultiples {
        k_lo: i64,
        k_hi: i64,
        step: f64,
    },
    /// `round(v / step) · step` for an integer draw `v`.
    RoundedInts {
        sampler: IntSampler,
        step: i64,
    },
    /// `round(x / step) · step` for a real draw `x` (a decimal grid).
    RoundedReals {
        sampler: FloatSampler,
        step: f64,
    },
    /// Any real in `[lo, hi]`, evenly.
    Uniform {
        lo: f64,
        hi: f64,
    },
    Reals(FloatSampler),
    /// A date drawn as a whole day, seen as the seconds of its midnight.
    Days(IntSampler),
}

impl PartialEq for NumberLaw {
    fn eq(&self, other: &NumberLaw) -> bool {
        self.label == other.label
    }
}

impl NumberLaw {
    /// The law of a date, date-time or time generator, in the seconds statistics read
    /// its values in (a date's midnight, a date-time's Unix seconds, a time's seconds
    /// since midnight); `days`: the sampler draws days.
    pub fn of_temporal(label: String, sampler: IntSampler, days: bool) -> NumberLaw {
        let kind = if days {
            LawKind::Days(sampler)
        } else {
            LawKind::RoundedInts { sampler, step: 1 }
        };
        NumberLaw { label, kind }
    }

    /// The law of a length drawn in `[min, max]`, by `sampler` or evenly.
    pub fn of_length(
        label: String,
        min: usize,
        max: usize,
        sampler: Option<&IntSampler>,
    ) -> NumberLaw {
        let kind = match sampler {
            Some(sampler) => LawKind::RoundedInts {
                sampler: sampler.clone(),
                step: 1,
            },
            None => LawKind::UniformMultiples {
                k_lo: min as i64,
                k_hi: max as i64,
                step: 1.0,
            },
        };
        NumberLaw { label, kind }
    }

    /// P(X < x): the share of the values written below `x`.
    pub fn below(&self, x: f64) -> f64 {
        // The last multiple k of `step` with k · step < x (x on the grid excluded,
        // allowing for x / step landing an ulp off a whole number).
        let last_multiple_below = |step: f64| (x / step - 1e-9).ceil() - 1.0;
        let share = match &self.kind {
            LawKind::UniformMultiples { k_lo, k_hi, step } => {
                let k = last_multiple_below(*step);
                (k - *k_lo as f64 + 1.0) / ((*k_hi - *k_lo) as f64 + 1.0)
            }
            LawKind::RoundedInts { sampler, step } => {
                // round(v / step) <= k  <=>  v < (k + ½) · step
                let k = last_multiple_below(*step as f64);
                let limit = ((k + 0.5) * *step as f64).ceil() - 1.0;
                sampler.cdf(limit.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
            }
            LawKind::RoundedReals { sampler, step } => {
                let k = last_multiple_below(*step);
                sampler.cdf((k + 0.5) * step)
            }
            LawKind::Uniform { lo, hi } if hi > lo => (x - lo) / (hi - lo),
            LawKind::Uniform { lo, .. } => f64::from(u8::from(x > *lo)),
            LawKind::Reals(sampler) => sampler.cdf(x),
            LawKind::Days(sampler) => {
                let last_day_below = (x / 86_400.0 - 1e-9).ceil() - 1.0;
                sampler.cdf(last_day_below.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
            }
        };
        share.clamp(0.0, 1.0)
    }
}

impl IntegerGen {
    /// The law of the values; `None` for a sequence (no randomness to compare).
    pub fn law(&self) -> Option<NumberLaw> {
        if self.sequence.is_some() {
            return None;
        }
        let kind = match &self.sampler {
            Some(sampler) => LawKind::RoundedInts {
                sampler: sampler.clone(),
                step: self.step,
            },
            None => LawKind::UniformMultiples {
                k_lo: self.lo / self.step,
                k_hi: self.hi / self.step,
                step: self.step as f64,
            },
        };
        Some(NumberLaw {
            label: self.label.clone(),
            kind,
        })
    }
}

impl NumberGen {
    /// The law of the values.
    pub fn law(&self) -> NumberLaw {
        let kind = match (&self.space, &self.sampler) {
            (
                NumberSpace::Grid {
                    mantissa,
                    denominator,
                    ..
                },
                Some(sampler),
            ) => LawKind::RoundedReals {
                sampler: sampler.clone(),
                step: *mantissa as f64 / denominator,
            },
            (
                NumberSpace::Grid {
                    k_lo,
                    k_hi,
                    mantissa,
                    denominator,
                    ..
                },
                None,
            ) => LawKind::UniformMultiples {
                k_lo: *k_lo,
                k_hi: *k_hi,
                step: *mantissa as f64 / denominator,
            },
            (NumberSpace::Interval { .. }, Some(sampler)) => LawKind::Reals(sampler.clone()),
            (NumberSpace::Interval { lo, hi, .. }, None) => LawKind::Uniform { lo: *lo, hi: *hi },
        };
        NumberLaw {
            label: self.label.clone(),
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_wraps_inside_bounds() {
        let g = IntegerGen {
            lo: 1,
            hi: 10,
            step: 1,
            division: FloatDivision::default(),
            sampler: None,
            sequence: None,
            label: String::new(),
        };
        let seq = Sequence { start: 1, step: 1 };
        assert_eq!(g.sequence_value(seq, 0), 1);
        assert_eq!(g.sequence_value(seq, 9), 10);
        assert_eq!(g.sequence_value(seq, 10), 1);
    }

    /// The 64-bit shortcut agrees with the 128-bit arithmetic, including for off-grid
    /// starts, negative steps and rows whose value overflows.
    #[test]
    fn sequence_shortcut_matches_the_wrap() {
        for (lo, hi, step) in [
            (1, 10, 1),
            (-20, 40, 3),
            (0, i64::MAX - 1, 2),
            (5, 5, 1),
            (i64::MIN, i64::MAX, 1),
        ] {
            let g = IntegerGen {
                lo,
                hi,
                step,
                division: FloatDivision::default(),
                sampler: None,
                sequence: None,
                label: String::new(),
            };
            for (start, seq_step) in [(1, 1), (-20, 3), (2, 2), (7, -4), (0, i64::MAX / 3)] {
                let seq = Sequence {
                    start,
                    step: seq_step,
                };
                for row in (0..50).chain([u64::MAX / 2, u64::MAX]) {
                    let got = g.sequence_value(seq, row);
                    assert_eq!(
                        got,
                        g.sequence_wrapped(seq, row),
                        "{lo}..{hi}/{step} {seq:?} row {row}"
                    );
                    assert!((lo..=hi).contains(&got) && got.abs_diff(lo) % step as u64 == 0);
                }
            }
        }
    }

    #[test]
    fn whole_quotients_agree_with_fract() {
        for q in [
            0.0,
            -0.0,
            3.0,
            -7.0,
            2.9999999999999996,
            0.5,
            -1e-300,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            1e300,
            f64::INFINITY,
            f64::NAN,
        ] {
            assert_eq!(is_whole(q), q.fract() == 0.0, "{q}");
        }
        let division = FloatDivision::new([0.05, 2.0]);
        assert!(division.passes(0.1) && division.passes(2.0));
        assert!(!division.passes(0.15), "0.15 / 0.05 = 2.9999999999999996");
    }

    #[test]
    fn grid_numbers_print_cleanly() {
        let g = NumberGen {
            space: NumberSpace::Grid {
                k_lo: 1,
                k_hi: 500_000,
                mantissa: 1,
                decimals: 2,
                denominator: 100.0,
            },
            division: FloatDivision::default(),
            money: false,
            stepped: false,
            sampler: None,
            label: String::new(),
        };
        for key in 0..10_000 {
            let v = g.draw(key);
            let text = ryu::Buffer::new().format(v).to_owned();
            let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
            assert!(decimals <= 2, "{text}");
        }
    }
}
