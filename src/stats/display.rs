//! How statistics are written for people, shared by the text report and the tuner so
//! that both show the same figures the same way.

use std::time::Duration;

use serde_json::Value;

use super::collect::TOP_K;
use super::summary::{FieldSummary, Measure};
use super::temporal;

/// `""` (the root) is shown as `(root)`.
pub fn path_label(path: &str) -> &str {
    if path.is_empty() { "(root)" } else { path }
}

/// A count with thousands separators: `10,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal: `4.8%`; exact `0%` and `100%`; `<0.1%`
/// for a share too small to show but not zero.
pub fn percent(share: f64) -> String {
    if share <= 0.0 {
        "0%".into()
    } else if share >= 1.0 {
        "100%".into()
    } else if share < 0.0005 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", share * 100.0)
    }
}

/// [`percent`], or `-` when there is nothing to show.
pub fn maybe_percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".into(), percent)
}

/// A number in at most about ten characters: whole numbers in full, others with a few
/// decimals (trailing zeros dropped), very large or small ones in scientific notation.
pub fn number(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e10).contains(&a) {
        return format!("{v:.2e}");
    }
    if v.fract() == 0.0 {
        return format!("{v}");
    }
    let text = if a >= 1000.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    };
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `text` cut to `width` characters, with `…` marking the cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('…');
    }
    cut
}

/// `text` shortened to `width` characters by cutting its middle (`items[].unit_price` →
/// `item…price`): the start and the end of a path say the most. Keeps one more character
/// of the end than of the start.
pub fn fit_middle(text: &str, width: usize) -> String {
    let len = text.chars().count();
    if len <= width {
        return text.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let keep = width - 1;
    let tail = keep.div_ceil(2);
    let head = keep - tail;
    let mut out: String = text.chars().take(head).collect();
    out.push('…');
    out.extend(text.chars().skip(len - tail));
    out
}

/// A value of a distribution, written as what it measures (a date for seconds).
pub fn measure(v: f64, measure: Measure) -> String {
    match measure {
        Measure::Value | Measure::StringLength | Measure::ArrayLength => number(v),
        Measure::Seconds(kind) => temporal::format(kind, v, false),
    }
}

/// [`measure`], shortened to fit a table column (date-times as dates).
pub fn measure_short(v: f64, measure: Measure) -> String {
    match measure {
        Measure::Seconds(kind) => temporal::format(kind, v, true),
        Measure::StringLength | Measure::ArrayLength => format!("len {}", number(v)),
        Measure::Value => number(v),
    }
}

/// A standard deviation, written as what it measures (days, hours or seconds for
/// temporal values).
pub fn spread(sd: f64, measure: Measure) -> String {
    match measure {
        Measure::Seconds(_) if sd >= 86_400.0 => format!("{:.1} d", sd / 86_400.0),
        Measure::Seconds(_) if sd >= 3600.0 => format!("{:.1} h", sd / 3600.0),
        Measure::Seconds(_) => format!("{sd:.0} s"),
        _ => number(sd),
    }
}

/// A throughput: `850k/s`, `12.3M/s`.
pub fn per_second(rate: f64) -> String {
    let (value, unit) = if rate >= 1e9 {
        (rate / 1e9, "G")
    } else if rate >= 1e6 {
        (rate / 1e6, "M")
    } else if rate >= 1e3 {
        (rate / 1e3, "k")
    } else {
        (rate, "")
    };
    if value >= 100.0 || unit.is_empty() {
        format!("{value:.0}{unit}/s")
    } else {
        format!("{value:.1}{unit}/s")
    }
}

/// A short duration: `850 µs`, `23 ms`, `1.2 s`.
pub fn duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 10_000_000 {
        format!("{} ms", micros / 1000)
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// How long ago: `just now`, `4s ago`, `3m ago`, `2h ago`.
pub fn ago(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => "just now".into(),
        1..=59 => format!("{s}s ago"),
        60..=3599 => format!("{}m ago", s / 60),
        _ => format!("{}h ago", s / 3600),
    }
}

/// A top value as text: strings bare, everything else as JSON.
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The field's typical value in a few characters: its most frequent value when it has
/// few distinct strings or booleans, else the median of its headline distribution.
pub fn typical(field: &FieldSummary) -> String {
    let few_distinct = field.distinct.is_some_and(|d| d as usize <= TOP_K);
    if field.prefers_top_values() && few_distinct {
        return value(&field.top[0].value);
    }
    match field.headline() {
        Some((d, m)) => measure_short(d.quantiles.p50, m),
        None => "-".into(),
    }
}

/// The configured share and the observed one: `5.0% → 4.8%`, or just the observed.
pub fn configured_vs_observed(configured: Option<f64>, observed: Option<f64>) -> String {
    match configured {
        Some(c) => format!("{} → {}", percent(c), maybe_percent(observed)),
        None => maybe_percent(observed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.04817), "4.8%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(number(42.0), "42");
        assert_eq!(number(1.23456), "1.23");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(49.98), "49.98");
        assert_eq!(number(100.10), "100.1");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit_middle("items[].unit_price", 10), "item…price");
        assert_eq!(fit_middle("abc", 3), "abc");
        assert_eq!(fit_middle("abcd", 1), "…");
        assert_eq!(fit_middle("abcd", 0), "");
        assert_eq!(number(1234.56), "1234.6");
        assert_eq!(number(1.5e12), "1.50e12");
        assert_eq!(per_second(12_345_678.0), "12.3M/s");
        assert_eq!(per_second(850_000.0), "850k/s");
        assert_eq!(per_second(12.0), "12/s");
        assert_eq!(duration(Duration::from_micros(850)), "850 µs");
        assert_eq!(duration(Duration::from_millis(23)), "23 ms");
        assert_eq!(duration(Duration::from_millis(12_300)), "12.3 s");
        assert_eq!(ago(Duration::from_secs(4)), "4s ago");
        assert_eq!(ago(Duration::from_secs(185)), "3m ago");
        assert_eq!(
            configured_vs_observed(Some(0.05), Some(0.048)),
            "5.0% → 4.8%"
        );
        assert_eq!(configured_vs_observed(None, None), "-");
    }
}
