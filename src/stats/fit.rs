//! What a field was configured to produce set beside what its sample shows: shares of
//! values and types asked vs seen, and for a numeric distribution the expected count of
//! every histogram bin with a chi-square test of the observed counts against them.

use serde::Serialize;

use super::counter::ValueCounter;
use super::distribution::{Distribution, Histogram};
use super::summary::TypeCounts;
use crate::generate::distribution::special::gamma_pq;
use crate::generate::number::NumberLaw;
use crate::table::Configured;

/// The configuration beside the observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Expected {
    /// Each configured value (enum, boolean), in configuration order.
    Values(Vec<Share>),
    /// Each configured type (union), in configuration order.
    Types(Vec<Share>),
    /// A numeric distribution's expected counts and the fit of the observed ones.
    Density(Density),
}

/// One value's (or type's) configured share next to the observed one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// The value as the tuner lists it (strings bare, others as JSON), or the type name.
    pub label: String,
    pub asked: f64,
    /// Of the non-null values; `None` when there were none.
    pub seen: Option<f64>,
    pub count: u64,
}

/// Expected counts of a numeric field, bin by bin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Density {
    /// Index-aligned with the numbers' histogram bins (the first bin also takes the
    /// mass below it, the last the mass above).
    pub expected: Vec<f64>,
    /// The same for the log histogram, when there is one.
    pub log_expected: Option<Vec<f64>>,
    pub fit: Option<ChiSquare>,
}

/// Pearson's chi-square test of the histogram against the expected counts, neighbouring
/// bins pooled until each expects at least [`MIN_EXPECTED`] values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChiSquare {
    pub statistic: f64,
    /// Pooled bins − 1 (no parameter is estimated from the sample).
    pub degrees_of_freedom: u32,
    /// The chance of a statistic at least this large were the values drawn from the
    /// configured law: tiny means they were not.
    pub p_value: f64,
}

/// The smallest expected count of a pooled bin, the textbook rule for the chi-square
/// approximation to hold.
pub const MIN_EXPECTED: f64 = 5.0;

/// Shares of the configured values among the non-null values the counter saw.
pub fn value_shares(configured: &[(serde_json::Value, f64)], values: &ValueCounter) -> Expected {
    let counts: Vec<u64> = configured.iter().map(|(v, _)| values.count_of(v)).collect();
    let present: u64 = values.counts().sum();
    Expected::Values(
        configured
            .iter()
            .zip(counts)
            .map(|((value, asked), count)| Share {
                label: super::display::value(value),
                asked: *asked,
                seen: (present > 0).then(|| count as f64 / present as f64),
                count,
            })
            .collect(),
    )
}

/// Shares of the configured types among the non-null values.
pub fn type_shares(configured: &[(&'static str, f64)], types: &TypeCounts) -> Expected {
    let count_of = |name: &str| match name {
        "boolean" => types.boolean,
        "integer" => types.integer,
        "number" => types.number,
        "string" => types.string,
        "array" => types.array,
        "object" => types.object,
        _ => 0,
    };
    let present =
        types.boolean + types.integer + types.number + types.string + types.array + types.object;
    Expected::Types(
        configured
            .iter()
            .map(|&(name, asked)| {
                let count = count_of(name);
                Share {
                    label: name.to_owned(),
                    asked,
                    seen: (present > 0).then(|| count as f64 / present as f64),
                    count,
                }
            })
            .collect(),
    )
}

/// Expected counts for `numbers`' histograms under `law`, and the chi-square fit.
pub fn density(law: &NumberLaw, numbers: &Distribution) -> Expected {
    let n = numbers.count as f64;
    let expected = expected_counts(&numbers.histogram, n, |x| law.below(x));
    let fit = chi_square(&numbers.histogram.counts, &expected);
    let log_expected = numbers
        .log_histogram
        .as_ref()
        .map(|h| expected_counts(h, n, |x| law.below(10f64.powf(x))));
    Expected::Density(Density {
        expected,
        log_expected,
        fit,
    })
}

/// `n` times the law's mass in each bin; `below(x)` is P(X < x) in the bins' units.
fn expected_counts(histogram: &Histogram, n: f64, below: impl Fn(f64) -> f64) -> Vec<f64> {
    let bins = histogram.counts.len();
    (0..bins)
        .map(|i| {
            let low = if i == 0 {
                0.0
            } else {
                below(histogram.edge(i))
            };
            let high = if i + 1 == bins {
                1.0
            } else {
                below(histogram.edge(i + 1))
            };
            n * (high - low).max(0.0)
        })
        .collect()
}

/// The chi-square test of `observed` against `expected`, bins pooled left to right
/// until each pool expects [`MIN_EXPECTED`] (a short last pool joins the one before);
/// `None` with fewer than two pools.
pub fn chi_square(observed: &[u64], expected: &[f64]) -> Option<ChiSquare> {
    let mut pools: Vec<(f64, f64)> = Vec::new();
    let mut open = (0.0, 0.0);
    for (&o, &e) in observed.iter().zip(expected) {
        open = (open.0 + o as f64, open.1 + e);
        if open.1 >= MIN_EXPECTED {
            pools.push(open);
            open = (0.0, 0.0);
        }
    }
    if open.0 > 0.0 || open.1 > 0.0 {
        match pools.last_mut() {
            Some(last) => *last = (last.0 + open.0, last.1 + open.1),
            None => pools.push(open),
        }
    }
    if pools.len() < 2 {
        return None;
    }
    let statistic: f64 = pools
        .iter()
        .map(|&(o, e)| if e > 0.0 { (o - e) * (o - e) / e } else { 0.0 })
        .sum();
    let degrees_of_freedom = (pools.len() - 1) as u32;
    let (_, p_value) = gamma_pq(f64::from(degrees_of_freedom) / 2.0, statistic / 2.0);
    Some(ChiSquare {
        statistic,
        degrees_of_freedom,
        p_value,
    })
}

/// Picks what to compare for a field: `None` when the configuration says nothing the
/// sample can show.
pub fn expected(
    configured: &Configured,
    values: &ValueCounter,
    types: &TypeCounts,
    numbers: Option<&Distribution>,
) -> Option<Expected> {
    match configured {
        Configured::Values(shares) => Some(value_shares(shares, values)),
        Configured::Types(shares) => Some(type_shares(shares, types)),
        Configured::Numbers(law) => numbers.map(|d| density(law, d)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::stats::{SampleOptions, summarize};

    /// A real schema: every configured law is found back in 10,000 rows (shares within
    /// a point or two, chi-square far from rejection), and a law the values do not
    /// follow is rejected.
    #[test]
    fn configured_laws_beside_a_real_sample() {
        let table = crate::Table::from_value(
            json!({
                "title": "T",
                "type": "object",
                "properties": {
                    "status": {"enum": ["a", "b", "c"], "x-synth": {"weights": [70, 20, 10]}},
                    "flag": {"type": "boolean", "x-synth": {"weights": {"true": 30, "false": 70}}},
                    "price": {"type": "number", "exclusiveMinimum": 0, "maximum": 5000, "multipleOf": 0.01,
                              "x-synth": {"distribution": {"lognormal": {"mu": 3.2, "sigma": 0.9}}}},
                    "quantity": {"type": "integer", "minimum": 1, "maximum": 50,
                                 "x-synth": {"distribution": {"zipf": {"s": 1.6}}}},
                    "score": {"type": "number", "minimum": 0, "maximum": 1},
                    "either": {"type": ["string", "integer"]}
                },
                "required": ["status", "flag", "price", "quantity", "score", "either"]
            }),
            None,
        )
        .unwrap();
        let summary = summarize(&table, &SampleOptions::new(7, 10_000)).unwrap();
        let shares = |path: &str| match &summary.field(path).unwrap().expected {
            Some(Expected::Values(shares) | Expected::Types(shares)) => shares.clone(),
            other => panic!("{path}: {other:?}"),
        };
        let status = shares("status");
        assert_eq!(status.len(), 3);
        for (share, asked) in status.iter().zip([0.7, 0.2, 0.1]) {
            assert!((share.asked - asked).abs() < 1e-12, "{share:?}");
            assert!((share.seen.unwrap() - asked).abs() < 0.02, "{share:?}");
        }
        assert_eq!(status.iter().map(|s| s.count).sum::<u64>(), 10_000);
        let flag = shares("flag");
        assert_eq!((flag[0].label.as_str(), flag[0].asked), ("true", 0.3));
        assert!((flag[0].seen.unwrap() - 0.3).abs() < 0.02, "{flag:?}");
        let either = shares("either");
        let labels: Vec<&str> = either.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["string", "integer"]);
        assert!(
            (either[0].seen.unwrap() - either[0].asked).abs() < 0.02,
            "{either:?}"
        );
        for path in ["price", "quantity", "score"] {
            let field = summary.field(path).unwrap();
            let Some(Expected::Density(density)) = &field.expected else {
                panic!("{path}: {:?}", field.expected)
            };
            let numbers = field.numbers.as_ref().unwrap();
            assert_eq!(density.expected.len(), numbers.histogram.counts.len());
            let total: f64 = density.expected.iter().sum();
            assert!((total - 10_000.0).abs() < 1e-6, "{path}: {total}");
            let fit = density.fit.unwrap();
            assert!(
                fit.p_value > 0.001,
                "{path}: {fit:?} {:?}",
                density.expected
            );
        }
        let price = summary.field("price").unwrap();
        assert!(
            price.numbers.as_ref().unwrap().skewed(),
            "a lognormal is skewed"
        );
        let Some(Expected::Density(density)) = &price.expected else {
            unreachable!()
        };
        let log = density.log_expected.as_ref().unwrap();
        assert_eq!(
            log.len(),
            price
                .numbers
                .as_ref()
                .unwrap()
                .log_histogram
                .as_ref()
                .unwrap()
                .counts
                .len()
        );
        // The uniform score's counts against the lognormal's law: rejected.
        let score = summary.field("score").unwrap().numbers.as_ref().unwrap();
        let Some(crate::table::Configured::Numbers(law)) = &table
            .fields()
            .into_iter()
            .find(|f| f.path == "price")
            .unwrap()
            .configured
        else {
            panic!("price has a law")
        };
        let wrong = expected_counts(&score.histogram, 10_000.0, |x| law.below(x * 100.0));
        let fit = chi_square(&score.histogram.counts, &wrong).unwrap();
        assert!(fit.p_value < 1e-6, "{fit:?}");
    }

    #[test]
    fn chi_square_pools_small_bins_and_matches_known_values() {
        // Two bins, 60 vs 40 against 50/50: X² = 4, 1 degree of freedom, p = 0.0455.
        let fit = chi_square(&[60, 40], &[50.0, 50.0]).unwrap();
        assert_eq!((fit.statistic, fit.degrees_of_freedom), (4.0, 1));
        assert!((fit.p_value - 0.0455).abs() < 1e-4, "{fit:?}");
        // Bins expecting under 5 pool with their neighbours: 3 pools from 5 bins.
        let fit = chi_square(&[2, 3, 10, 1, 1], &[2.0, 3.0, 10.0, 1.0, 1.0]).unwrap();
        assert_eq!((fit.statistic, fit.degrees_of_freedom), (0.0, 1));
        assert!((fit.p_value - 1.0).abs() < 1e-12);
        assert!(chi_square(&[5], &[5.0]).is_none());
    }
}
