//! Times as Ceph's orchestrator shows them: ISO timestamps in its JSON, ages such as `5s ago` in its tables.
//!
//! The backend gives times in seconds since the Unix epoch, and writes and reads them as Ceph's JSON does (`orch_backend::ceph_time`); Ceph's tables show how long ago they were with `to_pretty_timedelta`, which [`age`] follows.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch now.
pub(crate) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

pub(crate) use orch_backend::ceph_time::{iso, unix_secs};

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

#[cfg(test)]
mod tests {
    use super::*;

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
