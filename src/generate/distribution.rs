//! Distributions for numbers, timestamps and lengths: the `distribution` and `length` knobs.
//!
//! A knob is parsed once into a [`DistributionSpec`] (no bounds yet), then tied to the
//! schema's closed range with [`DistributionSpec::bind_int`] or
//! [`DistributionSpec::bind_float`], which prepare a sampler that draws quickly.
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

use crate::rng::SynthRng;
use rand::RngExt;
use rand_distr::{Beta, Distribution, Exp, Gamma, LogNormal, Normal, Poisson, Triangular, Zipf};
use serde_json::{Map, Value};

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

const KNOWN_NAMES: &str = "uniform, normal, lognormal, exponential, triangular, beta, gamma, poisson, zipf, benford, histogram";

/// A parsed `distribution` (or `length`) knob, not yet tied to bounds.
#[derive(Debug, Clone, PartialEq)]
pub enum DistributionSpec {
    /// Every value of the range equally likely (the default).
    Uniform,
    /// Gaussian. Defaults: mean = middle of the bounds, stddev = range / 6.
    Normal {
        mean: Option<f64>,
        stddev: Option<f64>,
    },
    /// lo + e^N(mu, sigma).
    LogNormal { mu: f64, sigma: f64 },
    /// lo + Exp(rate); the mean is lo + 1/rate before truncation.
    Exponential { rate: f64 },
    /// A triangle over the bounds peaking at `mode` (default: the middle).
    Triangular { mode: Option<f64> },
    /// Beta(alpha, beta) stretched over the bounds.
    Beta { alpha: f64, beta: f64 },
    /// lo + Gamma(shape, scale).
    Gamma { shape: f64, scale: f64 },
    /// Counts 0, 1, 2, ... with mean `lambda` (not shifted by the minimum).
    Poisson { lambda: f64 },
    /// Rank r = 1, 2, ... has weight r^−s; rank 1 is the minimum. Any s > 0: the range is
    /// finite, so s <= 1 is well defined too.
    Zipf { s: f64 },
    /// Log-uniform over the bounds: Benford's first digits over whole decades.
    Benford,
    /// Bins (low, high, weight): a bin is picked by weight, then a value uniformly in
    /// [low, high). Bins are clipped to the bounds, their weight shrinking with them.
    Histogram(Vec<(f64, f64, f64)>),
}

/// Why a knob's JSON is not a distribution. The message says what is wrong and how to fix
/// it; [`KnobError::path`] says where inside the knob's value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KnobError {
    #[error(
        "expected a distribution: a name such as \"normal\" or an object with one key such as {{\"normal\": {{\"mean\": 40, \"stddev\": 9}}}}; found {found}"
    )]
    NotADistribution { found: String },
    #[error(
        "a distribution object has exactly one key, the distribution's name; found {count} keys ({keys}); keep one, e.g. {{\"normal\": {{\"mean\": 40, \"stddev\": 9}}}}"
    )]
    NotOneKey { count: usize, keys: String },
    #[error("unknown distribution \"{name}\"; known distributions: {known}", known = KNOWN_NAMES)]
    UnknownName { name: String },
    #[error("\"{name}\" needs parameters; write {example}")]
    NeedsParameters { name: String, example: &'static str },
    #[error("the parameters of \"{key}\" must be an object such as {example}; found {found}")]
    ParametersNotObject {
        key: String,
        example: &'static str,
        found: String,
    },
    #[error("\"{key}\" is missing its parameter \"{param}\"; write {example}")]
    MissingParameter {
        key: String,
        param: &'static str,
        example: &'static str,
    },
    #[error("\"{key}\" has no parameter \"{param}\"; {expected}")]
    UnknownParameter {
        key: String,
        param: String,
        expected: String,
    },
    #[error("\"{key}\" parameter \"{param}\" must be a number; found {found}")]
    NotANumber {
        key: String,
        param: &'static str,
        found: String,
    },
    #[error("\"{key}\" parameter \"{param}\" must be {rule}; found {value}")]
    OutOfRange {
        key: String,
        param: &'static str,
        rule: &'static str,
        value: f64,
    },
    #[error(
        "\"{key}\" must be a non-empty array of bins [low, high, weight], such as [[0, 10, 3], [10, 100, 1]]; found {found}"
    )]
    HistogramNotBins { key: String, found: String },
    #[error("histogram bin {index} must be [low, high, weight], three numbers; found {found}")]
    HistogramBadBin {
        key: String,
        index: usize,
        found: String,
    },
    #[error("histogram bin {index} is empty: its low {low} must be below its high {high}")]
    HistogramEmptyBin {
        key: String,
        index: usize,
        low: f64,
        high: f64,
    },
    #[error("histogram bin {index} has weight {weight}; weights must be 0 or more")]
    HistogramNegativeWeight {
        key: String,
        index: usize,
        weight: f64,
    },
    #[error("every histogram weight is 0; give at least one bin a positive weight")]
    HistogramNoWeight { key: String },
}

impl KnobError {
    /// The culprit's JSON Pointer relative to the knob's value: "" for the value itself,
    /// "/normal/stddev" for a parameter, "/histogram/2" for a bin.
    pub fn path(&self) -> String {
        use KnobError::*;
        match self {
            NotADistribution { .. } | NotOneKey { .. } | UnknownName { .. } => String::new(),
            NeedsParameters { .. } => String::new(),
            ParametersNotObject { key, .. }
            | MissingParameter { key, .. }
            | HistogramNotBins { key, .. }
            | HistogramNoWeight { key } => pointer(&[key]),
            UnknownParameter { key, param, .. } => pointer(&[key, param]),
            NotANumber { key, param, .. } | OutOfRange { key, param, .. } => pointer(&[key, param]),
            HistogramBadBin { key, index, .. } | HistogramEmptyBin { key, index, .. } => {
                pointer(&[key, &index.to_string()])
            }
            HistogramNegativeWeight { key, index, .. } => pointer(&[key, &index.to_string(), "2"]),
        }
    }
}

/// A JSON Pointer from reference tokens, escaping `~` and `/` (RFC 6901).
fn pointer(tokens: &[&str]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The distribution families, for name lookup and the vocabulary of each.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Family {
    Uniform,
    Normal,
    LogNormal,
    Exponential,
    Triangular,
    Beta,
    Gamma,
    Poisson,
    Zipf,
    Benford,
    Histogram,
}

impl Family {
    const ALL: [Family; 11] = [
        Family::Uniform,
        Family::Normal,
        Family::LogNormal,
        Family::Exponential,
        Family::Triangular,
        Family::Beta,
        Family::Gamma,
        Family::Poisson,
        Family::Zipf,
        Family::Benford,
        Family::Histogram,
    ];

    fn name(self) -> &'static str {
        match self {
            Family::Uniform => "uniform",
            Family::Normal => "normal",
            Family::LogNormal => "lognormal",
            Family::Exponential => "exponential",
            Family::Triangular => "triangular",
            Family::Beta => "beta",
            Family::Gamma => "gamma",
            Family::Poisson => "poisson",
            Family::Zipf => "zipf",
            Family::Benford => "benford",
            Family::Histogram => "histogram",
        }
    }

    /// Names are matched in any case ("Normal", "NORMAL"), as DataSynthTool allowed.
    fn from_name(name: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The parameter names an object may carry (histogram takes an array instead).
    fn params(self) -> &'static [&'static str] {
        match self {
            Family::Uniform | Family::Benford | Family::Histogram => &[],
            Family::Normal => &["mean", "stddev"],
            Family::LogNormal => &["mu", "sigma"],
            Family::Exponential => &["rate"],
            Family::Triangular => &["mode"],
            Family::Beta => &["alpha", "beta"],
            Family::Gamma => &["shape", "scale"],
            Family::Poisson => &["lambda"],
            Family::Zipf => &["s"],
        }
    }

    /// Whether the bare name (`"poisson"`) is not enough because a parameter has no default.
    fn needs_parameters(self) -> bool {
        !matches!(
            self,
            Family::Uniform | Family::Normal | Family::Triangular | Family::Benford
        )
    }

    fn example(self) -> &'static str {
        match self {
            Family::Uniform => r#""uniform""#,
            Family::Normal => r#"{"normal": {"mean": 40, "stddev": 9}}"#,
            Family::LogNormal => r#"{"lognormal": {"mu": 3, "sigma": 0.5}}"#,
            Family::Exponential => r#"{"exponential": {"rate": 0.1}}"#,
            Family::Triangular => r#"{"triangular": {"mode": 30}}"#,
            Family::Beta => r#"{"beta": {"alpha": 2, "beta": 5}}"#,
            Family::Gamma => r#"{"gamma": {"shape": 2, "scale": 10}}"#,
            Family::Poisson => r#"{"poisson": {"lambda": 2.5}}"#,
            Family::Zipf => r#"{"zipf": {"s": 1.2}}"#,
            Family::Benford => r#""benford""#,
            Family::Histogram => r#"{"histogram": [[0, 10, 3], [10, 100, 1]]}"#,
        }
    }
}

/// The parameter object of one distribution, read with precise errors.
struct Params<'a> {
    family: Family,
    key: &'a str,
    map: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    fn new(family: Family, key: &'a str, value: &'a Value) -> Result<Self, KnobError> {
        let map = value
            .as_object()
            .ok_or_else(|| KnobError::ParametersNotObject {
                key: key.to_string(),
                example: family.example(),
                found: value.to_string(),
            })?;
        let known = family.params();
        if let Some(unknown) = map.keys().find(|k| !known.contains(&k.as_str())) {
            let expected = if known.is_empty() {
                format!("it takes none: write {}", family.example())
            } else {
                format!("its parameters are: {}", known.join(", "))
            };
            return Err(KnobError::UnknownParameter {
                key: key.to_string(),
                param: unknown.clone(),
                expected,
            });
        }
        Ok(Params { family, key, map })
    }

    fn optional(&self, param: &'static str) -> Result<Option<f64>, KnobError> {
        match self.map.get(param) {
            None => Ok(None),
            Some(value) => match value.as_f64().filter(|x| x.is_finite()) {
                Some(x) => Ok(Some(x)),
                None => Err(KnobError::NotANumber {
                    key: self.key.to_string(),
                    param,
                    found: value.to_string(),
                }),
            },
        }
    }

    fn required(&self, param: &'static str) -> Result<f64, KnobError> {
        self.optional(param)?
            .ok_or_else(|| KnobError::MissingParameter {
                key: self.key.to_string(),
                param,
                example: self.family.example(),
            })
    }

    fn check(
        &self,
        param: &'static str,
        value: f64,
        ok: bool,
        rule: &'static str,
    ) -> Result<f64, KnobError> {
        if ok {
            Ok(value)
        } else {
            Err(KnobError::OutOfRange {
                key: self.key.to_string(),
                param,
                rule,
                value,
            })
        }
    }

    fn positive(&self, param: &'static str, value: f64) -> Result<f64, KnobError> {
        self.check(param, value, value > 0.0, "greater than 0")
    }

    fn required_positive(&self, param: &'static str) -> Result<f64, KnobError> {
        let value = self.required(param)?;
        self.positive(param, value)
    }
}

impl DistributionSpec {
    /// Parses the knob's JSON: a name (`"normal"`, any case) or an object with one key
    /// (`{"normal": {"mean": 40, "stddev": 9}}`, `{"histogram": [[0, 10, 3]]}`).
    pub fn parse(knob: &Value) -> Result<Self, KnobError> {
        match knob {
            Value::String(name) => Self::parse_name(name),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((key, params)), None) => Self::parse_entry(key, params),
                    _ => Err(KnobError::NotOneKey {
                        count: map.len(),
                        keys: map
                            .keys()
                            .map(|k| format!("\"{k}\""))
                            .collect::<Vec<_>>()
                            .join(", "),
                    }),
                }
            }
            other => Err(KnobError::NotADistribution {
                found: other.to_string(),
            }),
        }
    }

    /// A bare name means the distribution with every parameter defaulted.
    fn parse_name(name: &str) -> Result<Self, KnobError> {
        let family = Family::from_name(name).ok_or_else(|| KnobError::UnknownName {
            name: name.to_string(),
        })?;
        if family.needs_parameters() {
            return Err(KnobError::NeedsParameters {
                name: name.to_string(),
                example: family.example(),
            });
        }
        Self::parse_entry(name, &Value::Object(Map::new()))
    }

    fn parse_entry(key: &str, value: &Value) -> Result<Self, KnobError> {
        let family = Family::from_name(key).ok_or_else(|| KnobError::UnknownName {
            name: key.to_string(),
        })?;
        // Every family but histogram takes a parameter object.
        let params = || Params::new(family, key, value);
        Ok(match family {
            Family::Histogram => parse_histogram(key, value)?,
            Family::Uniform => {
                params()?;
                Self::Uniform
            }
            Family::Benford => {
                params()?;
                Self::Benford
            }
            Family::Normal => {
                let p = params()?;
                let stddev = p.optional("stddev")?;
                Self::Normal {
                    mean: p.optional("mean")?,
                    stddev: stddev.map(|v| p.positive("stddev", v)).transpose()?,
                }
            }
            Family::LogNormal => {
                let p = params()?;
                Self::LogNormal {
                    mu: p.required("mu")?,
                    sigma: p.required_positive("sigma")?,
                }
            }
            Family::Exponential => Self::Exponential {
                rate: params()?.required_positive("rate")?,
            },
            Family::Triangular => Self::Triangular {
                mode: params()?.optional("mode")?,
            },
            Family::Beta => {
                let p = params()?;
                Self::Beta {
                    alpha: p.required_positive("alpha")?,
                    beta: p.required_positive("beta")?,
                }
            }
            Family::Gamma => {
                let p = params()?;
                Self::Gamma {
                    shape: p.required_positive("shape")?,
                    scale: p.required_positive("scale")?,
                }
            }
            Family::Poisson => {
                let p = params()?;
                let lambda = p.required("lambda")?;
                let ok = lambda > 0.0 && lambda <= Poisson::<f64>::MAX_LAMBDA;
                Self::Poisson {
                    lambda: p.check("lambda", lambda, ok, "greater than 0 and at most 1.8e19")?,
                }
            }
            Family::Zipf => Self::Zipf {
                s: params()?.required_positive("s")?,
            },
        })
    }

    pub fn is_uniform(&self) -> bool {
        matches!(self, Self::Uniform)
    }

    /// A short label for the UI: "normal(41, 12)", "zipf(s=1.6)", "histogram(3 bins)".
    pub fn describe(&self) -> String {
        match self {
            Self::Uniform => "uniform".into(),
            Self::Normal {
                mean: None,
                stddev: None,
            } => "normal".into(),
            Self::Normal { mean, stddev } => format!(
                "normal({}, {})",
                mean.map_or("middle".into(), short),
                stddev.map_or("range/6".into(), short)
            ),
            Self::LogNormal { mu, sigma } => {
                format!("lognormal({}, {})", short(*mu), short(*sigma))
            }
            Self::Exponential { rate } => format!("exponential(rate={})", short(*rate)),
            Self::Triangular { mode: None } => "triangular".into(),
            Self::Triangular { mode: Some(mode) } => format!("triangular(mode={})", short(*mode)),
            Self::Beta { alpha, beta } => format!("beta({}, {})", short(*alpha), short(*beta)),
            Self::Gamma { shape, scale } => {
                format!("gamma(shape={}, scale={})", short(*shape), short(*scale))
            }
            Self::Poisson { lambda } => format!("poisson({})", short(*lambda)),
            Self::Zipf { s } => format!("zipf(s={})", short(*s)),
            Self::Benford => "benford".into(),
            Self::Histogram(bins) if bins.len() == 1 => "histogram(1 bin)".into(),
            Self::Histogram(bins) => format!("histogram({} bins)", bins.len()),
        }
    }

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
                Shape::Triangular {
                    unit: Triangular::new(0.0, 1.0, peak.clamp(0.0, 1.0))
                        .map_err(|e| e.to_string())?,
                    lo: frame.lo,
                    hi: frame.hi,
                }
            }
            Self::Beta { alpha, beta } => Shape::Beta {
                unit: Beta::new(*alpha, *beta).map_err(|e| e.to_string())?,
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

/// Parses `[[low, high, weight], ...]`.
fn parse_histogram(key: &str, value: &Value) -> Result<DistributionSpec, KnobError> {
    let rows = match value.as_array() {
        Some(rows) if !rows.is_empty() => rows,
        _ => {
            return Err(KnobError::HistogramNotBins {
                key: key.to_string(),
                found: value.to_string(),
            });
        }
    };
    let mut bins = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let numbers = match row.as_array().map(Vec::as_slice) {
            Some([low, high, weight]) => (low.as_f64(), high.as_f64(), weight.as_f64()),
            _ => (None, None, None),
        };
        let (Some(low), Some(high), Some(weight)) = numbers else {
            return Err(KnobError::HistogramBadBin {
                key: key.to_string(),
                index,
                found: row.to_string(),
            });
        };
        if low >= high {
            return Err(KnobError::HistogramEmptyBin {
                key: key.to_string(),
                index,
                low,
                high,
            });
        }
        if weight < 0.0 {
            return Err(KnobError::HistogramNegativeWeight {
                key: key.to_string(),
                index,
                weight,
            });
        }
        bins.push((low, high, weight));
    }
    if bins.iter().all(|&(_, _, weight)| weight == 0.0) {
        return Err(KnobError::HistogramNoWeight {
            key: key.to_string(),
        });
    }
    Ok(DistributionSpec::Histogram(bins))
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
}

/// Draws reals in a closed range.
#[derive(Debug, Clone)]
pub struct FloatSampler {
    lo: f64,
    hi: f64,
    shape: Shape,
}

impl FloatSampler {
    pub fn sample(&self, rng: &mut SynthRng) -> f64 {
        // The clamp guards float rounding only (lo + (hi − lo) may exceed hi by an ulp).
        self.shape.sample(rng).clamp(self.lo, self.hi)
    }
}

/// A continuous (or, for poisson and zipf, integer-valued) law prepared for sampling.
#[derive(Debug, Clone)]
enum Shape {
    Uniform {
        lo: f64,
        hi: f64,
    },
    /// The unit triangle stretched over [lo, hi].
    Triangular {
        unit: Triangular<f64>,
        lo: f64,
        hi: f64,
    },
    /// Beta on [0, 1] stretched over [lo, hi].
    Beta {
        unit: Beta<f64>,
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
            Shape::Triangular { unit, lo, hi } => lerp(*lo, *hi, unit.sample(rng)),
            Shape::Beta { unit, lo, hi } => lerp(*lo, *hi, unit.sample(rng)),
            Shape::LogUniform { ln_lo, ln_hi } => {
                (ln_lo + rng.random::<f64>() * (ln_hi - ln_lo)).exp()
            }
            Shape::Histogram(histogram) => histogram.sample(rng),
            Shape::Truncated(truncated) => truncated.sample(rng),
            Shape::Zipf { ranks, lo } => lo + (ranks.rank(rng) - 1.0),
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
struct Truncated {
    law: Law,
    origin: f64,
    a: f64,
    b: f64,
    rejection_tries: u32,
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

/// Zipf ranks 1..=n, O(1) per draw (rand_distr's rejection-inversion).
#[derive(Debug, Clone)]
struct ZipfRanks {
    dist: Zipf<f64>,
    n: f64,
}

impl ZipfRanks {
    fn new(s: f64, n: f64) -> Result<Self, String> {
        let dist = Zipf::new(n, s).map_err(|e| format!("zipf(s={s}) over {n} ranks: {e}"))?;
        Ok(ZipfRanks { dist, n })
    }

    #[inline]
    fn rank(&self, rng: &mut SynthRng) -> f64 {
        for _ in 0..REJECTIONS_WHEN_LIKELY {
            let rank = self.dist.sample(rng);
            // Rounding in the inversion can overshoot n by one.
            if rank <= self.n {
                return rank;
            }
        }
        1.0
    }
}

/// Histogram bins clipped to the frame, weights scaled by the share of each bin kept.
#[derive(Debug, Clone)]
struct Histogram {
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

/// A compact number for labels: 41, 12.5, 0.3333, 1.5e-7.
fn short(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else if (1e-3..1e15).contains(&x.abs()) {
        let text = format!("{x:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{x:.3e}")
    }
}

/// The special functions behind CDFs and quantiles (std has no erf or gamma yet).
mod special {
    use std::f64::consts::PI;

    const EPSILON: f64 = 1e-15;
    const TINY: f64 = 1e-300;
    /// Enough for any shape up to ~1e9; beyond that precision degrades gracefully.
    const MAX_ITERATIONS: usize = 100_000;

    /// ln Γ(x) for x > 0: shift x above 10 with Γ(x) = Γ(x + 1) / x, then Stirling's
    /// series (absolute error below 1e-15).
    pub(super) fn ln_gamma(x: f64) -> f64 {
        let mut x = x;
        let mut product = 1.0;
        while x < 10.0 {
            product *= x;
            x += 1.0;
        }
        let r = 1.0 / x;
        let r2 = r * r;
        let series = r
            * (1.0 / 12.0
                - r2 * (1.0 / 360.0
                    - r2 * (1.0 / 1260.0
                        - r2 * (1.0 / 1680.0 - r2 * (1.0 / 1188.0 - r2 * 691.0 / 360_360.0)))));
        (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + series - product.ln()
    }

    /// The regularised incomplete gamma functions (P(a, x), Q(a, x)) for a > 0: the
    /// smaller of the two is computed directly (series for P below x = a + 1, continued
    /// fraction for Q above), so both tails keep relative precision.
    pub(super) fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
        if x.is_nan() || x <= 0.0 {
            return (0.0, 1.0);
        }
        if x.is_infinite() {
            return (1.0, 0.0);
        }
        // ln(x^a e^−x / Γ(a))
        let ln_front = a * x.ln() - x - ln_gamma(a);
        if x < a + 1.0 {
            // P = x^a e^−x / Γ(a) · Σ_n x^n / (a (a+1) … (a+n))
            let mut term = 1.0 / a;
            let mut sum = term;
            let mut denominator = a;
            for _ in 0..MAX_ITERATIONS {
                denominator += 1.0;
                term *= x / denominator;
                sum += term;
                if term < sum * EPSILON {
                    break;
                }
            }
            let p = (ln_front.exp() * sum).min(1.0);
            (p, 1.0 - p)
        } else {
            // Q = x^a e^−x / Γ(a) · 1 / (x + 1 − a − 1(1 − a) / (x + 3 − a − 2(2 − a) / …)),
            // evaluated by the modified Lentz method.
            let mut b = x + 1.0 - a;
            let mut c = 1.0 / TINY;
            let mut d = 1.0 / b;
            let mut fraction = d;
            for i in 1..MAX_ITERATIONS {
                let i = i as f64;
                let an = -i * (i - a);
                b += 2.0;
                d = an * d + b;
                if d.abs() < TINY {
                    d = TINY;
                }
                c = b + an / c;
                if c.abs() < TINY {
                    c = TINY;
                }
                d = 1.0 / d;
                let delta = d * c;
                fraction *= delta;
                if (delta - 1.0).abs() < EPSILON {
                    break;
                }
            }
            let q = (ln_front.exp() * fraction).min(1.0);
            (1.0 - q, q)
        }
    }

    /// (Φ(z), 1 − Φ(z)) of the standard normal, via Φ(−|z|) = Q(½, z²/2) / 2.
    pub(super) fn normal_cdf_sf(z: f64) -> (f64, f64) {
        let tail = 0.5 * gamma_pq(0.5, 0.5 * z * z).1;
        if z < 0.0 {
            (tail, 1.0 - tail)
        } else {
            (1.0 - tail, tail)
        }
    }

    /// The z with Φ(z) = p: Acklam's rational approximation, relative error below
    /// 1.2e-9: invisible in sampled data, and far cheaper than refining it with Φ.
    pub(super) fn normal_quantile(p: f64) -> f64 {
        if p.is_nan() || p <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        if p > 0.5 {
            // Symmetry keeps the small tail probability as the argument.
            return -normal_quantile_lower(1.0 - p);
        }
        normal_quantile_lower(p)
    }

    fn normal_quantile_lower(p: f64) -> f64 {
        const A: [f64; 6] = [
            -3.969_683_028_665_376e1,
            2.209_460_984_245_205e2,
            -2.759_285_104_469_687e2,
            1.383_577_518_672_69e2,
            -3.066_479_806_614_716e1,
            2.506_628_277_459_239,
        ];
        const B: [f64; 5] = [
            -5.447_609_879_822_406e1,
            1.615_858_368_580_409e2,
            -1.556_989_798_598_866e2,
            6.680_131_188_771_972e1,
            -1.328_068_155_288_572e1,
        ];
        const C: [f64; 6] = [
            -7.784_894_002_430_293e-3,
            -3.223_964_580_411_365e-1,
            -2.400_758_277_161_838,
            -2.549_732_539_343_734,
            4.374_664_141_464_968,
            2.938_163_982_698_783,
        ];
        const D: [f64; 4] = [
            7.784_695_709_041_462e-3,
            3.224_671_290_700_398e-1,
            2.445_134_137_142_996,
            3.754_408_661_907_416,
        ];
        if p < 0.02425 {
            let q = (-2.0 * p.ln()).sqrt();
            (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
                / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
        } else {
            let q = p - 0.5;
            let r = q * q;
            (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
                / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
        }
    }
}

#[cfg(test)]
mod tests {
    //! Fidelity tests use fixed seeds and large samples, and compare against the exact
    //! law with stated tolerances: KS distance below 1.95/√n and chi-square below its
    //! 0.1% critical value (a correct sampler passes either for 999 seeds in 1000), means
    //! within 5 standard errors.
    use super::special::{gamma_pq, ln_gamma, normal_cdf_sf, normal_quantile};
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const N: usize = 200_000;

    fn spec(knob: Value) -> DistributionSpec {
        DistributionSpec::parse(&knob).expect("valid knob")
    }

    fn floats(sampler: &FloatSampler, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::rng::rng_for(seed);
        (0..n).map(|_| sampler.sample(&mut rng)).collect()
    }

    fn ints(sampler: &IntSampler, n: usize, seed: u64) -> Vec<i64> {
        let mut rng = crate::rng::rng_for(seed);
        (0..n).map(|_| sampler.sample(&mut rng)).collect()
    }

    fn mean_sd(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    /// Asserts the sample mean is within 5 standard errors of `mean`.
    fn assert_mean(xs: &[f64], mean: f64, sd: f64) {
        let (got, _) = mean_sd(xs);
        let tolerance = 5.0 * sd / (xs.len() as f64).sqrt();
        assert!(
            (got - mean).abs() < tolerance,
            "mean {got}, expected {mean} ± {tolerance}"
        );
    }

    /// Asserts the Kolmogorov–Smirnov distance to `cdf` is below the α = 0.001 limit.
    fn assert_ks(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) {
        xs.sort_by(f64::total_cmp);
        let n = xs.len() as f64;
        let distance = xs
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = cdf(x);
                (f - i as f64 / n).max((i + 1) as f64 / n - f)
            })
            .fold(0.0, f64::max);
        let limit = 1.95 / n.sqrt();
        assert!(distance < limit, "KS distance {distance} exceeds {limit}");
    }

    /// Asserts Pearson's chi-square of integer draws against `pmf` is below its α = 0.001
    /// critical value. Values whose expected count is under 5 share one pooled cell.
    fn assert_chi_square(
        draws: &[i64],
        support: std::ops::RangeInclusive<i64>,
        pmf: impl Fn(i64) -> f64,
    ) {
        let n = draws.len() as f64;
        let mut counts = std::collections::HashMap::new();
        for &d in draws {
            *counts.entry(d).or_insert(0u64) += 1;
        }
        let (mut statistic, mut cells) = (0.0, 0usize);
        let (mut pooled_observed, mut pooled_expected) = (0.0, 0.0);
        for k in support {
            let expected = n * pmf(k);
            let observed = *counts.get(&k).unwrap_or(&0) as f64;
            if expected >= 5.0 {
                statistic += (observed - expected).powi(2) / expected;
                cells += 1;
            } else {
                pooled_observed += observed;
                pooled_expected += expected;
            }
        }
        if pooled_expected > 0.0 {
            statistic += (pooled_observed - pooled_expected).powi(2) / pooled_expected;
            cells += 1;
        }
        let df = (cells - 1) as f64;
        // Wilson–Hilferty approximation of the chi-square quantile, z = 3.09 (α = 0.001).
        let h = 2.0 / (9.0 * df);
        let limit = df * (1.0 - h + 3.09 * h.sqrt()).powi(3);
        assert!(
            statistic < limit,
            "chi-square {statistic} exceeds {limit} (df {df})"
        );
    }

    fn phi(z: f64) -> f64 {
        normal_cdf_sf(z).0
    }

    /// The CDF of a law conditioned on [a, b].
    fn conditioned(cdf: impl Fn(f64) -> f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
        let (fa, fb) = (cdf(a), cdf(b));
        move |x| (cdf(x) - fa) / (fb - fa)
    }

    /// Forces sampling by CDF inversion, to test that path on its own.
    fn without_rejection(mut sampler: FloatSampler) -> FloatSampler {
        match &mut sampler.shape {
            Shape::Truncated(t) => t.rejection_tries = 0,
            other => panic!("not truncated: {other:?}"),
        }
        sampler
    }

    // ---- special functions, against reference values ----

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        let mut ln_factorial = 0.0;
        for n in 1..=170 {
            // ln Γ(n) = ln (n − 1)!
            assert!(
                (ln_gamma(n as f64) - ln_factorial).abs() < 1e-12 * ln_factorial.max(1.0),
                "n = {n}"
            );
            ln_factorial += (n as f64).ln();
        }
        assert!((ln_gamma(0.5) - 0.5 * std::f64::consts::PI.ln()).abs() < 1e-13);
        assert!((ln_gamma(1e-8) - 18.420_680_738_180_21).abs() < 1e-9);
    }

    #[test]
    fn incomplete_gamma_matches_closed_forms() {
        for x in [0.01, 0.5, 1.0, 3.0, 10.0, 50.0] {
            // P(1, x) = 1 − e^−x
            let (p, q) = gamma_pq(1.0, x);
            assert!(
                (q - (-x).exp()).abs() < 1e-14 * (-x).exp().max(1e-300) + 1e-300,
                "x = {x}: {q} vs {}",
                (-x).exp()
            );
            assert!((p + q - 1.0).abs() < 1e-15);
        }
        // P(½, x²) = erf(x), Q(½, x²) = erfc(x): reference values from tables.
        assert!((gamma_pq(0.5, 1.0).0 - 0.842_700_792_949_714_9).abs() < 1e-14);
        assert!((gamma_pq(0.5, 0.25).0 - 0.520_499_877_813_046_5).abs() < 1e-14);
        assert!((gamma_pq(0.5, 9.0).1 / 2.209_049_699_858_544e-5 - 1.0).abs() < 1e-12);
        assert!((gamma_pq(0.5, 36.0).1 / 2.151_973_671_249_891_3e-17 - 1.0).abs() < 1e-12);
        // Poisson: P(X ≤ 2 | λ = 2.5) = Q(3, 2.5) = e^−2.5 (1 + 2.5 + 2.5²/2)
        let exact = (-2.5f64).exp() * (1.0 + 2.5 + 3.125);
        assert!((gamma_pq(3.0, 2.5).1 - exact).abs() < 1e-14);
    }

    #[test]
    fn normal_cdf_and_quantile_match_references_and_invert_each_other() {
        assert!((phi(1.96) - 0.975_002_104_851_779_5).abs() < 1e-14);
        assert!((phi(-5.0) / 2.866_515_718_791_939e-7 - 1.0).abs() < 1e-12);
        assert!((normal_cdf_sf(8.0).1 / 6.220_960_574_271_785e-16 - 1.0).abs() < 1e-12);
        // Quantiles from Python's statistics.NormalDist (Wichura's AS241, ~1e-16).
        let references = [
            (1e-300, -37.0470962993612),
            (1e-100, -21.27345356096532),
            (1e-20, -9.262340089798405),
            (1e-10, -6.361340902404056),
            (1e-5, -4.2648907939228256),
            (0.001, -3.090232306167813),
            (0.02, -2.0537489106318225),
            (0.02425, -1.9729610513118845),
            (0.1, -1.2815515655446008),
            (0.3, -0.5244005127080407),
            (0.975, 1.959_963_984_540_054),
        ];
        for (p, z) in references {
            assert!((normal_quantile(p) / z - 1.0).abs() < 1.2e-9, "p = {p}");
        }
        // Round trips: a relative error ε in z moves Φ by about φ(z)·|z|·ε.
        for i in 1..1000 {
            let p = i as f64 / 1000.0;
            assert!((phi(normal_quantile(p)) - p).abs() < 1e-9, "p = {p}");
        }
    }

    // ---- fidelity, one law at a time ----

    #[test]
    fn uniform_floats_and_ints() {
        let sampler = spec(json!("uniform")).bind_float(-3.0, 7.0).unwrap();
        assert_ks(floats(&sampler, N, 1), |x| (x + 3.0) / 10.0);
        let dice = spec(json!({"uniform": {}})).bind_int(1, 6).unwrap();
        assert_chi_square(&ints(&dice, N, 2), 1..=6, |_| 1.0 / 6.0);
    }

    #[test]
    fn normal_with_wide_bounds_keeps_its_parameters() {
        let sampler = spec(json!({"normal": {"mean": 40, "stddev": 9}}))
            .bind_float(-1e3, 1e3)
            .unwrap();
        let xs = floats(&sampler, N, 3);
        assert_mean(&xs, 40.0, 9.0);
        let (_, sd) = mean_sd(&xs);
        assert!((sd / 9.0 - 1.0).abs() < 0.01, "stddev {sd}");
        assert_ks(xs, |x| phi((x - 40.0) / 9.0));
    }

    #[test]
    fn normal_truncated_by_rejection_is_the_conditioned_law() {
        // 69% of the mass is inside: rejection sampling.
        let sampler = spec(json!({"normal": {"mean": 0, "stddev": 1}}))
            .bind_float(-0.5, 10.0)
            .unwrap();
        assert_ks(floats(&sampler, N, 4), conditioned(phi, -0.5, 10.0));
        // Half-normal: mean √(2/π), stddev √(1 − 2/π).
        let half = spec(json!({"normal": {"mean": 0, "stddev": 1}}))
            .bind_float(0.0, 10.0)
            .unwrap();
        let sd = (1.0 - 2.0 / std::f64::consts::PI).sqrt();
        assert_mean(
            &floats(&half, N, 5),
            (2.0 / std::f64::consts::PI).sqrt(),
            sd,
        );
    }

    #[test]
    fn normal_tails_are_sampled_exactly_by_inversion() {
        let standard = spec(json!({"normal": {"mean": 0, "stddev": 1}}));
        // Lower tail, upper tail (inverted through the survival function), and a long one.
        for (a, b) in [(-4.0, -3.0), (3.0, 4.0), (2.5, 100.0), (-0.2, 0.2)] {
            let sampler = standard.bind_float(a, b).unwrap();
            match &sampler.shape {
                Shape::Truncated(t) => assert_eq!(t.rejection_tries, 0, "[{a}, {b}] should invert"),
                other => panic!("{other:?}"),
            }
            let xs = floats(&sampler, 50_000, 6);
            if a > 0.0 {
                // Survival functions keep their precision in the upper tail.
                let (sa, sb) = (normal_cdf_sf(a).1, normal_cdf_sf(b).1);
                assert_ks(xs, |x| (sa - normal_cdf_sf(x).1) / (sa - sb));
            } else {
                assert_ks(xs, conditioned(phi, a, b));
            }
        }
    }

    #[test]
    fn bare_normal_on_integers_is_centred_with_a_sixth_of_the_range() {
        let sampler = spec(json!("Normal")).bind_int(18, 99).unwrap();
        let (mean, sd) = (58.5, 13.5);
        let mass = phi((99.5 - mean) / sd) - phi((17.5 - mean) / sd);
        assert_chi_square(&ints(&sampler, N, 7), 18..=99, |k| {
            let k = k as f64;
            (phi((k + 0.5 - mean) / sd) - phi((k - 0.5 - mean) / sd)) / mass
        });
    }

    #[test]
    fn lognormal_starts_at_the_minimum() {
        let sampler = spec(json!({"lognormal": {"mu": 3, "sigma": 0.5}}))
            .bind_float(10.0, 1e6)
            .unwrap();
        let xs = floats(&sampler, N, 8);
        let logs: Vec<f64> = xs.iter().map(|x| (x - 10.0).ln()).collect();
        assert_mean(&logs, 3.0, 0.5);
        let (_, sd) = mean_sd(&logs);
        assert!((sd / 0.5 - 1.0).abs() < 0.01, "sigma {sd}");
        assert_ks(xs, |x| phi(((x - 10.0).ln() - 3.0) / 0.5));
        // Truncated to [10, 30]: e^3 ≈ 20 is the median, so about half is cut.
        let cut = spec(json!({"lognormal": {"mu": 3, "sigma": 0.5}}))
            .bind_float(10.0, 30.0)
            .unwrap();
        let cdf = |x: f64| {
            if x <= 10.0 {
                0.0
            } else {
                phi(((x - 10.0).ln() - 3.0) / 0.5)
            }
        };
        assert_ks(floats(&cut, N, 9), conditioned(cdf, 10.0, 30.0));
    }

    #[test]
    fn exponential_starts_at_the_minimum() {
        let knob = spec(json!({"exponential": {"rate": 0.1}}));
        let xs = floats(&knob.bind_float(0.0, 1e4).unwrap(), N, 10);
        assert_mean(&xs, 10.0, 10.0);
        assert_ks(xs, |x| 1.0 - (-0.1 * x).exp());
        // Truncated: origin 5, cut at 20.
        let cdf = |x: f64| 1.0 - (-0.1 * (x - 5.0)).exp();
        assert_ks(
            floats(&knob.bind_float(5.0, 20.0).unwrap(), N, 11),
            conditioned(cdf, 5.0, 20.0),
        );
        // Integers: k takes [k − ½, k + ½) of the draw lo + Exp.
        let counts = knob.bind_int(0, 30).unwrap();
        let f = |x: f64| {
            if x <= 0.0 {
                0.0
            } else {
                1.0 - (-0.1 * x).exp()
            }
        };
        assert_chi_square(&ints(&counts, N, 12), 0..=30, |k| {
            let k = k as f64;
            (f(k + 0.5) - f(k - 0.5)) / f(30.5)
        });
    }

    #[test]
    fn triangular_spans_the_bounds() {
        let sampler = spec(json!({"triangular": {"mode": 30}}))
            .bind_float(0.0, 100.0)
            .unwrap();
        let xs = floats(&sampler, N, 13);
        // mean (a + b + c)/3, variance (a² + b² + c² − ab − ac − bc)/18
        assert_mean(
            &xs,
            130.0 / 3.0,
            ((10000.0 + 900.0 - 3000.0) / 18.0f64).sqrt(),
        );
        assert_ks(xs, |x| {
            if x <= 30.0 {
                x * x / (100.0 * 30.0)
            } else {
                1.0 - (100.0 - x).powi(2) / (100.0 * 70.0)
            }
        });
        // Bare triangular peaks in the middle.
        let bare = spec(json!("triangular")).bind_float(-1.0, 1.0).unwrap();
        assert_mean(&floats(&bare, N, 14), 0.0, (1.0f64 / 6.0).sqrt());
    }

    #[test]
    fn beta_spans_the_bounds() {
        let sampler = spec(json!({"beta": {"alpha": 2, "beta": 5}}))
            .bind_float(10.0, 20.0)
            .unwrap();
        let xs = floats(&sampler, N, 15);
        // Beta(2, 5): mean 2/7, variance 10/392; CDF 1 − 6(1−u)^5 + 5(1−u)^6.
        assert_mean(&xs, 10.0 + 20.0 / 7.0, 10.0 * (10.0f64 / 392.0).sqrt());
        assert_ks(xs, |x| {
            let v = 1.0 - (x - 10.0) / 10.0;
            1.0 - 6.0 * v.powi(5) + 5.0 * v.powi(6)
        });
    }

    #[test]
    fn gamma_starts_at_the_minimum() {
        let knob = spec(json!({"gamma": {"shape": 2, "scale": 3}}));
        let xs = floats(&knob.bind_float(0.0, 1e4).unwrap(), N, 16);
        assert_mean(&xs, 6.0, 18f64.sqrt());
        let (_, sd) = mean_sd(&xs);
        assert!((sd / 18f64.sqrt() - 1.0).abs() < 0.01, "stddev {sd}");
        assert_ks(xs, |x| gamma_pq(2.0, x / 3.0).0);
    }

    #[test]
    fn gamma_far_tail_falls_back_to_an_exact_search() {
        // Gamma(5, 1) on [0, 1] holds 0.37% of the mass: rejection gives up after 1000
        // draws 2.6% of the time and the numeric inversion takes over; the mixture must
        // still be exact.
        let sliver = spec(json!({"gamma": {"shape": 5, "scale": 1}}))
            .bind_float(0.0, 1.0)
            .unwrap();
        assert_ks(
            floats(&sliver, 20_000, 17),
            conditioned(|x| gamma_pq(5.0, x).0, 0.0, 1.0),
        );
        // The search alone, cut and uncut (the latter through the upper tail too).
        let knob = spec(json!({"gamma": {"shape": 2, "scale": 1}}));
        let cdf = |x: f64| gamma_pq(2.0, x).0;
        let searched = without_rejection(knob.bind_float(0.0, 5.0).unwrap());
        assert_ks(floats(&searched, 20_000, 19), conditioned(cdf, 0.0, 5.0));
        let searched = without_rejection(knob.bind_float(0.0, 1e3).unwrap());
        assert_ks(floats(&searched, 20_000, 19), cdf);
    }

    fn poisson_pmf(lambda: f64, k: i64) -> f64 {
        (k as f64 * lambda.ln() - lambda - ln_gamma(k as f64 + 1.0)).exp()
    }

    #[test]
    fn poisson_counts_from_zero_and_is_conditioned_on_the_bounds() {
        let knob = spec(json!({"poisson": {"lambda": 2.5}}));
        assert_chi_square(
            &ints(&knob.bind_int(0, 100).unwrap(), N, 20),
            0..=100,
            |k| poisson_pmf(2.5, k),
        );
        // A length with bounds [1, 20] is the Poisson conditioned on [1, 20].
        let mass: f64 = (1..=20).map(|k| poisson_pmf(2.5, k)).sum();
        let length = knob.bind_int(1, 20).unwrap();
        let draws = ints(&length, N, 21);
        assert!(draws.iter().all(|&k| (1..=20).contains(&k)));
        assert_chi_square(&draws, 1..=20, |k| poisson_pmf(2.5, k) / mass);
        // Floats take whole numbers only.
        let float_draws = floats(&knob.bind_float(0.5, 20.5).unwrap(), 10_000, 22);
        assert!(
            float_draws
                .iter()
                .all(|x| x.fract() == 0.0 && (1.0..=20.0).contains(x))
        );
    }

    #[test]
    fn poisson_inversion_is_exact_in_both_tails() {
        let knob = spec(json!({"poisson": {"lambda": 2.5}}));
        for (lo, hi) in [(1, 20), (8, 30), (0, 2)] {
            let sampler = without_rejection(knob.bind_float(lo as f64, hi as f64).unwrap());
            let draws: Vec<i64> = floats(&sampler, 50_000, 23)
                .iter()
                .map(|&x| x as i64)
                .collect();
            let mass: f64 = (lo..=hi).map(|k| poisson_pmf(2.5, k)).sum();
            assert_chi_square(&draws, lo..=hi, |k| poisson_pmf(2.5, k) / mass);
        }
    }

    #[test]
    fn zipf_ranks_integers_upward_from_the_minimum() {
        let s = 1.6;
        let sampler = spec(json!({"zipf": {"s": s}})).bind_int(1, 1000).unwrap();
        let draws = ints(&sampler, N, 24);
        let ones = draws.iter().filter(|&&k| k == 1).count() as f64;
        let twos = draws.iter().filter(|&&k| k == 2).count() as f64;
        // 2^1.6 ≈ 3.03; the ratio of two counts of ~100k and ~33k has relative sd ≈ 0.6%.
        assert!(
            (ones / twos / 2f64.powf(s) - 1.0).abs() < 0.03,
            "rank-1/rank-2 = {}",
            ones / twos
        );
        let harmonic: f64 = (1..=1000).map(|r| (r as f64).powf(-s)).sum();
        assert_chi_square(&draws, 1..=1000, |k| (k as f64).powf(-s) / harmonic);
        // Shifted: lo is rank 1.
        let shifted = spec(json!({"zipf": {"s": s}})).bind_int(-50, 949).unwrap();
        assert_chi_square(&ints(&shifted, N, 25), -50..=949, |k| {
            ((k + 51) as f64).powf(-s) / harmonic
        });
    }

    #[test]
    fn zipf_over_huge_ranges_needs_no_table() {
        let sampler = spec(json!({"zipf": {"s": 1.1}}))
            .bind_int(0, 1_000_000_000_000)
            .unwrap();
        let draws = ints(&sampler, N, 26);
        assert!(draws.iter().all(|&k| (0..=1_000_000_000_000).contains(&k)));
        let zeros = draws.iter().filter(|&&k| k == 0).count() as f64;
        let ones = draws.iter().filter(|&&k| k == 1).count() as f64;
        assert!(
            (zeros / ones / 2f64.powf(1.1) - 1.0).abs() < 0.05,
            "ratio {}",
            zeros / ones
        );
        // s ≤ 1 is fine over a finite range; the full i64 range binds too.
        let flat = spec(json!({"zipf": {"s": 0.5}}))
            .bind_int(i64::MIN, i64::MAX)
            .unwrap();
        assert!(
            ints(&flat, 1000, 27)
                .iter()
                .any(|&k| k > i64::MIN + 1_000_000)
        );
        // Floats: whole ranks from lo.
        let float = spec(json!({"zipf": {"s": 2}}))
            .bind_float(0.25, 100.0)
            .unwrap();
        assert!(
            floats(&float, 10_000, 28)
                .iter()
                .all(|x| (x - 0.25).fract() == 0.0 && *x <= 99.25)
        );
    }

    #[test]
    fn benford_gives_benford_first_digits() {
        let first_digit = |mut x: f64| {
            while x >= 10.0 {
                x /= 10.0;
            }
            x as i64
        };
        let expected = |d: i64| (1.0 + 1.0 / d as f64).log10();
        let int_sampler = spec(json!("benford")).bind_int(1, 1_000_000).unwrap();
        let digits: Vec<i64> = ints(&int_sampler, N, 29)
            .iter()
            .map(|&k| first_digit(k as f64))
            .collect();
        assert_chi_square(&digits, 1..=9, expected);
        let float_sampler = spec(json!({"benford": {}})).bind_float(1.0, 1e6).unwrap();
        let digits: Vec<i64> = floats(&float_sampler, N, 30)
            .into_iter()
            .map(first_digit)
            .collect();
        assert_chi_square(&digits, 1..=9, expected);
        // A minimum of 0 starts the logarithmic scale at 1.
        let from_zero = spec(json!("benford")).bind_int(0, 999).unwrap();
        assert!(
            ints(&from_zero, 10_000, 31)
                .iter()
                .all(|&k| (1..=999).contains(&k))
        );
    }

    #[test]
    fn histogram_picks_bins_by_weight() {
        let knob = spec(json!({"histogram": [[0, 10, 3], [10, 20, 1], [20, 50, 6]]}));
        let xs = floats(&knob.bind_float(0.0, 50.0).unwrap(), N, 32);
        let bins: Vec<i64> = xs
            .iter()
            .map(|&x| {
                if x < 10.0 {
                    0
                } else if x < 20.0 {
                    1
                } else {
                    2
                }
            })
            .collect();
        assert_chi_square(&bins, 0..=2, |b| [0.3, 0.1, 0.6][b as usize]);
        // Uniform within a bin.
        let third: Vec<f64> = xs.into_iter().filter(|&x| x >= 20.0).collect();
        assert_ks(third, |x| (x - 20.0) / 30.0);
        // Integers take the floor: bin [0, 10) is 0..=9, each 3%.
        let draws = ints(&knob.bind_int(0, 49).unwrap(), N, 33);
        assert_chi_square(&draws, 0..=49, |k| {
            if k < 10 {
                0.03
            } else if k < 20 {
                0.01
            } else {
                0.02
            }
        });
    }

    #[test]
    fn histogram_bins_are_clipped_to_the_bounds() {
        // [5, 30] keeps half of bin 0 (weight 1.5), bin 1 (1) and a third of bin 2 (2).
        let knob = spec(json!({"histogram": [[0, 10, 3], [10, 20, 1], [20, 50, 6]]}));
        let xs = floats(&knob.bind_float(5.0, 30.0).unwrap(), N, 34);
        assert!(xs.iter().all(|x| (5.0..=30.0).contains(x)));
        let bins: Vec<i64> = xs
            .iter()
            .map(|&x| {
                if x < 10.0 {
                    0
                } else if x < 20.0 {
                    1
                } else {
                    2
                }
            })
            .collect();
        assert_chi_square(&bins, 0..=2, |b| {
            [1.5 / 4.5, 1.0 / 4.5, 2.0 / 4.5][b as usize]
        });
    }

    // ---- refusals when binding ----

    #[test]
    fn binding_refuses_distributions_that_miss_the_bounds() {
        let refusal = |knob: Value, lo: f64, hi: f64| spec(knob).bind_float(lo, hi).unwrap_err();
        assert_eq!(
            refusal(json!({"normal": {"mean": 500, "stddev": 10}}), 18.0, 99.0),
            "normal(500, 10) puts 0% of its mass inside [18, 99], and at least 0.10% must fall inside; move its parameters toward the bounds or widen the bounds"
        );
        let message = spec(json!({"normal": {"mean": 0, "stddev": 1}}))
            .bind_int(4, 5)
            .unwrap_err();
        assert!(
            message.starts_with("normal(0, 1) puts 0.023% of its mass inside [4, 5]"),
            "{message}"
        );
        let message = refusal(json!({"exponential": {"rate": 0.001}}), 0.0, 0.5);
        assert!(
            message.starts_with("exponential(rate=0.001) puts 0.050% of its mass"),
            "{message}"
        );
        let message = refusal(json!({"poisson": {"lambda": 100}}), 0.0, 10.0);
        assert!(
            message.starts_with("poisson(100) puts 0% of its mass inside [0, 10]"),
            "{message}"
        );
        assert_eq!(
            refusal(json!({"triangular": {"mode": 120}}), 18.0, 99.0),
            "triangular mode 120 lies outside [18, 99]; choose a mode within the bounds"
        );
        assert!(
            refusal(json!("benford"), -5.0, 0.5)
                .starts_with("benford is log-uniform over positive values")
        );
        assert!(
            refusal(json!({"poisson": {"lambda": 1}}), 0.2, 0.8)
                .starts_with("poisson draws whole numbers but [0.2, 0.8] contains none")
        );
        assert_eq!(
            refusal(json!({"histogram": [[100, 200, 1]]}), 18.0, 99.0),
            "no weighted histogram bin overlaps the bounds [18, 99] (the bins span [100, 200]); move the bins into the bounds"
        );
        assert!(
            refusal(json!({"histogram": [[0, 1e6, 1], [2e6, 3e6, 1]]}), 0.0, 5.0)
                .starts_with("histogram(2 bins) puts 0.00025% of its mass")
        );
        assert_eq!(
            spec(json!("uniform")).bind_int(5, 3).unwrap_err(),
            "empty range [5, 3]: the minimum is above the maximum"
        );
        assert!(
            spec(json!("uniform"))
                .bind_float(f64::NEG_INFINITY, 3.0)
                .unwrap_err()
                .contains("finite")
        );
    }

    #[test]
    fn a_single_value_range_is_that_value() {
        let far = spec(json!({"normal": {"mean": 500, "stddev": 10}}));
        assert_eq!(ints(&far.bind_int(5, 5).unwrap(), 10, 35), vec![5; 10]);
        assert_eq!(
            floats(&far.bind_float(2.5, 2.5).unwrap(), 10, 35),
            vec![2.5; 10]
        );
    }

    // ---- parsing ----

    #[test]
    fn parses_every_family_with_defaults() {
        assert_eq!(spec(json!("UNIFORM")), DistributionSpec::Uniform);
        assert_eq!(
            spec(json!("normal")),
            DistributionSpec::Normal {
                mean: None,
                stddev: None
            }
        );
        assert_eq!(
            spec(json!({"Normal": {"stddev": 2}})),
            DistributionSpec::Normal {
                mean: None,
                stddev: Some(2.0)
            }
        );
        assert_eq!(
            spec(json!({"lognormal": {"mu": 1, "sigma": 0.5}})),
            DistributionSpec::LogNormal {
                mu: 1.0,
                sigma: 0.5
            }
        );
        assert_eq!(
            spec(json!({"exponential": {"rate": 2}})),
            DistributionSpec::Exponential { rate: 2.0 }
        );
        assert_eq!(
            spec(json!("triangular")),
            DistributionSpec::Triangular { mode: None }
        );
        assert_eq!(
            spec(json!({"beta": {"alpha": 2, "beta": 5}})),
            DistributionSpec::Beta {
                alpha: 2.0,
                beta: 5.0
            }
        );
        assert_eq!(
            spec(json!({"gamma": {"shape": 2, "scale": 3}})),
            DistributionSpec::Gamma {
                shape: 2.0,
                scale: 3.0
            }
        );
        assert_eq!(
            spec(json!({"poisson": {"lambda": 2.5}})),
            DistributionSpec::Poisson { lambda: 2.5 }
        );
        assert_eq!(
            spec(json!({"zipf": {"s": 0.8}})),
            DistributionSpec::Zipf { s: 0.8 }
        );
        assert_eq!(spec(json!("Benford")), DistributionSpec::Benford);
        assert_eq!(
            spec(json!({"histogram": [[0, 1, 2]]})),
            DistributionSpec::Histogram(vec![(0.0, 1.0, 2.0)])
        );
        assert!(spec(json!({"uniform": {}})).is_uniform());
        assert!(!spec(json!("normal")).is_uniform());
    }

    #[test]
    fn describes_itself_briefly() {
        let labels = [
            (json!("uniform"), "uniform"),
            (json!("normal"), "normal"),
            (
                json!({"normal": {"mean": 41, "stddev": 12}}),
                "normal(41, 12)",
            ),
            (json!({"normal": {"stddev": 12.5}}), "normal(middle, 12.5)"),
            (
                json!({"lognormal": {"mu": 3, "sigma": 0.25}}),
                "lognormal(3, 0.25)",
            ),
            (
                json!({"exponential": {"rate": 0.3333333}}),
                "exponential(rate=0.3333)",
            ),
            (json!({"triangular": {"mode": 30}}), "triangular(mode=30)"),
            (json!({"beta": {"alpha": 2, "beta": 5}}), "beta(2, 5)"),
            (
                json!({"gamma": {"shape": 2, "scale": 3}}),
                "gamma(shape=2, scale=3)",
            ),
            (json!({"poisson": {"lambda": 2.5}}), "poisson(2.5)"),
            (json!({"zipf": {"s": 1.6}}), "zipf(s=1.6)"),
            (json!("benford"), "benford"),
            (
                json!({"histogram": [[0, 1, 1], [1, 2, 1], [2, 3, 1]]}),
                "histogram(3 bins)",
            ),
        ];
        for (knob, label) in labels {
            assert_eq!(spec(knob).describe(), label);
        }
    }

    /// Parses a knob that must fail; returns (message, path).
    fn error(knob: Value) -> (String, String) {
        let e = DistributionSpec::parse(&knob).unwrap_err();
        (e.to_string(), e.path())
    }

    #[test]
    fn parse_error_wrong_json_type() {
        let (message, path) = error(json!(42));
        assert!(
            message.starts_with("expected a distribution: a name such as \"normal\""),
            "{message}"
        );
        assert!(message.ends_with("found 42"));
        assert_eq!(path, "");
    }

    #[test]
    fn parse_error_not_one_key() {
        let (message, _) = error(json!({"normal": {}, "zipf": {"s": 1}}));
        assert!(
            message.contains("found 2 keys (\"normal\", \"zipf\")"),
            "{message}"
        );
        assert!(error(json!({})).0.contains("found 0 keys"));
    }

    #[test]
    fn parse_error_unknown_name_lists_the_known_ones() {
        let (message, path) = error(json!("gaussian"));
        assert_eq!(
            message,
            "unknown distribution \"gaussian\"; known distributions: uniform, normal, lognormal, exponential, triangular, beta, gamma, poisson, zipf, benford, histogram"
        );
        assert_eq!(path, "");
        assert!(
            error(json!({"pareto": {"a": 1}}))
                .0
                .starts_with("unknown distribution \"pareto\"")
        );
    }

    #[test]
    fn parse_error_bare_name_that_needs_parameters() {
        let (message, _) = error(json!("poisson"));
        assert_eq!(
            message,
            r#""poisson" needs parameters; write {"poisson": {"lambda": 2.5}}"#
        );
        assert!(
            error(json!("histogram"))
                .0
                .contains("[[0, 10, 3], [10, 100, 1]]")
        );
    }

    #[test]
    fn parse_error_parameters_not_an_object() {
        let (message, path) = error(json!({"normal": [40, 9]}));
        assert_eq!(
            message,
            r#"the parameters of "normal" must be an object such as {"normal": {"mean": 40, "stddev": 9}}; found [40,9]"#
        );
        assert_eq!(path, "/normal");
    }

    #[test]
    fn parse_error_missing_parameter() {
        let (message, path) = error(json!({"gamma": {"shape": 2}}));
        assert_eq!(
            message,
            r#""gamma" is missing its parameter "scale"; write {"gamma": {"shape": 2, "scale": 10}}"#
        );
        assert_eq!(path, "/gamma");
    }

    #[test]
    fn parse_error_extra_parameter() {
        let (message, path) = error(json!({"normal": {"mean": 1, "sd": 2}}));
        assert_eq!(
            message,
            r#""normal" has no parameter "sd"; its parameters are: mean, stddev"#
        );
        assert_eq!(path, "/normal/sd");
        let (message, path) = error(json!({"benford": {"base": 10}}));
        assert_eq!(
            message,
            r#""benford" has no parameter "base"; it takes none: write "benford""#
        );
        assert_eq!(path, "/benford/base");
    }

    #[test]
    fn parse_error_non_numeric_parameter() {
        let (message, path) = error(json!({"normal": {"mean": "40"}}));
        assert_eq!(
            message,
            r#""normal" parameter "mean" must be a number; found "40""#
        );
        assert_eq!(path, "/normal/mean");
    }

    #[test]
    fn parse_error_parameters_out_of_range() {
        let cases = [
            (
                json!({"normal": {"stddev": 0}}),
                "/normal/stddev",
                "greater than 0; found 0",
            ),
            (
                json!({"lognormal": {"mu": 0, "sigma": -1}}),
                "/lognormal/sigma",
                "greater than 0; found -1",
            ),
            (
                json!({"exponential": {"rate": 0}}),
                "/exponential/rate",
                "greater than 0",
            ),
            (
                json!({"beta": {"alpha": 0, "beta": 1}}),
                "/beta/alpha",
                "greater than 0",
            ),
            (
                json!({"beta": {"alpha": 1, "beta": -2}}),
                "/beta/beta",
                "greater than 0",
            ),
            (
                json!({"gamma": {"shape": -1, "scale": 1}}),
                "/gamma/shape",
                "greater than 0",
            ),
            (
                json!({"gamma": {"shape": 1, "scale": 0}}),
                "/gamma/scale",
                "greater than 0",
            ),
            (
                json!({"poisson": {"lambda": 0}}),
                "/poisson/lambda",
                "greater than 0 and at most 1.8e19",
            ),
            (
                json!({"poisson": {"lambda": 1e20}}),
                "/poisson/lambda",
                "at most 1.8e19",
            ),
            (json!({"zipf": {"s": 0}}), "/zipf/s", "greater than 0"),
        ];
        for (knob, expected_path, expected_rule) in cases {
            let (message, path) = error(knob);
            assert!(message.contains(expected_rule), "{message}");
            assert_eq!(path, expected_path);
        }
        assert_eq!(
            error(json!({"normal": {"stddev": -3}})).0,
            r#""normal" parameter "stddev" must be greater than 0; found -3"#
        );
    }

    #[test]
    fn parse_error_histogram_shapes() {
        let (message, path) = error(json!({"histogram": []}));
        assert!(
            message.starts_with(
                r#""histogram" must be a non-empty array of bins [low, high, weight]"#
            ),
            "{message}"
        );
        assert_eq!(path, "/histogram");
        let (message, path) = error(json!({"histogram": [[0, 1, 1], [1, 2]]}));
        assert_eq!(
            message,
            "histogram bin 1 must be [low, high, weight], three numbers; found [1,2]"
        );
        assert_eq!(path, "/histogram/1");
        assert!(
            error(json!({"histogram": [[0, "a", 1]]}))
                .0
                .contains("three numbers")
        );
        let (message, path) = error(json!({"histogram": [[5, 5, 1]]}));
        assert_eq!(
            message,
            "histogram bin 0 is empty: its low 5 must be below its high 5"
        );
        assert_eq!(path, "/histogram/0");
        let (message, path) = error(json!({"histogram": [[0, 1, -1]]}));
        assert_eq!(
            message,
            "histogram bin 0 has weight -1; weights must be 0 or more"
        );
        assert_eq!(path, "/histogram/0/2");
        let (message, path) = error(json!({"histogram": [[0, 1, 0], [1, 2, 0]]}));
        assert_eq!(
            message,
            "every histogram weight is 0; give at least one bin a positive weight"
        );
        assert_eq!(path, "/histogram");
    }

    #[test]
    fn error_paths_escape_json_pointer_tokens() {
        assert_eq!(pointer(&["a/b", "c~d"]), "/a~1b/c~0d");
    }

    // ---- determinism and sampler properties ----

    #[test]
    fn the_same_seed_gives_the_same_values() {
        let knobs = [
            json!("normal"),
            json!({"lognormal": {"mu": 1, "sigma": 1}}),
            json!({"gamma": {"shape": 2, "scale": 3}}),
            json!({"poisson": {"lambda": 4}}),
            json!({"zipf": {"s": 1.2}}),
            json!("benford"),
            json!({"histogram": [[0, 10, 1], [10, 100, 2]]}),
        ];
        for knob in knobs {
            let sampler = spec(knob.clone()).bind_float(1.0, 100.0).unwrap();
            assert_eq!(
                floats(&sampler, 100, 36),
                floats(&sampler, 100, 36),
                "{knob}"
            );
            assert_ne!(
                floats(&sampler, 100, 36),
                floats(&sampler, 100, 37),
                "{knob}"
            );
            let sampler = spec(knob.clone()).bind_int(1, 100).unwrap();
            assert_eq!(ints(&sampler, 100, 36), ints(&sampler, 100, 36), "{knob}");
        }
    }

    #[test]
    fn samplers_can_be_shared_across_threads() {
        fn shareable<T: Send + Sync + Clone + std::fmt::Debug>() {}
        shareable::<IntSampler>();
        shareable::<FloatSampler>();
    }

    fn any_spec() -> impl Strategy<Value = DistributionSpec> {
        use DistributionSpec as D;
        let maybe = |r: std::ops::Range<f64>| proptest::option::of(r);
        prop_oneof![
            Just(D::Uniform),
            (maybe(-1e4..1e4), maybe(1e-3..1e4))
                .prop_map(|(mean, stddev)| D::Normal { mean, stddev }),
            (-5.0..10.0, 0.01..4.0).prop_map(|(mu, sigma)| D::LogNormal { mu, sigma }),
            (1e-4..100.0).prop_map(|rate| D::Exponential { rate }),
            maybe(-1e4..1e4).prop_map(|mode| D::Triangular { mode }),
            (0.05..20.0, 0.05..20.0).prop_map(|(alpha, beta)| D::Beta { alpha, beta }),
            (0.05..50.0, 1e-3..1e3).prop_map(|(shape, scale)| D::Gamma { shape, scale }),
            (0.01..1e4).prop_map(|lambda| D::Poisson { lambda }),
            (0.01..5.0).prop_map(|s| D::Zipf { s }),
            Just(D::Benford),
            proptest::collection::vec((-1e4..1e4, 1e-3..1e4, 0.0..10.0), 1..5).prop_map(|bins| {
                D::Histogram(
                    bins.into_iter()
                        .map(|(lo, w, weight)| (lo, lo + w, weight))
                        .collect(),
                )
            }),
        ]
    }

    fn any_int_bounds() -> impl Strategy<Value = (i64, i64)> {
        prop_oneof![
            (-10_000i64..10_000, 0i64..10_000).prop_map(|(lo, width)| (lo, lo + width)),
            (-1_000_000_000i64..1_000_000_000, 0i64..1_000_000_000_000)
                .prop_map(|(lo, width)| (lo, lo + width)),
            Just((i64::MIN, i64::MAX)),
            Just((0, 0)),
        ]
    }

    fn any_float_bounds() -> impl Strategy<Value = (f64, f64)> {
        prop_oneof![
            (-1e4..1e4, 0.0..1e4).prop_map(|(lo, width)| (lo, lo + width)),
            (-1e9..1e9, 1e-9..1e-3).prop_map(|(lo, width)| (lo, lo + width)),
            Just((-1e308, 1e308)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Either binding refuses, or every draw lies in the bounds (and drawing ends).
        #[test]
        fn every_draw_is_in_bounds(knob in any_spec(), (lo, hi) in any_int_bounds(), (flo, fhi) in any_float_bounds(), seed in any::<u64>()) {
            let mut rng = crate::rng::rng_for(seed);
            if let Ok(sampler) = knob.bind_int(lo, hi) {
                for _ in 0..200 {
                    let k = sampler.sample(&mut rng);
                    prop_assert!((lo..=hi).contains(&k), "{k} outside [{lo}, {hi}] for {knob:?}");
                }
            }
            if let Ok(sampler) = knob.bind_float(flo, fhi) {
                for _ in 0..200 {
                    let x = sampler.sample(&mut rng);
                    prop_assert!((flo..=fhi).contains(&x), "{x} outside [{flo}, {fhi}] for {knob:?}");
                }
            }
        }
    }

    /// `cargo test --release --lib generate::distribution -- --ignored --nocapture`
    #[test]
    #[ignore = "timing, run in release"]
    fn measure_nanoseconds_per_draw() {
        let cases = [
            ("uniform", json!("uniform")),
            ("normal", json!({"normal": {"mean": 50, "stddev": 10}})),
            (
                "normal tail (inversion)",
                json!({"normal": {"mean": 0, "stddev": 1}}),
            ),
            ("lognormal", json!({"lognormal": {"mu": 2, "sigma": 0.5}})),
            ("exponential", json!({"exponential": {"rate": 0.1}})),
            ("gamma", json!({"gamma": {"shape": 2, "scale": 5}})),
            ("poisson", json!({"poisson": {"lambda": 4}})),
            ("zipf", json!({"zipf": {"s": 1.2}})),
            ("benford", json!("benford")),
            (
                "histogram",
                json!({"histogram": [[0, 10, 3], [10, 20, 1], [20, 100, 6]]}),
            ),
        ];
        let draws = 5_000_000;
        for (name, knob) in cases {
            let knob = spec(knob);
            let (lo, hi) = if name.contains("tail") {
                (3.0, 4.0)
            } else {
                (1.0, 100.0)
            };
            let floats = knob.bind_float(lo, hi).unwrap();
            let ints = knob
                .bind_int(lo as i64, 1_000_000)
                .unwrap_or_else(|_| knob.bind_int(1, 100).unwrap());
            let mut rng = crate::rng::rng_for(1);
            let start = std::time::Instant::now();
            let mut sum = 0.0;
            for _ in 0..draws {
                sum += floats.sample(&mut rng);
            }
            let float_ns = start.elapsed().as_nanos() as f64 / draws as f64;
            let start = std::time::Instant::now();
            let mut total = 0i64;
            for _ in 0..draws {
                total = total.wrapping_add(ints.sample(&mut rng));
            }
            let int_ns = start.elapsed().as_nanos() as f64 / draws as f64;
            std::hint::black_box((sum, total));
            println!("{name:<26} float {float_ns:6.1} ns/draw   int {int_ns:6.1} ns/draw");
        }
    }
}
