//! Reading RFC 3339 dates, date-times and times as seconds, and writing them back, so
//! that temporal fields get numeric statistics shown as dates.
//!
//! TODO(merge): `generate::temporal` (format branch) grows the same two operations
//! (`TemporalGen::parse_seconds`, `TemporalKind::push`); once it lands, call those and
//! delete this file.

use serde::Serialize;

/// Which RFC 3339 shape a string field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TemporalKind {
    Date,
    DateTime,
    Time,
}

const SECONDS_PER_DAY: i64 = 86_400;

impl TemporalKind {
    /// Guesses the kind from the shape of one value (cheap: looks at separators only).
    pub fn detect(s: &str) -> Option<TemporalKind> {
        let b = s.as_bytes();
        if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
            match b.get(10) {
                None => Some(TemporalKind::Date),
                Some(b'T' | b't' | b' ') => Some(TemporalKind::DateTime),
                Some(_) => None,
            }
        } else if b.len() >= 8 && b[2] == b':' && b[5] == b':' {
            Some(TemporalKind::Time)
        } else {
            None
        }
    }

    /// The value as seconds: date-time as Unix seconds, date as the Unix seconds of its
    /// midnight UTC, time as seconds since midnight UTC. `None` unless `s` is a valid
    /// value of this kind (a missing offset on a time is read as UTC).
    pub fn parse_seconds(self, s: &str) -> Option<f64> {
        let mut cursor = Cursor {
            bytes: s.as_bytes(),
            at: 0,
        };
        let seconds = match self {
            TemporalKind::Date => cursor.date()? as f64 * SECONDS_PER_DAY as f64,
            TemporalKind::DateTime => {
                let days = cursor.date()?;
                if !matches!(cursor.next(), Some(b'T' | b't' | b' ')) {
                    return None;
                }
                let (time, fraction) = cursor.time()?;
                let offset = cursor.offset()?;
                (days * SECONDS_PER_DAY + time - offset) as f64 + fraction
            }
            TemporalKind::Time => {
                let (time, fraction) = cursor.time()?;
                let offset = if cursor.at == cursor.bytes.len() {
                    0
                } else {
                    cursor.offset()?
                };
                (time - offset).rem_euclid(SECONDS_PER_DAY) as f64 + fraction
            }
        };
        (cursor.at == cursor.bytes.len()).then_some(seconds)
    }

    /// Writes `seconds` (as [`parse_seconds`](Self::parse_seconds) returns them) in this
    /// kind's syntax; `short` drops the time of day of a date-time.
    pub fn format(self, seconds: f64, short: bool) -> String {
        let whole = seconds.floor() as i64;
        let days = whole.div_euclid(SECONDS_PER_DAY);
        let time = whole.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (time / 3600, time / 60 % 60, time % 60);
        match self {
            TemporalKind::Date => format!("{y:04}-{m:02}-{d:02}"),
            TemporalKind::DateTime if short => format!("{y:04}-{m:02}-{d:02}"),
            TemporalKind::DateTime => format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"),
            TemporalKind::Time => format!("{hh:02}:{mm:02}:{ss:02}"),
        }
    }

    /// The JSON Schema `format` name.
    pub fn name(self) -> &'static str {
        match self {
            TemporalKind::Date => "date",
            TemporalKind::DateTime => "date-time",
            TemporalKind::Time => "time",
        }
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0i64;
        for _ in 0..n {
            let b = self.next()?;
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(b - b'0');
        }
        Some(v)
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// `YYYY-MM-DD` as days since 1970-01-01.
    fn date(&mut self) -> Option<i64> {
        let y = self.digits(4)?;
        self.expect(b'-')?;
        let m = self.digits(2)?;
        self.expect(b'-')?;
        let d = self.digits(2)?;
        let valid = (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m);
        valid.then(|| days_from_civil(y, m, d))
    }

    /// `HH:MM:SS[.frac]` as (seconds since midnight, fraction).
    fn time(&mut self) -> Option<(i64, f64)> {
        let h = self.digits(2)?;
        self.expect(b':')?;
        let m = self.digits(2)?;
        self.expect(b':')?;
        let s = self.digits(2)?;
        if h > 23 || m > 59 || s > 60 {
            return None;
        }
        let mut fraction = 0.0;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            let start = self.at;
            let mut scale = 0.1;
            while let Some(b) = self.bytes.get(self.at).filter(|b| b.is_ascii_digit()) {
                fraction += f64::from(b - b'0') * scale;
                scale /= 10.0;
                self.at += 1;
            }
            if self.at == start {
                return None;
            }
        }
        Some((h * 3600 + m * 60 + s, fraction))
    }

    /// `Z` or `±HH:MM`, as seconds east of UTC.
    fn offset(&mut self) -> Option<i64> {
        match self.next()? {
            b'Z' | b'z' => Some(0),
            sign @ (b'+' | b'-') => {
                let h = self.digits(2)?;
                self.expect(b':')?;
                let m = self.digits(2)?;
                let east = h * 3600 + m * 60;
                Some(if sign == b'+' { east } else { -east })
            }
            _ => None,
        }
    }
}

fn is_leap_year(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap_year(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_the_three_kinds() {
        let dt = TemporalKind::detect("2024-03-05T14:07:09Z").unwrap();
        assert_eq!(dt, TemporalKind::DateTime);
        assert_eq!(dt.parse_seconds("1970-01-02T00:00:01Z"), Some(86_401.0));
        assert_eq!(dt.parse_seconds("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(
            dt.parse_seconds("2024-03-05T14:07:09.5Z"),
            Some(1_709_647_629.5)
        );
        assert_eq!(dt.format(1_709_647_629.5, false), "2024-03-05T14:07:09Z");
        assert_eq!(dt.format(1_709_647_629.5, true), "2024-03-05");
        assert_eq!(dt.parse_seconds("2024-02-30T00:00:00Z"), None);
        assert_eq!(dt.parse_seconds("2024-03-05T14:07:09"), None);

        let date = TemporalKind::detect("2024-02-29").unwrap();
        assert_eq!(date, TemporalKind::Date);
        let s = date.parse_seconds("2024-02-29").unwrap();
        assert_eq!(date.format(s, false), "2024-02-29");
        assert_eq!(date.parse_seconds("2023-02-29"), None);

        let time = TemporalKind::detect("23:59:59Z").unwrap();
        assert_eq!(time, TemporalKind::Time);
        assert_eq!(time.parse_seconds("00:00:10Z"), Some(10.0));
        assert_eq!(time.parse_seconds("01:00:10+01:00"), Some(10.0));
        assert_eq!(time.format(10.0, false), "00:00:10");
        assert_eq!(TemporalKind::detect("hello world"), None);
    }

    #[test]
    fn civil_conversion_round_trips() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
