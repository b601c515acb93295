//! Summaries of a bag of numbers: moments, quantiles and a histogram with round bin edges.

use serde::Serialize;

/// Moments, quantiles and a histogram of one field's numeric view (numbers, temporal
/// values in seconds, or lengths).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distribution {
    pub count: u64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// Population standard deviation.
    pub stddev: f64,
    pub quantiles: Quantiles,
    pub histogram: Histogram,
    /// For positive values spanning a decade or more: bins of equal width in
    /// `log10(value)` (its `start` and `width` are in log10 units), which show a
    /// lognormal as a bell rather than one spike. Not in the `stats --json` document.
    #[serde(skip)]
    pub log_histogram: Option<Histogram>,
}

impl Distribution {
    /// Whether the upper tail (p50 to p99) is more than three times as long as the lower
    /// (p1 to p50) and a log histogram exists: then the tuner draws that one.
    pub fn skewed(&self) -> bool {
        let q = &self.quantiles;
        self.log_histogram.is_some() && q.p99 - q.p50 > 3.0 * (q.p50 - q.p1)
    }
}

/// Quantiles by linear interpolation between the closest ranks (numpy's default).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    pub p1: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub p99: f64,
}

impl Quantiles {
    /// `(label, value)` pairs in ascending order, for display.
    pub fn labelled(&self) -> [(&'static str, f64); 7] {
        [
            ("p1", self.p1),
            ("p5", self.p5),
            ("p25", self.p25),
            ("p50", self.p50),
            ("p75", self.p75),
            ("p95", self.p95),
            ("p99", self.p99),
        ]
    }
}

/// Equal-width bins: bin `i` holds the values in `[start + i*width, start + (i+1)*width)`
/// (the last bin also holds its upper edge).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub start: f64,
    pub width: f64,
    pub counts: Vec<u64>,
}

impl Histogram {
    /// The lower edge of bin `i` (`i == counts.len()` gives the upper edge of the last).
    pub fn edge(&self, i: usize) -> f64 {
        self.start + i as f64 * self.width
    }
}

/// What the numbers measure, which decides the bin widths that count as round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Any real numbers: widths 1, 2, 2.5 or 5 times a power of ten.
    Real,
    /// Whole numbers (counts, lengths, integer fields): whole widths 1, 2, 5 × 10ⁿ.
    Whole,
    /// Seconds of a date, date-time or time: seconds, minutes, hours, days, weeks, ...
    Seconds,
}

/// In bin widths: how close below an edge a value counts as on it.
pub const EDGE_TOLERANCE: f64 = 1e-9;

/// Aim for at most this many bins; round widths give between about 16 and 42.
const TARGET_BINS: f64 = 40.0;

const MINUTE: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;
const SECOND_STEPS: [f64; 27] = [
    1.0,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    MINUTE,
    2.0 * MINUTE,
    5.0 * MINUTE,
    10.0 * MINUTE,
    15.0 * MINUTE,
    30.0 * MINUTE,
    HOUR,
    2.0 * HOUR,
    3.0 * HOUR,
    6.0 * HOUR,
    12.0 * HOUR,
    DAY,
    2.0 * DAY,
    7.0 * DAY,
    14.0 * DAY,
    30.0 * DAY,
    61.0 * DAY,
    91.0 * DAY,
    182.0 * DAY,
    365.0 * DAY,
    730.0 * DAY,
];

/// Describes `values` (sorting them in place); `None` when there are none.
/// `Scale::Real` values that are all whole numbers are binned as `Scale::Whole`.
pub fn describe(values: &mut [f64], scale: Scale) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    let scale = match scale {
        Scale::Real if values.iter().all(|v| v.fract() == 0.0) => Scale::Whole,
        other => other,
    };
    let q = |p: f64| quantile(values, p);
    Some(Distribution {
        count: values.len() as u64,
        min: values[0],
        max: values[values.len() - 1],
        mean,
        stddev: variance.sqrt(),
        quantiles: Quantiles {
            p1: q(0.01),
            p5: q(0.05),
            p25: q(0.25),
            p50: q(0.50),
            p75: q(0.75),
            p95: q(0.95),
            p99: q(0.99),
        },
        histogram: histogram(values, scale),
        log_histogram: log_histogram(values, scale),
    })
}

/// Bins sorted values equally in `log10`, when they are all positive and the largest is
/// at least ten times the smallest (not for seconds, whose zero is arbitrary). Whole
/// numbers get bins at least one unit wide at the low end, so that no bin falls between
/// two integers.
fn log_histogram(sorted: &[f64], scale: Scale) -> Option<Histogram> {
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    if scale == Scale::Seconds || !(min > 0.0 && max >= 10.0 * min && max.is_finite()) {
        return None;
    }
    let (start, end) = (min.log10(), max.log10());
    let mut bins = TARGET_BINS;
    if scale == Scale::Whole {
        let narrowest = (1.0 + 1.0 / min).log10();
        bins = bins.min(((end - start) / narrowest).floor()).max(1.0);
    }
    let width = (end - start) / bins;
    let bins = bins as usize;
    let mut counts = vec![0u64; bins];
    for v in sorted {
        let bin = (((v.log10() - start) / width).floor() as usize).min(bins - 1);
        counts[bin] += 1;
    }
    Some(Histogram {
        start,
        width,
        counts,
    })
}

/// The `p` quantile of sorted, non-empty `values`.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let position = p * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = (below + 1).min(sorted.len() - 1);
    let fraction = position - below as f64;
    sorted[below] + (sorted[above] - sorted[below]) * fraction
}

/// Bins sorted, non-empty `values` with a round width aligned to a multiple of itself.
fn histogram(sorted: &[f64], scale: Scale) -> Histogram {
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    let width = round_width((max - min) / TARGET_BINS, scale);
    let start = (min / width).floor() * width;
    let bins = (((max - start) / width).floor() as usize + 1).max(1);
    let mut counts = vec![0u64; bins];
    for v in sorted {
        // A value on an edge belongs to the bin above it, also when the division lands
        // an ulp short (0.15 / 0.025 = 5.999999999999999): grid values sit on edges.
        let bin = (((v - start) / width + EDGE_TOLERANCE).floor() as usize).min(bins - 1);
        counts[bin] += 1;
    }
    Histogram {
        start,
        width,
        counts,
    }
}

/// The smallest round width at least `raw` (and at least 1 for whole numbers and
/// seconds; 1 when all values are equal).
fn round_width(raw: f64, scale: Scale) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    match scale {
        Scale::Seconds => match SECOND_STEPS.iter().find(|&&step| step >= raw) {
            Some(&step) => step,
            None => 365.0 * DAY * round_width(raw / (365.0 * DAY), Scale::Whole),
        },
        Scale::Real | Scale::Whole => {
            let power = 10f64.powf(raw.log10().floor());
            let multiples: &[f64] = if scale == Scale::Whole {
                &[1.0, 2.0, 5.0, 10.0]
            } else {
                &[1.0, 2.0, 2.5, 5.0, 10.0]
            };
            let width = multiples
                .iter()
                .map(|m| m * power)
                .find(|&w| w >= raw)
                .unwrap_or(10.0 * power);
            if scale == Scale::Whole {
                width.max(1.0).round()
            } else {
                width
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_moments_and_whole_bins() {
        let mut values: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let d = describe(&mut values, Scale::Real).unwrap();
        assert_eq!((d.count, d.min, d.max), (100, 1.0, 100.0));
        assert_eq!(d.mean, 50.5);
        assert!((d.stddev - 28.866).abs() < 1e-3);
        assert_eq!(d.quantiles.p50, 50.5);
        assert!((d.quantiles.p99 - 99.01).abs() < 1e-9);
        // 99 / 40 = 2.475 → width 5, starting at 0: 21 bins.
        assert_eq!((d.histogram.start, d.histogram.width), (0.0, 5.0));
        assert_eq!(d.histogram.counts.len(), 21);
        assert_eq!(d.histogram.counts.iter().sum::<u64>(), 100);
    }

    #[test]
    fn small_integer_ranges_get_one_bin_per_value() {
        let mut values = vec![1.0, 2.0, 2.0, 3.0, 50.0];
        let d = describe(&mut values, Scale::Whole).unwrap();
        assert_eq!((d.histogram.start, d.histogram.width), (0.0, 2.0));
        let mut values = vec![1.0, 2.0, 2.0, 3.0, 7.0];
        let d = describe(&mut values, Scale::Whole).unwrap();
        assert_eq!(d.histogram.width, 1.0);
        assert_eq!(d.histogram.counts, vec![1, 2, 1, 0, 0, 0, 1]);
    }

    #[test]
    fn real_bins_are_round_and_cover_every_value() {
        let mut values: Vec<f64> = (0..1000).map(|i| 0.013 + f64::from(i) * 0.0371).collect();
        let d = describe(&mut values, Scale::Real).unwrap();
        let h = &d.histogram;
        assert!(
            (20..=42).contains(&h.counts.len()),
            "{} bins",
            h.counts.len()
        );
        assert_eq!(h.width, 1.0);
        assert!(h.start <= d.min && h.edge(h.counts.len()) > d.max);
        assert_eq!(h.counts.iter().sum::<u64>(), 1000);
    }

    #[test]
    fn wide_positive_values_get_a_log_histogram() {
        // 1, 10, 100, 1000 repeated: equal counts per decade.
        let mut values: Vec<f64> = (0..400).map(|i| 10f64.powi(i % 4) * 1.5).collect();
        let d = describe(&mut values, Scale::Real).unwrap();
        let h = d.log_histogram.as_ref().unwrap();
        assert_eq!(h.counts.len(), 40);
        assert_eq!(h.counts.iter().sum::<u64>(), 400);
        assert!((h.start - 1.5f64.log10()).abs() < 1e-12 && (h.width - 3.0 / 40.0).abs() < 1e-12);
        assert_eq!((h.counts[0], h.counts[10], h.counts[39]), (100, 0, 100));
        // Whole numbers from 1: bins at least one unit wide at the start.
        let mut values: Vec<f64> = (1..=50).map(f64::from).collect();
        let d = describe(&mut values, Scale::Whole).unwrap();
        let h = d.log_histogram.unwrap();
        assert_eq!(h.counts.len(), 5, "log10(50) / log10(2) = 5.6");
        assert_eq!(h.counts.iter().sum::<u64>(), 50);
        // Less than a decade, zero or negative values, seconds: none.
        for (mut values, scale) in [
            (vec![1.0, 9.0], Scale::Real),
            (vec![0.0, 100.0], Scale::Real),
            (vec![-5.0, 100.0], Scale::Real),
            (vec![1.0, 1e9], Scale::Seconds),
        ] {
            assert!(
                describe(&mut values, scale)
                    .unwrap()
                    .log_histogram
                    .is_none()
            );
        }
    }

    #[test]
    fn skew_is_a_long_upper_tail() {
        let mut exponential: Vec<f64> = (1..1000).map(|i| -(f64::from(i) / 1000.0).ln()).collect();
        assert!(describe(&mut exponential, Scale::Real).unwrap().skewed());
        let mut even: Vec<f64> = (1..1000).map(f64::from).collect();
        assert!(!describe(&mut even, Scale::Real).unwrap().skewed());
    }

    #[test]
    fn seconds_bin_by_calendar_units_and_constant_values_get_one_bin() {
        // Two and a half years of date-times: 30-day bins aligned to midnight.
        let mut values = vec![1_704_067_200.0, 1_782_863_999.0];
        let d = describe(&mut values, Scale::Seconds).unwrap();
        assert_eq!(d.histogram.width, 30.0 * DAY);
        assert_eq!(d.histogram.start % DAY, 0.0);
        let mut values = vec![4.0; 10];
        let d = describe(&mut values, Scale::Real).unwrap();
        assert_eq!(d.histogram.counts, vec![10]);
        assert_eq!(d.stddev, 0.0);
    }
}
