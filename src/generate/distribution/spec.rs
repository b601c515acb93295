//! The `distribution` knob's vocabulary: JSON parsed into a [`DistributionSpec`] with
//! precise [`KnobError`]s, and the short label each spec shows in the UI.

use rand_distr::Poisson;
use serde_json::{Map, Value};

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
pub(super) fn pointer(tokens: &[&str]) -> String {
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
