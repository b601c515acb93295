//! Dates, date-times and times in statistics: recognised by their shape, read as
//! seconds and written back by the generator's own RFC 3339 code
//! ([`crate::generate::temporal`]), so that a temporal field gets numeric statistics
//! shown as dates.

use crate::generate::temporal::TemporalGen;
pub use crate::generate::temporal::TemporalKind;

const SECONDS_PER_DAY: f64 = 86_400.0;
/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: what a four-digit year can write.
const FIRST_SECOND: f64 = -62_135_596_800.0;
const LAST_SECOND: f64 = 253_402_300_799.0;

/// The kind a string looks like (separators only: cheap); [`parse_seconds`] decides.
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
/// midnight UTC, time as seconds since midnight UTC; `None` if it is not of that kind.
pub fn parse_seconds(kind: TemporalKind, s: &str) -> Option<f64> {
    TemporalGen::parse_seconds(kind, s)
}

/// Writes `seconds` (as [`parse_seconds`] gives them) in the kind's syntax; `short`
/// keeps only the date of a date-time. Values beyond the years 0001-9999 are written
/// as the nearest end.
pub fn format(kind: TemporalKind, seconds: f64, short: bool) -> String {
    let seconds = seconds.clamp(FIRST_SECOND, LAST_SECOND).floor();
    let mut out = String::with_capacity(20);
    match kind {
        TemporalKind::Date => kind.push((seconds / SECONDS_PER_DAY).floor() as i64, &mut out),
        TemporalKind::DateTime | TemporalKind::Time => kind.push(seconds as i64, &mut out),
    }
    if short && kind == TemporalKind::DateTime {
        out.truncate("2024-03-05".len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_reads_and_writes_the_three_kinds() {
        let dt = detect("2024-03-05T14:07:09Z").unwrap();
        assert_eq!(dt, TemporalKind::DateTime);
        let s = parse_seconds(dt, "2024-03-05T14:07:09.5Z").unwrap();
        assert_eq!(format(dt, s, false), "2024-03-05T14:07:09Z");
        assert_eq!(format(dt, s, true), "2024-03-05");
        assert_eq!(parse_seconds(dt, "2024-02-30T00:00:00Z"), None);

        let date = detect("2024-02-29").unwrap();
        assert_eq!(date, TemporalKind::Date);
        let s = parse_seconds(date, "2024-02-29").unwrap();
        assert_eq!(format(date, s, false), "2024-02-29");

        let time = detect("23:59:59Z").unwrap();
        assert_eq!(time, TemporalKind::Time);
        assert_eq!(parse_seconds(time, "00:00:10Z"), Some(10.0));
        assert_eq!(format(time, 10.0, false), "00:00:10Z");

        assert_eq!(detect("hello world"), None);
        assert_eq!(detect("2024-03-05 and more"), Some(TemporalKind::DateTime));
    }

    #[test]
    fn values_beyond_four_digit_years_are_clamped() {
        assert_eq!(format(TemporalKind::Date, -1e12, false), "0001-01-01");
        assert_eq!(
            format(TemporalKind::DateTime, 1e12, false),
            "9999-12-31T23:59:59Z"
        );
    }
}
