//! Times as Ceph's orchestrator shows them: ISO timestamps in its JSON, ages such as `5s ago` in its tables.
//!
//! The backend gives times in seconds since the Unix epoch.
//! Ceph turns them into `datetime` objects (rounded to the microsecond, half to even) and writes them with `%Y-%m-%dT%H:%M:%S.%fZ`; its tables show how long ago they were with `to_pretty_timedelta`.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch now.
pub(crate) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

/// A time as Ceph's JSON writes it: `2026-12-05T07:13:48.500000Z`.
pub(crate) fn iso(unix_secs: f64) -> String {
    let whole = unix_secs.floor();
    let mut micros = ((unix_secs - whole) * 1e6).round_ties_even();
    let mut whole = whole;
    if micros >= 1e6 {
        whole += 1.0;
        micros -= 1e6;
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "seconds since 1970 and microseconds fit an i64 by far"
    )]
    let (seconds, micros) = (whole as i64, micros as i64);
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

/// Seconds since the Unix epoch of a timestamp written by [`iso`]; `None` for any other text.
pub(crate) fn unix_secs(iso: &str) -> Option<f64> {
    let (date, clock) = iso.strip_suffix('Z')?.split_once('T')?;
    let date: Vec<i64> = date
        .split('-')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let clock: Vec<f64> = clock
        .split(':')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let ([year, month, day], [hour, minute, second]) = (date.as_slice(), clock.as_slice()) else {
        return None;
    };
    let (year, month, day, hour, minute, second) = (*year, *month, *day, *hour, *minute, *second);
    #[expect(
        clippy::cast_precision_loss,
        reason = "days since 1970 stay far below 2^52"
    )]
    let days = days_from_civil(year, month, day) as f64;
    Some(days * 86_400.0 + hour * 3_600.0 + minute * 60.0 + second)
}

/// How long ago `then` was at `now`, as Ceph's tables show it: `42s`, `5m`, `3h`, `2d`, `3w`, `4M`, `2y`.
pub(crate) fn age(now: f64, then: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "an age in whole seconds fits an i64 by far"
    )]
    let seconds = (now - then).trunc() as i64;
    // The first bound above the age picks the unit, as `to_pretty_timedelta` does.
    let (unit_secs, unit) = [
        (120, 1, 's'),
        (7_200, 60, 'm'),
        (172_800, 3_600, 'h'),
        (1_209_600, 86_400, 'd'),
        (7_257_600, 604_800, 'w'),
        (63_072_000, 2_592_000, 'M'),
    ]
    .into_iter()
    .find(|(bound, _, _)| seconds < *bound)
    .map_or((31_536_000, 'y'), |(_, unit_secs, unit)| (unit_secs, unit));
    format!("{}{unit}", seconds.div_euclid(unit_secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_ceph_writes_them() {
        for (unix_secs, expected) in [
            (0.0, "1970-01-01T00:00:00.000000Z"),
            (1_796_454_828.5, "2026-12-05T07:13:48.500000Z"),
            (951_782_400.000_001, "2000-02-29T00:00:00.000001Z"),
            (1_796_454_828.999_999_9, "2026-12-05T07:13:49.000000Z"),
            (-1.0, "1969-12-31T23:59:59.000000Z"),
        ] {
            assert_eq!(iso(unix_secs), expected, "{unix_secs}");
            assert_eq!(
                super::unix_secs(expected).map(iso).as_deref(),
                Some(expected)
            );
        }
        assert_eq!(super::unix_secs("2026-12-05 07:13:48"), None);
    }

    #[test]
    fn ages_read_as_ceph_shows_them() {
        for (seconds, expected) in [
            (0.0, "0s"),
            (5.9, "5s"),
            (119.0, "119s"),
            (120.0, "2m"),
            (7_199.0, "119m"),
            (7_200.0, "2h"),
            (172_800.0, "2d"),
            (1_209_600.0, "2w"),
            (7_257_600.0, "2M"),
            (63_072_000.0, "2y"),
        ] {
            assert_eq!(
                age(1_000_000_000.0 + seconds, 1_000_000_000.0),
                expected,
                "{seconds}"
            );
        }
    }
}
