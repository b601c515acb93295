//! `integer` and `number`: bounds, `multipleOf` and the `distribution` knob.

use super::compile::Compiler;
use super::facts::{At, Facts};
use crate::error::{Problem, Severity};
use crate::generate::Node;
use crate::generate::number::{IntegerGen, NumberGen, NumberSpace};

/// The span of values used on a side the schema leaves open.
const DEFAULT_SPAN: f64 = 1000.0;
/// The span of a key or sequence with no maximum.
const KEY_SPAN: f64 = 1e12;
/// Integers are generated exactly only inside ±2^53 (where doubles are exact too).
const EXACT: f64 = 9_007_199_254_740_992.0;

impl Compiler {
    pub(super) fn build_integer(&mut self, f: &Facts, check: &mut bool) -> Result<Node, Problem> {
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
        let step = self.integer_step(&f.multiple_of, check);
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
            sampler,
            sequence,
            label,
        }))
    }

    /// The integer step implied by `multipleOf`s: an integer `n` is a multiple of `M/10^d`
    /// exactly when it is a multiple of `M / gcd(M, 10^d)`.
    fn integer_step(&mut self, multiples: &[At<f64>], check: &mut bool) -> i64 {
        let mut step: i64 = 1;
        for m in multiples {
            match decimal(m.value) {
                Some((mantissa, scale)) => {
                    let p = 10i64.pow(scale);
                    step = lcm(step, mantissa / gcd(mantissa, p)).unwrap_or_else(|| {
                        *check = true;
                        step
                    });
                }
                None => *check = true,
            }
        }
        step
    }

    pub(super) fn build_number(&mut self, f: &Facts, check: &mut bool) -> Result<Node, Problem> {
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
            self.decimal_grid(&f.multiple_of, check)
        };
        let space =
            match grid.and_then(|(m, d)| grid_space(lo, hi, lo_exclusive, hi_exclusive, m, d)) {
                Some(space) => space,
                None if !f.multiple_of.is_empty() && !*check => {
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
        Ok(Node::Number(NumberGen {
            space,
            sampler,
            label,
        }))
    }

    /// The common decimal grid of the `multipleOf`s, as (mantissa, decimals).
    fn decimal_grid(&mut self, multiples: &[At<f64>], check: &mut bool) -> Option<(i64, u32)> {
        let mut grid: Option<(i64, u32)> = None;
        for m in multiples {
            let Some((mantissa, scale)) = decimal(m.value) else {
                self.note(
                    Severity::Note,
                    m.pointer.clone(),
                    "multipleOf is not a short decimal: values are checked one by one",
                );
                *check = true;
                return None;
            };
            grid = match grid {
                None => Some((mantissa, scale)),
                Some((gm, gs)) => {
                    let scale_to = gs.max(scale);
                    let a = gm.checked_mul(10i64.checked_pow(scale_to - gs)?)?;
                    let b = mantissa.checked_mul(10i64.checked_pow(scale_to - scale)?)?;
                    Some((lcm(a, b)?, scale_to))
                }
            };
        }
        grid
    }
}

/// Bounds with defaults for the open sides.
fn open_sides(f: &Facts) -> (f64, f64) {
    let lo = f.minimum.as_ref().map(|b| b.value);
    let hi = f.maximum.as_ref().map(|b| b.value);
    match (lo, hi) {
        (Some(lo), Some(hi)) => (lo, hi),
        (Some(lo), None) => (lo, lo + DEFAULT_SPAN.max(lo.abs())),
        (None, Some(hi)) => (hi - DEFAULT_SPAN.max(hi.abs()), hi),
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
