//! date, date-time and time values within a range, under a distribution.
//!
//! Each kind is drawn as one integer in its own unit, then formatted:
//! - date-time: seconds since the Unix epoch (UTC), written `2024-03-05T14:07:09Z`;
//! - date: days since the Unix epoch, written `2024-03-05`;
//! - time: seconds since midnight (UTC), written `14:07:09Z`.
//!
//! Civil dates use the proleptic Gregorian calendar (Howard Hinnant's days-from-civil
//! algorithm), limited to years 0001..=9999: what RFC 3339's four-digit year and Python's
//! `datetime` both accept.

use crate::generate::distribution::{DistributionSpec, IntSampler};
use crate::rng::SynthRng;
use rand::RngExt;

/// Which of the three RFC 3339 formats a value is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemporalKind {
    Date,
    DateTime,
    Time,
}

const SECONDS_PER_DAY: i64 = 86_400;
const FIRST_DAY: i64 = days_from_civil(1, 1, 1);
const LAST_DAY: i64 = days_from_civil(9999, 12, 31);
/// The default range is fixed, not relative to today, so that a seed always gives the
/// same data.
const DEFAULT_FIRST_DAY: i64 = days_from_civil(2022, 1, 1);
const DEFAULT_LAST_DAY: i64 = days_from_civil(2026, 6, 30);

impl TemporalKind {
    /// The JSON Schema `format` name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::DateTime => "date-time",
            Self::Time => "time",
        }
    }

    /// Number of code points of every value of this kind.
    pub fn length(self) -> usize {
        match self {
            Self::Date => "2024-03-05".len(),
            Self::DateTime => "2024-03-05T14:07:09Z".len(),
            Self::Time => "14:07:09Z".len(),
        }
    }

    /// The range drawn from when the user sets no bounds, in this kind's unit.
    pub fn default_range(self) -> (i64, i64) {
        match self {
            Self::Date => (DEFAULT_FIRST_DAY, DEFAULT_LAST_DAY),
            Self::DateTime => (
                DEFAULT_FIRST_DAY * SECONDS_PER_DAY,
                DEFAULT_LAST_DAY * SECONDS_PER_DAY + SECONDS_PER_DAY - 1,
            ),
            Self::Time => (0, SECONDS_PER_DAY - 1),
        }
    }

    /// Every value that can be written with a four-digit year, in this kind's unit.
    pub fn representable_range(self) -> (i64, i64) {
        match self {
            Self::Date => (FIRST_DAY, LAST_DAY),
            Self::DateTime => (
                FIRST_DAY * SECONDS_PER_DAY,
                LAST_DAY * SECONDS_PER_DAY + SECONDS_PER_DAY - 1,
            ),
            Self::Time => (0, SECONDS_PER_DAY - 1),
        }
    }

    /// Appends the value `units` (in this kind's unit, inside
    /// [`representable_range`](Self::representable_range)) in RFC 3339 syntax.
    pub fn push(self, units: i64, out: &mut String) {
        // Digits are written into a fixed template, then appended in one copy.
        match self {
            Self::Date => {
                let mut text = *b"0000-00-00";
                fill_date(units, &mut text);
                push_ascii(&text, out);
            }
            Self::DateTime => {
                let mut text = *b"0000-00-00T00:00:00Z";
                fill_date(units.div_euclid(SECONDS_PER_DAY), &mut text[..10]);
                fill_time_of_day(units.rem_euclid(SECONDS_PER_DAY), &mut text[11..19]);
                push_ascii(&text, out);
            }
            Self::Time => {
                let mut text = *b"00:00:00Z";
                fill_time_of_day(units.rem_euclid(SECONDS_PER_DAY), &mut text[..8]);
                push_ascii(&text, out);
            }
        }
    }

    /// Appends a value drawn uniformly from the default range.
    pub fn generate_default(self, rng: &mut SynthRng, out: &mut String) {
        let (lo, hi) = self.default_range();
        self.push(rng.random_range(lo..=hi), out);
    }

    /// Converts a parsed value to this kind's unit. A bound that falls between two units
    /// is moved inward (`Min` rounds up, `Max` rounds down), so every drawn value stays
    /// inside what the user wrote.
    fn bound_units(self, value: &Parsed, side: Side) -> i64 {
        let has_fraction = value.fraction > 0.0;
        match self {
            Self::Date => value.days,
            Self::DateTime => {
                if value.date_only {
                    // A bare date as a max means "through the end of that day".
                    return match side {
                        Side::Min => value.days * SECONDS_PER_DAY,
                        Side::Max => value.days * SECONDS_PER_DAY + SECONDS_PER_DAY - 1,
                    };
                }
                let whole = value.utc_seconds();
                whole + i64::from(side == Side::Min && has_fraction)
            }
            Self::Time => {
                let whole = value.utc_seconds().rem_euclid(SECONDS_PER_DAY);
                whole + i64::from(side == Side::Min && has_fraction)
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Min,
    Max,
}

/// Draws date, date-time or time values between two bounds.
#[derive(Debug, Clone)]
pub struct TemporalGen {
    kind: TemporalKind,
    sampler: IntSampler,
    /// Whether the schema or a knob gave a bound (else both are the default range's).
    bounded: bool,
    /// For the tuner: `date-time normal [2024-01-01T00:00:00Z, 2026-06-30T23:59:59Z]`.
    label: String,
}

impl TemporalGen {
    /// `min`/`max` are RFC 3339 values of `kind` (a date-time bound may also be a bare
    /// date: as `max` it means the end of that day); offsets are converted to UTC. A
    /// missing bound takes the default range's bound, or, when that would leave the
    /// range empty, the given bound moved by the default range's width.
    pub fn new(
        kind: TemporalKind,
        min: Option<&str>,
        max: Option<&str>,
        dist: &DistributionSpec,
    ) -> Result<Self, String> {
        let lo = min.map(|s| parse_bound(kind, s, Side::Min)).transpose()?;
        let hi = max.map(|s| parse_bound(kind, s, Side::Max)).transpose()?;
        let (default_lo, default_hi) = kind.default_range();
        let (floor, ceiling) = kind.representable_range();
        let width = default_hi - default_lo;
        let (lo, hi) = match (lo, hi) {
            (Some(lo), Some(hi)) => (lo, hi),
            (Some(lo), None) if lo > default_hi => (lo, (lo + width).min(ceiling)),
            (Some(lo), None) => (lo, default_hi),
            (None, Some(hi)) if hi < default_lo => ((hi - width).max(floor), hi),
            (None, Some(hi)) => (default_lo, hi),
            (None, None) => (default_lo, default_hi),
        };
        // Offsets can push a bound just outside the writable years; keep it writable.
        let (lo, hi) = (lo.max(floor), hi.min(ceiling));
        if lo > hi {
            return Err(format!(
                "{} range is empty: min {} is after max {}",
                kind.name(),
                quote(min),
                quote(max)
            ));
        }
        let sampler = dist
            .bind_int(lo, hi)
            .map_err(|e| format!("{} range {}..{}: {e}", kind.name(), quote(min), quote(max)))?;
        let (mut from, mut to) = (String::new(), String::new());
        kind.push(lo, &mut from);
        kind.push(hi, &mut to);
        let label = format!("{} {} [{from}, {to}]", kind.name(), dist.describe());
        Ok(Self {
            kind,
            sampler,
            bounded: min.is_some() || max.is_some(),
            label,
        })
    }

    pub fn describe(&self) -> String {
        self.label.clone()
    }

    pub fn kind(&self) -> TemporalKind {
        self.kind
    }

    /// What the generator was asked for, in the seconds statistics read its values in.
    pub fn law(&self) -> crate::generate::number::NumberLaw {
        crate::generate::number::NumberLaw::of_temporal(
            self.label.clone(),
            self.sampler.clone(),
            self.kind == TemporalKind::Date,
        )
    }

    /// The bounds, in the kind's units, and whether the schema or a knob set either.
    pub fn bounds(&self) -> (i64, i64, bool) {
        let (lo, hi) = self.sampler.bounds();
        (lo, hi, self.bounded)
    }

    /// The value of `key`, in the kind's units: what a [`StringGen`] of this generator
    /// writes for `key`.
    ///
    /// [`StringGen`]: super::string::StringGen
    pub fn draw(&self, key: u64) -> i64 {
        self.sampler.sample(&mut crate::rng::rng_for(key))
    }

    /// Appends one value to `out`.
    pub fn generate(&self, rng: &mut SynthRng, out: &mut String) {
        self.kind.push(self.sampler.sample(rng), out);
    }

    /// A value as seconds, for statistics: date-time as Unix seconds, date as the Unix
    /// seconds of its midnight UTC, time as seconds since midnight UTC. Accepts what
    /// [`generate`](Self::generate) writes and any other RFC 3339 value of the kind
    /// (a missing offset is read as UTC). `None` when `s` is not such a value.
    pub fn parse_seconds(kind: TemporalKind, s: &str) -> Option<f64> {
        let value = parse(kind, s)?;
        if value.date_only && kind != TemporalKind::Date {
            return None;
        }
        Some(match kind {
            TemporalKind::Date => (value.days * SECONDS_PER_DAY) as f64,
            TemporalKind::DateTime => value.utc_seconds() as f64 + value.fraction,
            TemporalKind::Time => {
                value.utc_seconds().rem_euclid(SECONDS_PER_DAY) as f64 + value.fraction
            }
        })
    }
}

fn quote(bound: Option<&str>) -> String {
    match bound {
        Some(s) => format!("{s:?}"),
        None => "(default)".to_owned(),
    }
}

fn parse_bound(kind: TemporalKind, s: &str, side: Side) -> Result<i64, String> {
    let expected = match kind {
        TemporalKind::Date => "a date like 2024-03-05",
        TemporalKind::DateTime => "a date-time like 2024-03-05T14:07:09Z or a date",
        TemporalKind::Time => "a time like 14:07:09Z",
    };
    let value = parse(kind, s).ok_or_else(|| format!("{s:?} is not {expected}"))?;
    Ok(kind.bound_units(&value, side))
}

/// One RFC 3339 value, taken apart.
#[derive(Debug, Default)]
struct Parsed {
    /// Days since the epoch (0 for a time).
    days: i64,
    /// Local seconds since midnight.
    seconds: i64,
    /// Sub-second part, in [0, 1).
    fraction: f64,
    /// The UTC offset in seconds (east positive).
    offset: i64,
    /// A date-time bound given as a bare date.
    date_only: bool,
}

impl Parsed {
    fn utc_seconds(&self) -> i64 {
        self.days * SECONDS_PER_DAY + self.seconds - self.offset
    }
}

/// Parses `s` as a value of `kind`; a date-time may also be a bare date.
fn parse(kind: TemporalKind, s: &str) -> Option<Parsed> {
    let mut cursor = Cursor {
        bytes: s.trim().as_bytes(),
        pos: 0,
    };
    let mut value = Parsed::default();
    if kind != TemporalKind::Time {
        value.days = cursor.date()?;
        if kind == TemporalKind::Date || cursor.at_end() {
            value.date_only = true;
            return cursor.at_end().then_some(value);
        }
        if !(cursor.eat(b'T') || cursor.eat(b't') || cursor.eat(b' ')) {
            return None;
        }
    }
    (value.seconds, value.fraction) = cursor.time_of_day()?;
    value.offset = cursor.offset()?;
    cursor.at_end().then_some(value)
}

/// A reader over the bytes of one value.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&byte);
        self.pos += usize::from(found);
        found
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Exactly `count` decimal digits.
    fn digits(&mut self, count: usize) -> Option<i64> {
        let digits = self.bytes.get(self.pos..self.pos + count)?;
        let mut value = 0;
        for &b in digits {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
        }
        self.pos += count;
        Some(value)
    }

    /// `YYYY-MM-DD`, as days since the epoch.
    fn date(&mut self) -> Option<i64> {
        let year = self.digits(4)?;
        self.expect(b'-')?;
        let month = self.digits(2)?;
        self.expect(b'-')?;
        let day = self.digits(2)?;
        let valid = year >= 1 && (1..=12).contains(&month) && day >= 1;
        (valid && day <= days_in_month(year, month)).then(|| days_from_civil(year, month, day))
    }

    /// `HH:MM[:SS[.fraction]]`, as (seconds since midnight, fraction).
    fn time_of_day(&mut self) -> Option<(i64, f64)> {
        let hour = self.digits(2)?;
        self.expect(b':')?;
        let minute = self.digits(2)?;
        let mut second = 0;
        let mut fraction = 0.0;
        if self.eat(b':') {
            second = self.digits(2)?;
            if self.eat(b'.') {
                let mut scale = 0.1;
                let start = self.pos;
                while let Some(digit) = self.digits(1) {
                    fraction += digit as f64 * scale;
                    scale /= 10.0;
                }
                if self.pos == start {
                    return None;
                }
            }
        }
        // Leap seconds (:60) are refused: Python's datetime cannot hold them.
        (hour < 24 && minute < 60 && second < 60).then_some((
            hour * 3600 + minute * 60 + second,
            fraction.min(0.999_999_999),
        ))
    }

    /// `Z`, `+HH:MM` or `-HH:MM`, as seconds east of UTC; nothing means UTC.
    fn offset(&mut self) -> Option<i64> {
        if self.at_end() || self.eat(b'Z') || self.eat(b'z') {
            return Some(0);
        }
        let sign = if self.eat(b'+') {
            1
        } else if self.eat(b'-') {
            -1
        } else {
            return None;
        };
        let hours = self.digits(2)?;
        self.expect(b':')?;
        let minutes = self.digits(2)?;
        (hours < 24 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
    }
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`):
/// counts in 400-year eras that start on March 1st, so the leap day ends each year.
pub(crate) const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let march_month = (month + 9) % 12; // March = 0 ... February = 11
    let day_of_year = (153 * march_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month, day).
const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Writes `YYYY-MM-DD` over the digits of a `0000-00-00` template.
fn fill_date(days: i64, text: &mut [u8]) {
    let (year, month, day) = civil_from_days(days);
    fill_two_digits(year / 100, &mut text[0..2]);
    fill_two_digits(year % 100, &mut text[2..4]);
    fill_two_digits(month, &mut text[5..7]);
    fill_two_digits(day, &mut text[8..10]);
}

/// Writes `HH:MM:SS` over the digits of a `00:00:00` template.
fn fill_time_of_day(seconds: i64, text: &mut [u8]) {
    fill_two_digits(seconds / 3600, &mut text[0..2]);
    fill_two_digits(seconds / 60 % 60, &mut text[3..5]);
    fill_two_digits(seconds % 60, &mut text[6..8]);
}

/// Writes `value` (0..=99) as two digits.
fn fill_two_digits(value: i64, text: &mut [u8]) {
    text[0] = b'0' + (value / 10) as u8;
    text[1] = b'0' + (value % 10) as u8;
}

fn push_ascii(text: &[u8], out: &mut String) {
    out.push_str(std::str::from_utf8(text).expect("templates hold ASCII digits only"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::test_util::draw_strings;
    use serde_json::json;

    fn uniform() -> DistributionSpec {
        DistributionSpec::parse(&json!("uniform")).expect("uniform parses")
    }

    fn draw(generator: &TemporalGen, key: u64, count: usize) -> Vec<String> {
        draw_strings(key, count, |rng, out| generator.generate(rng, out))
    }

    #[test]
    fn civil_conversion_round_trips_every_day() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        for days in FIRST_DAY..=LAST_DAY {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn formats_known_instants() {
        let mut out = String::new();
        TemporalKind::DateTime.push(1_709_647_629, &mut out);
        assert_eq!(out, "2024-03-05T14:07:09Z");
        out.clear();
        TemporalKind::Date.push(days_from_civil(2024, 2, 29), &mut out);
        assert_eq!(out, "2024-02-29");
        out.clear();
        TemporalKind::Time.push(50_829, &mut out);
        assert_eq!(out, "14:07:09Z");
        out.clear();
        TemporalKind::DateTime.push(FIRST_DAY * SECONDS_PER_DAY, &mut out);
        assert_eq!(out, "0001-01-01T00:00:00Z");
    }

    #[test]
    fn parse_seconds_reads_offsets_and_fractions() {
        let p = TemporalGen::parse_seconds;
        assert_eq!(
            p(TemporalKind::DateTime, "2024-03-05T14:07:09Z"),
            Some(1_709_647_629.0)
        );
        assert_eq!(
            p(TemporalKind::DateTime, "2024-03-05T16:07:09+02:00"),
            Some(1_709_647_629.0)
        );
        assert_eq!(
            p(TemporalKind::DateTime, "2024-03-05t14:07:09.5z"),
            Some(1_709_647_629.5)
        );
        assert_eq!(p(TemporalKind::Date, "1970-01-02"), Some(86_400.0));
        assert_eq!(p(TemporalKind::Time, "14:07:09Z"), Some(50_829.0));
        assert_eq!(p(TemporalKind::Time, "01:00:00+02:00"), Some(82_800.0));
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-3-05",
            "2024-03-05T",
            "2024-03-05x",
        ] {
            assert_eq!(p(TemporalKind::Date, bad), None, "{bad}");
        }
        assert_eq!(p(TemporalKind::DateTime, "2024-03-05"), None);
        assert_eq!(p(TemporalKind::DateTime, "2024-03-05T24:00:00Z"), None);
        assert_eq!(p(TemporalKind::Time, "14:07:60Z"), None);
        assert_eq!(p(TemporalKind::Time, "14:07:09+2:00"), None);
        assert_eq!(p(TemporalKind::Time, "14:07:09."), None);
    }

    #[test]
    fn values_stay_in_range_and_round_trip() {
        let cases = [
            (
                TemporalKind::DateTime,
                "2023-06-01T08:30:00+02:00",
                "2023-06-03T12:00:00.5Z",
            ),
            (TemporalKind::DateTime, "2021-01-01", "2021-01-01"),
            (TemporalKind::Date, "1999-12-25", "2000-03-01"),
            (TemporalKind::Time, "09:00:00.25Z", "17:30:00Z"),
        ];
        for (kind, min, max) in cases {
            let generator = TemporalGen::new(kind, Some(min), Some(max), &uniform()).unwrap();
            let lo = TemporalGen::parse_seconds(kind, min).unwrap_or_else(|| {
                // a bare date as a date-time bound: the whole day
                TemporalGen::parse_seconds(TemporalKind::Date, min).unwrap()
            });
            let hi = TemporalGen::parse_seconds(kind, max).unwrap_or_else(|| {
                TemporalGen::parse_seconds(TemporalKind::Date, max).unwrap() + 86_399.0
            });
            for value in draw(&generator, 7, 2_000) {
                assert_eq!(value.chars().count(), kind.length(), "{value}");
                let seconds = TemporalGen::parse_seconds(kind, &value).unwrap();
                assert!(
                    lo <= seconds && seconds <= hi,
                    "{value} outside {min}..{max}"
                );
                let mut again = String::new();
                let units = match kind {
                    TemporalKind::Date => seconds as i64 / SECONDS_PER_DAY,
                    _ => seconds as i64,
                };
                kind.push(units, &mut again);
                assert_eq!(again, value);
            }
        }
    }

    #[test]
    fn defaults_are_fixed_and_bounds_extend_them() {
        let dt = TemporalGen::new(TemporalKind::DateTime, None, None, &uniform()).unwrap();
        for value in draw(&dt, 1, 1_000) {
            assert!(("2020-01-01T00:00:00Z".."2026-12-31T23:59:60Z").contains(&value.as_str()));
        }
        // A min after the default max keeps a non-empty range after the min.
        let late =
            TemporalGen::new(TemporalKind::Date, Some("2040-01-01"), None, &uniform()).unwrap();
        for value in draw(&late, 2, 1_000) {
            assert!(
                ("2040-01-01".."2047-01-01").contains(&value.as_str()),
                "{value}"
            );
        }
        let early =
            TemporalGen::new(TemporalKind::Date, None, Some("0003-01-01"), &uniform()).unwrap();
        for value in draw(&early, 3, 1_000) {
            assert!(
                ("0001-01-01"..="0003-01-01").contains(&value.as_str()),
                "{value}"
            );
        }
    }

    #[test]
    fn output_is_deterministic() {
        let generator = TemporalGen::new(TemporalKind::DateTime, None, None, &uniform()).unwrap();
        assert_eq!(draw(&generator, 99, 100), draw(&generator, 99, 100));
        assert_ne!(draw(&generator, 99, 100), draw(&generator, 100, 100));
    }

    #[test]
    fn uniform_draws_fill_ten_bins_evenly() {
        for kind in [
            TemporalKind::DateTime,
            TemporalKind::Date,
            TemporalKind::Time,
        ] {
            let generator = TemporalGen::new(kind, None, None, &uniform()).unwrap();
            let (lo, hi) = kind.default_range();
            let unit = if kind == TemporalKind::Date {
                SECONDS_PER_DAY
            } else {
                1
            };
            let (lo, width) = ((lo * unit) as f64, ((hi - lo + 1) * unit) as f64);
            let samples = 20_000;
            let mut bins = [0_u32; 10];
            for value in draw(&generator, 5, samples) {
                let seconds = TemporalGen::parse_seconds(kind, &value).unwrap();
                bins[((seconds - lo) / width * 10.0) as usize] += 1;
            }
            let expected = samples as f64 / 10.0;
            let chi_square: f64 = bins
                .iter()
                .map(|&n| (f64::from(n) - expected).powi(2) / expected)
                .sum();
            // 9 degrees of freedom: P(chi² > 27.9) = 0.001.
            assert!(
                chi_square < 27.9,
                "{kind:?}: chi² = {chi_square}, bins {bins:?}"
            );
        }
    }

    #[test]
    fn bad_bounds_are_reported_with_the_value() {
        let cases = [
            (
                TemporalKind::Date,
                Some("2024-13-01"),
                None,
                "\"2024-13-01\"",
            ),
            (
                TemporalKind::DateTime,
                Some("yesterday"),
                None,
                "\"yesterday\"",
            ),
            (TemporalKind::Time, None, Some("25:00:00Z"), "\"25:00:00Z\""),
            (
                TemporalKind::Date,
                Some("2024-05-01"),
                Some("2024-04-01"),
                "after max \"2024-04-01\"",
            ),
            (
                TemporalKind::Time,
                Some("12:00:00.5Z"),
                Some("12:00:00Z"),
                "min \"12:00:00.5Z\"",
            ),
        ];
        for (kind, min, max, needle) in cases {
            let err = TemporalGen::new(kind, min, max, &uniform()).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
