//! RFC 3339 dates and date-times (JSON Schema's `date` and `date-time` formats) as the
//! numbers Parquet stores: days since 1970-01-01, microseconds since 1970-01-01T00:00Z.
//! Small enough to keep here instead of pulling a date library into the build.

/// `YYYY-MM-DD` as days since 1970-01-01.
pub(crate) fn parse_date(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 {
        return None;
    }
    let days = date_days(bytes)?;
    i32::try_from(days).ok()
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` as microseconds since the epoch, UTC.
/// `t`, `z` and a space for `T` are accepted (RFC 3339 §5.6 and its note); fractions
/// beyond microseconds are truncated; a leap second `:60` rolls into the next minute.
pub(crate) fn parse_date_time(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let days = date_days(&bytes[..10])?;
    let (hour, minute, second) = (
        number(&bytes[11..13])?,
        number(&bytes[14..16])?,
        number(&bytes[17..19])?,
    );
    if bytes[13] != b':' || bytes[16] != b':' || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &bytes[19..];
    let mut micros = 0;
    if let Some((b'.', fraction)) = rest.split_first() {
        let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for i in 0..6 {
            micros = micros * 10
                + fraction
                    .get(i)
                    .filter(|_| i < digits)
                    .map_or(0, |d| i64::from(d - b'0'));
        }
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (number(&[*h1, *h2])?, number(&[*m1, *m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = hours * 3600 + minutes * 60;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(seconds * 1_000_000 + micros)
}

/// Days since 1970-01-01 of a valid `YYYY-MM-DD`.
fn date_days(bytes: &[u8]) -> Option<i64> {
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let (year, month, day) = (
        number(&bytes[..4])?,
        number(&bytes[5..7])?,
        number(&bytes[8..10])?,
    );
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// An unsigned decimal of ASCII digits only.
fn number(digits: &[u8]) -> Option<i64> {
    digits.iter().try_fold(0i64, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
    })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("1969-12-31"), Some(-1));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("0001-01-01"), Some(-719_162));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "２０２４-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times() {
        assert_eq!(parse_date_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_date_time("2024-01-01T12:34:56Z"),
            Some(1_704_112_496_000_000)
        );
        assert_eq!(
            parse_date_time("2024-01-01t12:34:56z"),
            Some(1_704_112_496_000_000)
        );
        assert_eq!(
            parse_date_time("2024-01-01 12:34:56Z"),
            Some(1_704_112_496_000_000)
        );
        assert_eq!(
            parse_date_time("2024-01-01T12:34:56.123456+02:00"),
            Some(1_704_105_296_123_456),
            "the offset is subtracted"
        );
        assert_eq!(
            parse_date_time("2024-01-01T12:34:56.5-01:30"),
            Some(1_704_117_896_500_000)
        );
        assert_eq!(
            parse_date_time("2024-01-01T12:34:56.123456789Z"),
            Some(1_704_112_496_123_456)
        );
        assert_eq!(
            parse_date_time("2016-12-31T23:59:60Z"),
            parse_date_time("2017-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_date_time("0001-01-01T00:00:00Z"),
            Some(-62_135_596_800_000_000)
        );
        assert_eq!(
            parse_date_time("9999-12-31T23:59:59Z"),
            Some(253_402_300_799_000_000)
        );
        for bad in [
            "2024-01-01",
            "2024-01-01T12:34:56",
            "2024-01-01T24:00:00Z",
            "2024-01-01T12:60:00Z",
            "2024-01-01T12:34:56.Z",
            "2024-01-01T12:34:56+0200",
            "2024-01-01T12:34:56+24:00",
            "2024-02-30T00:00:00Z",
            "lorem ipsum dolor sit",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }
}
