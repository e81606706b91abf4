//! Ceph's timestamps, read and written.
//!
//! Ceph's maps write `utime_t` as `2026-12-05T07:13:48.123456+0000`: a date, `T` or a space, a time with optional fraction, and an optional zone (`Z`, `+HHMM` or `+HH:MM`; none means UTC).
//! [`unix_secs`] reads those, and the orchestrator's own `...Z` times, into seconds since the Unix epoch; anything else gives `None`, so a listing shows no start time rather than a wrong one.
//! [`iso`] writes a time as the orchestrator's JSON does, `2026-12-05T07:13:48.500000Z` (rounded to the microsecond, half to even, as Python's `datetime` does), and [`utc_text`] to the second, for messages.

/// Seconds since the Unix epoch of a Ceph timestamp.
pub fn unix_secs(text: &str) -> Option<f64> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let rest = rest.strip_prefix(['T', ' '])?;
    let mut date_parts = date.split('-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    if date_parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let zone_at = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(zone_at);
    let mut clock_parts = clock.split(':');
    let hour: u32 = clock_parts.next()?.parse().ok()?;
    let minute: u32 = clock_parts.next()?.parse().ok()?;
    let second: f64 = clock_parts.next()?.parse().ok()?;
    if clock_parts.next().is_some() || hour > 23 || minute > 59 || !(0.0..61.0).contains(&second) {
        return None;
    }
    let offset = zone_offset(zone)?;
    let days = days_from_civil(year, month, day);
    #[expect(
        clippy::cast_precision_loss,
        reason = "seconds since 1970 stay far below 2^52"
    )]
    let whole = (days * 86_400 + i64::from(hour) * 3_600 + i64::from(minute) * 60 - offset) as f64;
    Some(whole + second)
}

/// A time, in seconds since the Unix epoch, as `2026-12-05T07:13:48Z`.
pub fn utc_text(secs: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "whole seconds since 1970 fit an i64 for billions of years"
    )]
    let whole = secs.floor() as i64;
    format!("{}Z", date_and_clock(whole))
}

/// A time, in seconds since the Unix epoch, as the orchestrator's JSON writes it: `2026-12-05T07:13:48.500000Z`.
pub fn iso(secs: f64) -> String {
    let mut whole = secs.floor();
    let mut micros = ((secs - whole) * 1e6).round_ties_even();
    if micros >= 1e6 {
        whole += 1.0;
        micros -= 1e6;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "seconds since 1970 and microseconds fit an i64 by far"
    )]
    let (whole, micros) = (whole as i64, micros as i64);
    format!("{}.{micros:06}Z", date_and_clock(whole))
}

/// `2026-12-05T07:13:48` of whole seconds since the Unix epoch.
fn date_and_clock(whole: i64) -> String {
    let days = whole.div_euclid(86_400);
    let of_day = whole.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date of a number of days since 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// The zone's offset from UTC in seconds.
fn zone_offset(zone: &str) -> Option<i64> {
    if zone.is_empty() || zone == "Z" {
        return Some(0);
    }
    let (sign, digits) = match zone.split_at_checked(1)? {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    let digits = digits.replace(':', "");
    if digits.len() != 4 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..].parse().ok()?;
    Some(sign * (hours * 3_600 + minutes * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<f64>) {
        assert_eq!(unix_secs(text), expected, "timestamp {text:?}");
    }

    #[test]
    fn reads_ceph_timestamps() {
        check("1970-01-01T00:00:00.000000+0000", Some(0.0));
        check("2026-12-05T07:13:48.500000+0000", Some(1_796_454_828.5));
        check("2026-12-05 07:13:48Z", Some(1_796_454_828.0));
        check("2026-12-05T08:13:48+0100", Some(1_796_454_828.0));
        check("2026-12-05T02:13:48-05:00", Some(1_796_454_828.0));
        check("2000-02-29T00:00:00", Some(951_782_400.0));
    }

    #[test]
    fn writes_iso_times_as_the_orchestrator_does() {
        for (secs, expected) in [
            (0.0, "1970-01-01T00:00:00.000000Z"),
            (1_796_454_828.5, "2026-12-05T07:13:48.500000Z"),
            (951_782_400.000_001, "2000-02-29T00:00:00.000001Z"),
            (1_796_454_828.999_999_9, "2026-12-05T07:13:49.000000Z"),
            (-1.0, "1969-12-31T23:59:59.000000Z"),
        ] {
            assert_eq!(iso(secs), expected, "{secs}");
            assert_eq!(unix_secs(expected).map(iso).as_deref(), Some(expected));
        }
    }

    #[test]
    fn writes_utc_times_that_read_back() {
        assert_eq!(utc_text(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_text(1_796_454_828.7), "2026-12-05T07:13:48Z");
        assert_eq!(utc_text(951_782_400.0), "2000-02-29T00:00:00Z");
        for secs in [0.0, 951_782_399.0, 1_796_454_828.0, 4_102_444_800.0] {
            assert_eq!(unix_secs(&utc_text(secs)), Some(secs), "{secs}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for text in [
            "",
            "0.000000",
            "2026-13-05T07:13:48+0000",
            "2026-12-05T25:00:00",
            "2026-12-05T07:13:48+01",
            "2026-12-05X07:13:48",
            "yesterday",
        ] {
            check(text, None);
        }
    }
}
