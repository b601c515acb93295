//! `integer` and `number`: bounds, `multipleOf` and the `distribution` knob.

use super::compile::Compiler;
use super::facts::{At, Facts};
use crate::error::{Problem, Severity};
use crate::generate::Node;
use crate::generate::number::{FloatDivision, IntegerGen, NumberGen, NumberSpace};

/// The span of values used on a side the schema leaves open.
const DEFAULT_SPAN: f64 = 1000.0;
/// The span of a key or sequence with no maximum.
const KEY_SPAN: f64 = 1e12;
/// Integers are generated exactly only inside ±2^53 (where doubles are exact too).
const EXACT: f64 = 9_007_199_254_740_992.0;
/// Grid points scanned at compile time for one that passes float division; a larger
/// grid is assumed to hold one (the longest run of failing points seen for short
/// decimals is about 1,300).
const DIVISION_SCAN: u64 = 1 << 16;

impl Compiler {
    pub(super) fn build_integer(&mut self, f: &Facts) -> Result<Node, Problem> {
        let (lo, mut hi) = open_sides(f);
        // Keys and sequences need room for every row, not the readable default span.
        if f.maximum.is_none() && (f.knobs.sequence.is_some() || Self::wants_unique(f)) {
            hi = (lo + KEY_SPAN).min(EXACT);
        }
        let mut lo = lo.ceil();
        let mut hi = hi.floor();
        if let Some(b) = &f.minimum
            && b.exclusive
            && lo == b.value
        {
            lo += 1.0;
        }
        if let Some(b) = &f.maximum
            && b.exclusive
            && hi == b.value
        {
            hi -= 1.0;
        }
        if lo.abs() > EXACT || hi.abs() > EXACT {
            return Err(
                Problem::new(f.pointer(), "integer bounds beyond ±2^53 are not supported")
                    .hint("use bounds within ±9007199254740992"),
            );
        }
        let step = integer_step(&f.multiple_of)?;
        let k_lo = (lo / step as f64).ceil() as i64;
        let k_hi = (hi / step as f64).floor() as i64;
        if k_lo > k_hi {
            return Err(empty_range(
                f,
                "integer",
                &format!("{lo}"),
                &format!("{hi}"),
                step as f64,
            ));
        }
        let (lo, hi) = (k_lo * step, k_hi * step);
        let division = self.float_division(f, (k_lo, k_hi), |k| (k * step) as f64);
        let sampler = match &f.knobs.distribution {
            Some((spec, at)) if !spec.is_uniform() => Some(
                spec.bind_int(lo, hi)
                    .map_err(|e| Problem::invalid(at.clone(), e))?,
            ),
            _ => None,
        };
        let sequence = f.knobs.sequence.as_ref().map(|(s, _)| *s);
        let label = match (&sequence, &f.knobs.distribution) {
            (Some(s), _) => format!("sequence from {} step {}", s.start, s.step),
            (None, Some((spec, _))) => format!("{} [{lo}, {hi}]", spec.describe()),
            (None, None) => format!("uniform [{lo}, {hi}]"),
        };
        Ok(Node::Integer(IntegerGen {
            lo,
            hi,
            step,
            division,
            sampler,
            sequence,
            label,
        }))
    }

    /// The float-division test for the `multipleOf`s of a grid `[k_lo, k_hi]` (`value`
    /// maps an index to its value), with a warning when no scanned point passes it: the
    /// values are then exact multiples that only exact validators accept.
    fn float_division(
        &mut self,
        f: &Facts,
        range: (i64, i64),
        value: impl Fn(i64) -> f64,
    ) -> FloatDivision {
        let division = FloatDivision::new(f.multiple_of.iter().map(|m| m.value));
        if division.any_passes(range, DIVISION_SCAN, value) == Some(false) {
            let m = &f.multiple_of[0];
            self.note(
                Severity::Note,
                m.pointer.clone(),
                format!(
                    "no multiple of {} in range passes float division (x / m is not a whole \
                     number in IEEE doubles), as Python jsonschema and ajv test multipleOf: \
                     values are exact multiples, which only exact validators accept",
                    m.value
                ),
            );
            return FloatDivision::default();
        }
        division
    }

    pub(super) fn build_number(&mut self, f: &Facts) -> Result<Node, Problem> {
        let (lo, hi) = open_sides(f);
        let lo_exclusive = f
            .minimum
            .as_ref()
            .is_some_and(|b| b.exclusive && b.value == lo);
        let hi_exclusive = f
            .maximum
            .as_ref()
            .is_some_and(|b| b.exclusive && b.value == hi);
        if lo > hi || (lo == hi && (lo_exclusive || hi_exclusive)) {
            return Err(empty_range(
                f,
                "number",
                &format!("{lo}"),
                &format!("{hi}"),
                0.0,
            ));
        }
        let spec = f.knobs.distribution.as_ref();
        let sampler = match spec {
            Some((spec, at)) if !spec.is_uniform() => Some(
                spec.bind_float(lo, hi)
                    .map_err(|e| Problem::invalid(at.clone(), e))?,
            ),
            _ => None,
        };
        let grid = if f.multiple_of.is_empty() {
            // Readable by default: cents, where the range is wide enough to hold some.
            (hi - lo >= 1.0).then_some((1, 2))
        } else {
            decimal_grid(&f.multiple_of)?
        };
        let space =
            match grid.and_then(|(m, d)| grid_space(lo, hi, lo_exclusive, hi_exclusive, m, d)) {
                Some(space) => space,
                None if !f.multiple_of.is_empty() => {
                    let m = f.multiple_of[0].value;
                    return Err(empty_range(
                        f,
                        "number",
                        &format!("{lo}"),
                        &format!("{hi}"),
                        m,
                    ));
                }
                None => NumberSpace::Interval {
                    lo,
                    hi,
                    lo_exclusive,
                    hi_exclusive,
                },
            };
        let label = match spec {
            Some((spec, _)) => format!("{} [{lo}, {hi}]", spec.describe()),
            None => format!("uniform [{lo}, {hi}]"),
        };
        let division = match space {
            NumberSpace::Grid {
                k_lo,
                k_hi,
                mantissa,
                denominator,
                ..
            } if !f.multiple_of.is_empty() => {
                self.float_division(f, (k_lo, k_hi), |k| (k * mantissa) as f64 / denominator)
            }
            _ => FloatDivision::default(),
        };
        Ok(Node::Number(NumberGen {
            space,
            division,
            money: false,
            stepped: !f.multiple_of.is_empty(),
            sampler,
            label,
        }))
    }
}

/// The integer step implied by `multipleOf`s: an integer `n` is a multiple of `M/10^d`
/// exactly when it is a multiple of `M / gcd(M, 10^d)`.
fn integer_step(multiples: &[At<f64>]) -> Result<i64, Problem> {
    let mut step: i64 = 1;
    for m in multiples {
        step = decimal(m.value)
            .and_then(|(mantissa, scale)| {
                let p = 10i64.pow(scale);
                lcm(step, mantissa / gcd(mantissa, p))
            })
            .filter(|&s| s as f64 <= EXACT)
            .ok_or_else(|| inexact_multiple(m, "integer"))?;
    }
    Ok(step)
}

/// The common decimal grid of the `multipleOf`s, as (mantissa, decimals); `None` when
/// their common multiple leaves 64-bit units (the caller finds no grid point then).
fn decimal_grid(multiples: &[At<f64>]) -> Result<Option<(i64, u32)>, Problem> {
    let mut grid: Option<(i64, u32)> = None;
    for m in multiples {
        let (mantissa, scale) = decimal(m.value).ok_or_else(|| inexact_multiple(m, "number"))?;
        grid = match grid {
            None => Some((mantissa, scale)),
            Some((gm, gs)) => {
                let scale_to = gs.max(scale);
                let common = || {
                    let a = gm.checked_mul(10i64.checked_pow(scale_to - gs)?)?;
                    let b = mantissa.checked_mul(10i64.checked_pow(scale_to - scale)?)?;
                    Some((lcm(a, b)?, scale_to))
                };
                match common() {
                    Some(grid) => Some(grid),
                    None => return Ok(None),
                }
            }
        };
    }
    Ok(grid)
}

/// The refusal of a `multipleOf` whose multiples cannot be written exactly: not a
/// decimal of at most 15 decimals and 18 digits, or (for integers) a step beyond 2^53.
fn inexact_multiple(m: &At<f64>, what: &str) -> Problem {
    Problem::new(
        m.pointer.clone(),
        format!(
            "multipleOf {:?} has no {what} multiples that can be written exactly (besides 0): \
             it is not a decimal of at most 15 decimals whose multiples stay within ±2^53 units",
            m.value
        ),
    )
    .hint("use a short decimal step such as 0.01, 0.5 or 100, or drop multipleOf")
}

/// Bounds with defaults for the open sides.
fn open_sides(f: &Facts) -> (f64, f64) {
    let lo = f.minimum.as_ref().map(|b| b.value);
    let hi = f.maximum.as_ref().map(|b| b.value);
    match (lo, hi) {
        (Some(lo), Some(hi)) => (lo, hi),
        // Within the doubles: a span beyond f64::MAX would make the open side infinite.
        (Some(lo), None) => (lo, (lo + DEFAULT_SPAN.max(lo.abs())).min(f64::MAX)),
        (None, Some(hi)) => ((hi - DEFAULT_SPAN.max(hi.abs())).max(f64::MIN), hi),
        (None, None) => (0.0, DEFAULT_SPAN),
    }
}

fn empty_range(f: &Facts, what: &str, lo: &str, hi: &str, step: f64) -> Problem {
    let pointer = f
        .maximum
        .as_ref()
        .or(f.minimum.as_ref())
        .map(|b| b.pointer.clone())
        .unwrap_or_else(|| f.pointer());
    let (min_text, max_text) = (
        f.minimum.as_ref().map_or("no minimum".to_owned(), |b| {
            format!(
                "{} {}",
                if b.exclusive {
                    "exclusiveMinimum"
                } else {
                    "minimum"
                },
                b.value
            )
        }),
        f.maximum.as_ref().map_or("no maximum".to_owned(), |b| {
            format!(
                "{} {}",
                if b.exclusive {
                    "exclusiveMaximum"
                } else {
                    "maximum"
                },
                b.value
            )
        }),
    );
    if step > 0.0 && step != 1.0 {
        let message = format!(
            "no {what} that is a multiple of {step} lies between {lo} and {hi} ({min_text}, {max_text})"
        );
        Problem::new(pointer, message).hint("widen the range or change multipleOf")
    } else {
        let message = format!("no {what} lies between {lo} and {hi} ({min_text}, {max_text})");
        Problem::new(pointer, message).hint("make the minimum smaller than the maximum")
    }
}

/// The grid `k * mantissa / 10^decimals` restricted to the interval, if exact in doubles.
fn grid_space(
    lo: f64,
    hi: f64,
    lo_exclusive: bool,
    hi_exclusive: bool,
    mantissa: i64,
    decimals: u32,
) -> Option<NumberSpace> {
    let denominator = 10f64.powi(decimals as i32);
    let value = |k: i64| (k as f64 * mantissa as f64) / denominator;
    let mut k_lo = (lo * denominator / mantissa as f64).ceil();
    let mut k_hi = (hi * denominator / mantissa as f64).floor();
    if !(k_lo.abs() * mantissa as f64 <= EXACT && k_hi.abs() * mantissa as f64 <= EXACT) {
        return None;
    }
    let inside_lo = |v: f64| v > lo || (!lo_exclusive && v == lo);
    let inside_hi = |v: f64| v < hi || (!hi_exclusive && v == hi);
    while !inside_lo(value(k_lo as i64)) {
        k_lo += 1.0;
    }
    while inside_lo(value(k_lo as i64 - 1)) {
        k_lo -= 1.0;
    }
    while !inside_hi(value(k_hi as i64)) {
        k_hi -= 1.0;
    }
    while inside_hi(value(k_hi as i64 + 1)) {
        k_hi += 1.0;
    }
    (k_lo <= k_hi).then_some(NumberSpace::Grid {
        k_lo: k_lo as i64,
        k_hi: k_hi as i64,
        mantissa,
        decimals,
        denominator,
    })
}

/// A double as `mantissa / 10^scale` from its shortest decimal form (`0.05` → (5, 2)).
pub fn decimal(v: f64) -> Option<(i64, u32)> {
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    let text = ryu::Buffer::new().format_finite(v).to_owned();
    let (digits, exponent) = match text.split_once(['e', 'E']) {
        Some((d, e)) => (d.to_owned(), e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    let frac = frac.trim_end_matches('0');
    let mantissa: i64 = format!("{int}{frac}").parse().ok()?;
    let scale = frac.len() as i32 - exponent;
    if scale >= 0 {
        (scale <= 15).then_some((mantissa, scale as u32))
    } else {
        Some((
            mantissa.checked_mul(10i64.checked_pow((-scale) as u32)?)?,
            0,
        ))
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

fn lcm(a: i64, b: i64) -> Option<i64> {
    (a / gcd(a, b)).checked_mul(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal(0.01), Some((1, 2)));
        assert_eq!(decimal(0.05), Some((5, 2)));
        assert_eq!(decimal(2.5), Some((25, 1)));
        assert_eq!(decimal(3.0), Some((3, 0)));
        assert_eq!(decimal(1e-5), Some((1, 5)));
        assert_eq!(decimal(1e3), Some((1000, 0)));
    }
}
