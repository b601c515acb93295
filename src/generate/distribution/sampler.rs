//! Binding a [`DistributionSpec`] to a closed range, and the samplers that result:
//! [`IntSampler`] and [`FloatSampler`] over prepared shapes (truncated laws, zipf ranks,
//! histograms), which never leave the range and never loop unboundedly.

use rand::RngExt;
use rand_distr::{Beta, Distribution, Exp, Gamma, LogNormal, Normal, Poisson, Triangular, Zipf};

use super::spec::DistributionSpec;
use super::special;
use crate::rng::SynthRng;

/// Below this share of its mass inside the bounds a distribution is refused: the data would
/// be a sliver of what was asked for, which is almost certainly a mistake in the knob.
const MIN_MASS_INSIDE: f64 = 1e-3;
/// With at least this share of the mass inside, redrawing (at most 4 draws on average)
/// beats inverting the CDF; below it, laws with a closed-form quantile invert directly.
const REJECT_ABOVE_MASS: f64 = 0.25;
/// Rejected draws tolerated when a draw is likely to land inside (0.75^64 ≈ 1e-8).
const REJECTIONS_WHEN_LIKELY: u32 = 64;
/// Rejected draws tolerated before a slow numeric CDF inversion (gamma, poisson).
const REJECTIONS_BEFORE_SEARCH: u32 = 1000;

impl DistributionSpec {
    /// Ties the distribution to the integer range `[lo, hi]` (both included).
    pub fn bind_int(&self, lo: i64, hi: i64) -> Result<IntSampler, String> {
        if lo > hi {
            return Err(format!(
                "empty range [{lo}, {hi}]: the minimum is above the maximum"
            ));
        }
        let bounds = Range {
            lo: lo as f64,
            hi: hi as f64,
        };
        // A single value is that value whatever the distribution.
        let shape = match self {
            _ if lo == hi => IntShape::Uniform,
            Self::Uniform => IntShape::Uniform,
            // Exact integer ranks: the range may exceed 2^53.
            Self::Zipf { s } => IntShape::Zipf(ZipfRanks::new(
                *s,
                (i128::from(hi) - i128::from(lo) + 1) as f64,
            )?),
            Self::Benford | Self::Histogram(_) => {
                let frame = Range {
                    lo: bounds.lo,
                    hi: bounds.hi + 1.0,
                };
                IntShape::Floor(self.bind_shape(bounds, frame)?)
            }
            _ => {
                let frame = Range {
                    lo: bounds.lo - 0.5,
                    hi: bounds.hi + 0.5,
                };
                IntShape::Nearest(self.bind_shape(bounds, frame)?)
            }
        };
        Ok(IntSampler { lo, hi, shape })
    }

    /// Ties the distribution to the real range `[lo, hi]` (both included).
    pub fn bind_float(&self, lo: f64, hi: f64) -> Result<FloatSampler, String> {
        if !(lo.is_finite() && hi.is_finite()) {
            return Err(format!(
                "the bounds must be finite numbers; found [{lo}, {hi}]"
            ));
        }
        if lo > hi {
            return Err(format!(
                "empty range [{lo}, {hi}]: the minimum is above the maximum"
            ));
        }
        let bounds = Range { lo, hi };
        let shape = if lo == hi {
            Shape::Uniform { lo, hi }
        } else {
            self.bind_shape(bounds, bounds)?
        };
        Ok(FloatSampler { lo, hi, shape })
    }

    /// Prepares the continuous shape. `bounds` is the user's range (defaults, origins and
    /// messages); `frame` is the interval the draws must fall in, wider than `bounds` for
    /// integers (see the module notes).
    fn bind_shape(&self, bounds: Range, frame: Range) -> Result<Shape, String> {
        let middle = bounds.lo / 2.0 + bounds.hi / 2.0;
        // Laws with unbounded support, placed at `origin` and conditioned on `frame`.
        let truncated = |law: Law, origin: f64, frame: Range, label: &str| {
            Truncated::new(law, origin, frame, bounds, label).map(Shape::Truncated)
        };
        Ok(match self {
            Self::Uniform => Shape::Uniform {
                lo: frame.lo,
                hi: frame.hi,
            },
            Self::Normal { mean, stddev } => {
                let mean = mean.unwrap_or(middle);
                let stddev = stddev.unwrap_or(bounds.hi / 6.0 - bounds.lo / 6.0);
                let law = Law::Normal {
                    dist: Normal::new(mean, stddev).map_err(|e| e.to_string())?,
                    mean,
                    stddev,
                };
                let label = Self::Normal {
                    mean: Some(mean),
                    stddev: Some(stddev),
                }
                .describe();
                truncated(law, 0.0, frame, &label)?
            }
            Self::LogNormal { mu, sigma } => {
                let law = Law::LogNormal {
                    dist: LogNormal::new(*mu, *sigma).map_err(|e| e.to_string())?,
                    mu: *mu,
                    sigma: *sigma,
                };
                truncated(law, bounds.lo, frame, &self.describe())?
            }
            Self::Exponential { rate } => {
                let law = Law::Exponential {
                    dist: Exp::new(*rate).map_err(|e| e.to_string())?,
                    rate: *rate,
                };
                truncated(law, bounds.lo, frame, &self.describe())?
            }
            Self::Gamma { shape, scale } => {
                let law = Law::Gamma {
                    dist: Gamma::new(*shape, *scale).map_err(|e| e.to_string())?,
                    shape: *shape,
                    scale: *scale,
                };
                truncated(law, bounds.lo, frame, &self.describe())?
            }
            Self::Poisson { lambda } => {
                let (first, last) = (frame.lo.ceil(), frame.hi.floor());
                if first > last {
                    return Err(format!(
                        "poisson draws whole numbers but [{}, {}] contains none; widen the bounds",
                        bounds.lo, bounds.hi
                    ));
                }
                let law = Law::Poisson {
                    dist: Poisson::new(*lambda).map_err(|e| e.to_string())?,
                    lambda: *lambda,
                };
                // A count k takes [k − ½, k + ½), so the step CDF reads exact masses.
                let counts = Range {
                    lo: first - 0.5,
                    hi: last + 0.5,
                };
                truncated(law, 0.0, counts, &self.describe())?
            }
            Self::Triangular { mode } => {
                let mode = mode.unwrap_or(middle);
                if !(bounds.lo <= mode && mode <= bounds.hi) {
                    return Err(format!(
                        "triangular mode {} lies outside [{}, {}]; choose a mode within the bounds",
                        mode, bounds.lo, bounds.hi
                    ));
                }
                let peak = (mode / 2.0 - frame.lo / 2.0) / (frame.hi / 2.0 - frame.lo / 2.0);
                let peak = peak.clamp(0.0, 1.0);
                Shape::Triangular {
                    unit: Triangular::new(0.0, 1.0, peak).map_err(|e| e.to_string())?,
                    peak,
                    lo: frame.lo,
                    hi: frame.hi,
                }
            }
            Self::Beta { alpha, beta } => Shape::Beta {
                unit: Beta::new(*alpha, *beta).map_err(|e| e.to_string())?,
                shape: (*alpha, *beta),
                lo: frame.lo,
                hi: frame.hi,
            },
            Self::Zipf { s } => {
                // Integer ranks from lo; beyond 2^53 consecutive ranks are not representable.
                let n = ((frame.hi - frame.lo).floor() + 1.0).min(2f64.powi(53));
                Shape::Zipf {
                    ranks: ZipfRanks::new(*s, n)?,
                    lo: frame.lo,
                }
            }
            Self::Benford => {
                if bounds.lo <= 0.0 && bounds.hi < 1.0 {
                    return Err(format!(
                        "benford is log-uniform over positive values (from 1 when the minimum is 0 or less), but [{}, {}] has none of 1 or more; use bounds such as [1, 1000000]",
                        bounds.lo, bounds.hi
                    ));
                }
                let lo = if bounds.lo > 0.0 { frame.lo } else { 1.0 };
                Shape::LogUniform {
                    ln_lo: lo.ln(),
                    ln_hi: frame.hi.ln(),
                }
            }
            Self::Histogram(bins) => {
                Shape::Histogram(Histogram::new(bins, frame, bounds, &self.describe())?)
            }
        })
    }
}

/// A closed interval of reals.
#[derive(Debug, Clone, Copy)]
struct Range {
    lo: f64,
    hi: f64,
}

/// Draws integers in a closed range.
#[derive(Debug, Clone)]
pub struct IntSampler {
    lo: i64,
    hi: i64,
    shape: IntShape,
}

#[derive(Debug, Clone)]
enum IntShape {
    /// Exact: `random_range` over the integers.
    Uniform,
    /// The nearest integer to a continuous draw over [lo − ½, hi + ½].
    Nearest(Shape),
    /// The floor of a continuous draw over [lo, hi + 1).
    Floor(Shape),
    /// lo + rank − 1.
    Zipf(ZipfRanks),
}

impl IntSampler {
    /// The closed range it draws from.
    pub fn bounds(&self) -> (i64, i64) {
        (self.lo, self.hi)
    }

    pub fn sample(&self, rng: &mut SynthRng) -> i64 {
        let value = match &self.shape {
            IntShape::Uniform => return rng.random_range(self.lo..=self.hi),
            IntShape::Nearest(shape) => (shape.sample(rng) + 0.5).floor() as i64,
            IntShape::Floor(shape) => shape.sample(rng).floor() as i64,
            IntShape::Zipf(ranks) => {
                let value = i128::from(self.lo) + ranks.rank(rng) as i128 - 1;
                value.min(i128::from(self.hi)) as i64
            }
        };
        // Guards float rounding at the frame's edges (a draw of exactly hi + ½, a rank
        // count rounded above 2^53); never a real out-of-range draw, which is redrawn.
        value.clamp(self.lo, self.hi)
    }

    /// P(X ≤ k): the share of the values drawn that are at most `k`.
    pub fn cdf(&self, k: i64) -> f64 {
        if k < self.lo {
            return 0.0;
        }
        if k >= self.hi {
            return 1.0;
        }
        let below = (i128::from(k) - i128::from(self.lo) + 1) as f64;
        match &self.shape {
            IntShape::Uniform => below / ((i128::from(self.hi) - i128::from(self.lo) + 1) as f64),
            // k takes the draws in [k − ½, k + ½).
            IntShape::Nearest(shape) => shape.cdf(k as f64 + 0.5),
            // k takes the draws in [k, k + 1).
            IntShape::Floor(shape) => shape.cdf(k as f64 + 1.0),
            IntShape::Zipf(ranks) => ranks.cdf(below),
        }
    }
}

/// Draws reals in a closed range.
#[derive(Debug, Clone)]
pub struct FloatSampler {
    lo: f64,
    hi: f64,
    pub(super) shape: Shape,
}

impl FloatSampler {
    pub fn sample(&self, rng: &mut SynthRng) -> f64 {
        // The clamp guards float rounding only (lo + (hi − lo) may exceed hi by an ulp).
        self.shape.sample(rng).clamp(self.lo, self.hi)
    }

    /// P(X ≤ x): the share of the values drawn that are at most `x`.
    pub fn cdf(&self, x: f64) -> f64 {
        if x < self.lo {
            0.0
        } else if x >= self.hi {
            1.0
        } else {
            self.shape.cdf(x)
        }
    }
}

/// A continuous (or, for poisson and zipf, integer-valued) law prepared for sampling.
#[derive(Debug, Clone)]
pub(super) enum Shape {
    Uniform {
        lo: f64,
        hi: f64,
    },
    /// The unit triangle stretched over [lo, hi].
    Triangular {
        unit: Triangular<f64>,
        /// The unit triangle's mode (for the CDF).
        peak: f64,
        lo: f64,
        hi: f64,
    },
    /// Beta on [0, 1] stretched over [lo, hi].
    Beta {
        unit: Beta<f64>,
        /// (alpha, beta), for the CDF.
        shape: (f64, f64),
        lo: f64,
        hi: f64,
    },
    LogUniform {
        ln_lo: f64,
        ln_hi: f64,
    },
    Histogram(Histogram),
    Truncated(Truncated),
    Zipf {
        ranks: ZipfRanks,
        lo: f64,
    },
}

impl Shape {
    #[inline]
    fn sample(&self, rng: &mut SynthRng) -> f64 {
        match self {
            Shape::Uniform { lo, hi } => lerp(*lo, *hi, rng.random()),
            Shape::Triangular { unit, lo, hi, .. } => lerp(*lo, *hi, unit.sample(rng)),
            Shape::Beta { unit, lo, hi, .. } => lerp(*lo, *hi, unit.sample(rng)),
            Shape::LogUniform { ln_lo, ln_hi } => {
                (ln_lo + rng.random::<f64>() * (ln_hi - ln_lo)).exp()
            }
            Shape::Histogram(histogram) => histogram.sample(rng),
            Shape::Truncated(truncated) => truncated.sample(rng),
            Shape::Zipf { ranks, lo } => lo + (ranks.rank(rng) - 1.0),
        }
    }
}

impl Shape {
    /// P(draw ≤ x), the draw conditioned on the frame as sampling does.
    fn cdf(&self, x: f64) -> f64 {
        let unit = |lo: f64, hi: f64| {
            if hi > lo {
                ((x / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0)).clamp(0.0, 1.0)
            } else {
                f64::from(u8::from(x >= lo))
            }
        };
        match self {
            Shape::Uniform { lo, hi } => unit(*lo, *hi),
            Shape::Triangular { peak, lo, hi, .. } => {
                let (t, c) = (unit(*lo, *hi), *peak);
                if t <= c && c > 0.0 {
                    t * t / c
                } else if c < 1.0 {
                    1.0 - (1.0 - t) * (1.0 - t) / (1.0 - c)
                } else {
                    t * t
                }
            }
            Shape::Beta {
                shape: (a, b),
                lo,
                hi,
                ..
            } => special::beta_inc(*a, *b, unit(*lo, *hi)),
            Shape::LogUniform { ln_lo, ln_hi } if x > 0.0 => {
                ((x.ln() - ln_lo) / (ln_hi - ln_lo)).clamp(0.0, 1.0)
            }
            Shape::LogUniform { .. } => 0.0,
            Shape::Histogram(histogram) => histogram.cdf(x),
            Shape::Truncated(truncated) => truncated.cdf(x),
            Shape::Zipf { ranks, lo } => ranks.cdf((x - lo).floor() + 1.0),
        }
    }
}

/// lo + t·(hi − lo) for t in [0, 1], without overflow when hi − lo exceeds f64::MAX.
#[inline]
fn lerp(lo: f64, hi: f64, t: f64) -> f64 {
    let width = hi - lo;
    if width.is_finite() {
        lo + t * width
    } else {
        2.0 * (lo / 2.0 + t * (hi / 2.0 - lo / 2.0))
    }
}

/// The families with unbounded support, which need truncation to the frame.
#[derive(Debug, Clone)]
enum Law {
    Normal {
        dist: Normal<f64>,
        mean: f64,
        stddev: f64,
    },
    LogNormal {
        dist: LogNormal<f64>,
        mu: f64,
        sigma: f64,
    },
    Exponential {
        dist: Exp<f64>,
        rate: f64,
    },
    Gamma {
        dist: Gamma<f64>,
        shape: f64,
        scale: f64,
    },
    /// Integer-valued: its CDF is a step function, which the same machinery handles.
    Poisson {
        dist: Poisson<f64>,
        lambda: f64,
    },
}

impl Law {
    #[inline]
    fn draw(&self, rng: &mut SynthRng) -> f64 {
        match self {
            Law::Normal { dist, .. } => dist.sample(rng),
            Law::LogNormal { dist, .. } => dist.sample(rng),
            Law::Exponential { dist, .. } => dist.sample(rng),
            Law::Gamma { dist, .. } => dist.sample(rng),
            Law::Poisson { dist, .. } => dist.sample(rng),
        }
    }

    /// (P(X ≤ x), P(X > x)), each computed directly so that tails keep their precision.
    fn cdf_sf(&self, x: f64) -> (f64, f64) {
        match self {
            Law::Normal { mean, stddev, .. } => special::normal_cdf_sf((x - mean) / stddev),
            // The count 0 has mass, so only negative x lie below the support.
            Law::Poisson { .. } if x < 0.0 => (0.0, 1.0),
            Law::Poisson { lambda, .. } => {
                // P(X ≤ k) = Q(k + 1, λ)
                let (p, q) = special::gamma_pq(x.floor() + 1.0, *lambda);
                (q, p)
            }
            // The continuous laws below live on x > 0.
            _ if x <= 0.0 => (0.0, 1.0),
            Law::LogNormal { mu, sigma, .. } => special::normal_cdf_sf((x.ln() - mu) / sigma),
            Law::Exponential { rate, .. } => (-(-rate * x).exp_m1(), (-rate * x).exp()),
            Law::Gamma { shape, scale, .. } => special::gamma_pq(*shape, x / scale),
        }
    }

    /// The x with P(X ≤ x) = p, or with P(X > x) = p when `upper`; None where there is no
    /// closed form and the caller must search.
    fn quantile(&self, p: f64, upper: bool) -> Option<f64> {
        let z = || {
            let z = special::normal_quantile(p);
            if upper { -z } else { z }
        };
        match self {
            Law::Normal { mean, stddev, .. } => Some(mean + stddev * z()),
            Law::LogNormal { mu, sigma, .. } => Some((mu + sigma * z()).exp()),
            Law::Exponential { rate, .. } => Some(if upper {
                -p.ln() / rate
            } else {
                -(-p).ln_1p() / rate
            }),
            Law::Gamma { .. } | Law::Poisson { .. } => None,
        }
    }

    /// Whether [`Law::quantile`] has a closed form, making inversion as cheap as a draw.
    fn has_closed_form_quantile(&self) -> bool {
        !matches!(self, Law::Gamma { .. } | Law::Poisson { .. })
    }

    fn is_integer_valued(&self) -> bool {
        matches!(self, Law::Poisson { .. })
    }
}

/// A law conditioned on draws in [a, b], placed at `origin` (value = origin + draw).
///
/// Sampling redraws up to `rejection_tries` times, then inverts the CDF restricted to
/// [a, b]: exact either way, so the cut-off only changes speed. With little mass inside,
/// laws with a closed-form quantile skip rejection altogether.
#[derive(Debug, Clone)]
pub(super) struct Truncated {
    law: Law,
    origin: f64,
    a: f64,
    b: f64,
    pub(super) rejection_tries: u32,
    /// Inversion works in the upper tail (P(X > x)) when [a, b] lies above the median,
    /// where P(X ≤ x) would round to 1.
    upper: bool,
    p_a: f64,
    p_b: f64,
}

impl Truncated {
    fn new(
        law: Law,
        origin: f64,
        frame: Range,
        bounds: Range,
        label: &str,
    ) -> Result<Self, String> {
        let (a, b) = (frame.lo - origin, frame.hi - origin);
        let (cdf_a, sf_a) = law.cdf_sf(a);
        let (cdf_b, sf_b) = law.cdf_sf(b);
        let upper = cdf_a > 0.5;
        let (p_a, p_b) = if upper { (sf_a, sf_b) } else { (cdf_a, cdf_b) };
        let mass = (p_b - p_a).abs();
        check_mass_inside(
            label,
            mass,
            bounds,
            "move its parameters toward the bounds or widen the bounds",
        )?;
        let rejection_tries = if mass >= REJECT_ABOVE_MASS {
            REJECTIONS_WHEN_LIKELY
        } else if law.has_closed_form_quantile() {
            0
        } else {
            REJECTIONS_BEFORE_SEARCH
        };
        Ok(Truncated {
            law,
            origin,
            a,
            b,
            rejection_tries,
            upper,
            p_a,
            p_b,
        })
    }

    #[inline]
    fn sample(&self, rng: &mut SynthRng) -> f64 {
        for _ in 0..self.rejection_tries {
            let x = self.law.draw(rng);
            if self.a <= x && x <= self.b {
                return self.origin + x;
            }
        }
        self.origin + self.invert(rng.random())
    }

    /// P(origin + draw ≤ x) for the draw conditioned on [a, b].
    fn cdf(&self, x: f64) -> f64 {
        let x = x - self.origin;
        if x < self.a {
            return 0.0;
        }
        if x >= self.b {
            return 1.0;
        }
        let (cdf, sf) = self.law.cdf_sf(x);
        let share = if self.upper {
            (self.p_a - sf) / (self.p_a - self.p_b)
        } else {
            (cdf - self.p_a) / (self.p_b - self.p_a)
        };
        share.clamp(0.0, 1.0)
    }

    /// The draw at share t ∈ [0, 1) of the mass inside [a, b].
    fn invert(&self, t: f64) -> f64 {
        let p = self.p_a + t * (self.p_b - self.p_a);
        let x = match self.law.quantile(p, self.upper) {
            Some(x) => x,
            None => self.search(p),
        };
        if self.law.is_integer_valued() {
            x.round().clamp(self.a + 0.5, self.b - 0.5)
        } else {
            x.clamp(self.a, self.b)
        }
    }

    /// Bisection for the x in [a, b] where the CDF (or survival function) crosses p.
    /// For a step CDF this converges onto the integer where it jumps past p.
    fn search(&self, p: f64) -> f64 {
        let (mut below, mut above) = (self.a, self.b);
        for _ in 0..200 {
            let mid = below / 2.0 + above / 2.0;
            if mid <= below || mid >= above {
                break;
            }
            let (cdf, sf) = self.law.cdf_sf(mid);
            let left_of_target = if self.upper { sf > p } else { cdf < p };
            if left_of_target {
                below = mid;
            } else {
                above = mid;
            }
        }
        above
    }
}

/// Zipf ranks 1..=n: by table lookup for up to [`ZIPF_TABLE_RANKS`] ranks (a binary
/// search over the cumulative weights, no `pow` per draw), else O(1) per draw by
/// rand_distr's rejection-inversion.
#[derive(Debug, Clone)]
pub(super) struct ZipfRanks {
    method: ZipfMethod,
}

/// Most zipf fields are short ranked lists (quantities, ratings, categories); longer ones
/// (foreign keys over a million parents) keep their first ranks, most of the mass, in
/// such a table too.
const ZIPF_TABLE_RANKS: f64 = 4096.0;

#[derive(Debug, Clone)]
enum ZipfMethod {
    /// Every rank from the table; its last share is 1.
    Table(Cumulative),
    /// The first [`ZIPF_TABLE_RANKS`] ranks from a table (ending at their share of the
    /// mass), the rest by rejection-inversion.
    HeadAndTail { head: Cumulative, tail: ZipfTail },
}

/// `shares[k]`: the probability of a rank ≤ k + 1, searched through a guide table
/// (Chen & Asau, 1974): `guide[i]` is the first rank whose share passes `i / len`, so a
/// draw starts its scan there and takes a step or two instead of a binary search.
#[derive(Debug, Clone)]
pub(super) struct Cumulative {
    shares: Box<[f64]>,
    guide: Box<[u32]>,
}

impl Cumulative {
    pub(super) fn new(shares: Box<[f64]>) -> Cumulative {
        let len = shares.len() as f64;
        let guide = (0..shares.len())
            .map(|i| {
                let at = i as f64 / len;
                shares.partition_point(|&c| c <= at) as u32
            })
            .collect();
        Cumulative { shares, guide }
    }

    fn last(&self) -> f64 {
        self.shares.last().copied().unwrap_or(0.0)
    }

    /// The first index whose share exceeds `u` (`u` below the last share): what
    /// `partition_point(|c| c <= u)` gives.
    #[inline]
    pub(super) fn find(&self, u: f64) -> usize {
        let bucket = ((u * self.guide.len() as f64) as usize).min(self.guide.len() - 1);
        let mut k = self.guide[bucket] as usize;
        while k + 1 < self.shares.len() && self.shares[k] <= u {
            k += 1;
        }
        k
    }
}

impl ZipfRanks {
    fn new(s: f64, n: f64) -> Result<Self, String> {
        // rand_distr's checks of the parameters, with its messages.
        Zipf::new(n, s).map_err(|e| format!("zipf(s={s}) over {n} ranks: {e}"))?;
        let head_ranks = n.min(ZIPF_TABLE_RANKS) as u32;
        let weights: Vec<f64> = (1..=head_ranks).map(|k| f64::from(k).powf(-s)).collect();
        let head_mass: f64 = weights.iter().sum();
        let tail = (n > ZIPF_TABLE_RANKS).then(|| ZipfTail::new(s, ZIPF_TABLE_RANKS + 1.0, n));
        let total = head_mass + tail.as_ref().map_or(0.0, ZipfTail::mass);
        let mut running = 0.0;
        let mut cumulative: Box<[f64]> = weights
            .iter()
            .map(|w| {
                running += w;
                running / total
            })
            .collect();
        let method = match tail {
            None => {
                if let Some(last) = cumulative.last_mut() {
                    *last = 1.0;
                }
                ZipfMethod::Table(Cumulative::new(cumulative))
            }
            Some(tail) => ZipfMethod::HeadAndTail {
                head: Cumulative::new(cumulative),
                tail,
            },
        };
        Ok(ZipfRanks { method })
    }

    /// P(rank ≤ r).
    fn cdf(&self, r: f64) -> f64 {
        let r = r.floor();
        if r < 1.0 {
            return 0.0;
        }
        match &self.method {
            ZipfMethod::Table(cumulative) => {
                let last = cumulative.shares.len() as f64;
                cumulative.shares[(r.min(last) - 1.0) as usize]
            }
            ZipfMethod::HeadAndTail { head, tail } => {
                if r <= ZIPF_TABLE_RANKS {
                    return head.shares[r as usize - 1];
                }
                let part = ZipfTail::new(tail.s, tail.lo, r.min(tail.n)).mass() / tail.mass();
                (head.last() + (1.0 - head.last()) * part).min(1.0)
            }
        }
    }

    #[inline]
    fn rank(&self, rng: &mut SynthRng) -> f64 {
        let u: f64 = rng.random();
        match &self.method {
            ZipfMethod::Table(cumulative) => (cumulative.find(u) + 1) as f64,
            ZipfMethod::HeadAndTail { head, tail } => {
                if u < head.last() {
                    (head.find(u) + 1) as f64
                } else {
                    tail.sample(rng)
                }
            }
        }
    }
}

/// Ranks `lo..=n` with weights `k^−s`, by rejection-inversion (Hörmann & Derflinger,
/// "Rejection-inversion to generate variates from monotone discrete distributions",
/// 1996): a draw `x` under the integral `H` of `x^−s` is rounded to `k` and kept when it
/// falls in the last `h(k)` of `k`'s interval, so `k` is kept with probability ∝ `k^−s`
/// exactly (`x^−s` is convex, so that part always fits).
#[derive(Debug, Clone)]
struct ZipfTail {
    s: f64,
    lo: f64,
    n: f64,
    /// `H(lo + ½) − h(lo)` and `H(n + ½)`: the range of the draws.
    from: f64,
    to: f64,
    /// A draw within this distance below its rank is kept without computing `H` and
    /// `h`: the distance at which rank `lo + 1` stops keeping draws, the smallest of any
    /// rank above `lo` (rank `lo` keeps every draw).
    squeeze: f64,
}

impl ZipfTail {
    fn new(s: f64, lo: f64, n: f64) -> ZipfTail {
        let mut tail = ZipfTail {
            s,
            lo,
            n,
            from: 0.0,
            to: 0.0,
            squeeze: 0.0,
        };
        tail.from = tail.integral(lo + 0.5) - tail.h(lo);
        tail.to = tail.integral(n + 0.5);
        tail.squeeze = lo + 1.0 - tail.inverse(tail.integral(lo + 1.5) - tail.h(lo + 1.0));
        tail
    }

    fn h(&self, x: f64) -> f64 {
        (-self.s * x.ln()).exp()
    }

    /// `H(x) = (x^(1−s) − 1) / (1 − s)`, written to stay exact as s → 1 (`ln x`).
    fn integral(&self, x: f64) -> f64 {
        let log = x.ln();
        expm1_over((1.0 - self.s) * log) * log
    }

    /// The inverse of [`ZipfTail::integral`].
    fn inverse(&self, y: f64) -> f64 {
        // Rounding can take the product just below −1, where the logarithm ends.
        let t = (y * (1.0 - self.s)).max(-1.0);
        (ln1p_over(t) * y).exp()
    }

    /// `Σ_{k=lo..n} k^−s` by Euler–Maclaurin: the integral, half the end points and the
    /// first derivative term; the next term is below 10^−15 of the sum for lo > 4096.
    fn mass(&self) -> f64 {
        let (a, b, s) = (self.lo, self.n, self.s);
        self.integral(b) - self.integral(a)
            + (self.h(a) + self.h(b)) / 2.0
            + s / 12.0 * (self.h(a) / a - self.h(b) / b)
    }

    fn sample(&self, rng: &mut SynthRng) -> f64 {
        for _ in 0..REJECTIONS_WHEN_LIKELY {
            let r: f64 = rng.random();
            let y = self.to + r * (self.from - self.to);
            let x = self.inverse(y);
            let k = (x + 0.5).floor().clamp(self.lo, self.n);
            if k - x <= self.squeeze || y >= self.integral(k + 0.5) - self.h(k) {
                return k;
            }
        }
        // Each try is kept with probability above ½: never reached in practice.
        self.lo
    }
}

/// `(e^y − 1) / y`, 1 at 0.
fn expm1_over(y: f64) -> f64 {
    if y.abs() > 1e-8 {
        y.exp_m1() / y
    } else {
        1.0 + y / 2.0 * (1.0 + y / 3.0)
    }
}

/// `ln(1 + y) / y`, 1 at 0.
fn ln1p_over(y: f64) -> f64 {
    if y.abs() > 1e-8 {
        y.ln_1p() / y
    } else {
        1.0 - y * (0.5 - y / 3.0)
    }
}

/// Histogram bins clipped to the frame, weights scaled by the share of each bin kept.
#[derive(Debug, Clone)]
pub(super) struct Histogram {
    bins: Vec<Range>,
    /// Running totals of the clipped weights; the last is the total.
    cumulative: Vec<f64>,
}

impl Histogram {
    fn new(
        spec: &[(f64, f64, f64)],
        frame: Range,
        bounds: Range,
        label: &str,
    ) -> Result<Self, String> {
        let mut bins = Vec::new();
        let mut cumulative = Vec::new();
        let mut kept = 0.0;
        for &(low, high, weight) in spec {
            let clipped = Range {
                lo: low.max(frame.lo),
                hi: high.min(frame.hi),
            };
            if clipped.lo < clipped.hi && weight > 0.0 {
                let share = (clipped.hi / 2.0 - clipped.lo / 2.0) / (high / 2.0 - low / 2.0);
                kept += weight * share;
                bins.push(clipped);
                cumulative.push(kept);
            }
        }
        let total: f64 = spec.iter().map(|&(_, _, weight)| weight).sum();
        if bins.is_empty() {
            let low = spec.iter().map(|b| b.0).fold(f64::INFINITY, f64::min);
            let high = spec.iter().map(|b| b.1).fold(f64::NEG_INFINITY, f64::max);
            return Err(format!(
                "no weighted histogram bin overlaps the bounds [{}, {}] (the bins span [{low}, {high}]); move the bins into the bounds",
                bounds.lo, bounds.hi
            ));
        }
        let mass = kept / total;
        check_mass_inside(label, mass, bounds, "move the bins into the bounds")?;
        Ok(Histogram { bins, cumulative })
    }

    /// P(draw ≤ x): each bin's weight times the share of the bin at most `x`.
    fn cdf(&self, x: f64) -> f64 {
        let total = self.cumulative[self.cumulative.len() - 1];
        let mut below = 0.0;
        let mut previous = 0.0;
        for (bin, &running) in self.bins.iter().zip(&self.cumulative) {
            let weight = running - previous;
            previous = running;
            let share = ((x / 2.0 - bin.lo / 2.0) / (bin.hi / 2.0 - bin.lo / 2.0)).clamp(0.0, 1.0);
            below += weight * share;
        }
        (below / total).clamp(0.0, 1.0)
    }

    #[inline]
    fn sample(&self, rng: &mut SynthRng) -> f64 {
        let total = self.cumulative[self.cumulative.len() - 1];
        let target = rng.random::<f64>() * total;
        let index = self
            .cumulative
            .partition_point(|&c| c <= target)
            .min(self.bins.len() - 1);
        let bin = self.bins[index];
        lerp(bin.lo, bin.hi, rng.random())
    }
}

/// Refuses a distribution with too little of its mass inside the bounds (NaN included).
fn check_mass_inside(label: &str, mass: f64, bounds: Range, fix: &str) -> Result<(), String> {
    if mass >= MIN_MASS_INSIDE {
        return Ok(());
    }
    Err(format!(
        "{label} puts {} of its mass inside [{}, {}], and at least {} must fall inside; {fix}",
        percent(mass),
        bounds.lo,
        bounds.hi,
        percent(MIN_MASS_INSIDE)
    ))
}

/// A share as a percentage with two significant digits ("0.0031%"), for messages.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p >= 1.0 {
        format!("{p:.1}%")
    } else if p >= 1e-9 {
        let decimals = (1 - p.log10().floor() as i32).max(0) as usize;
        format!("{p:.decimals$}%")
    } else {
        "0%".into()
    }
}
