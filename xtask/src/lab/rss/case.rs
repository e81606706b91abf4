//! The case line `lab rss` prints: the three mgrs it compares, the medians of their readings in
//! MiB, and the differences that make the figure.

use std::time::Duration;

use serde_json::{Value, json};

use super::memory::Reading;
use super::{ROUNDS, WORKLOAD};

/// The three mgrs that are compared, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Setup {
    Enabled,
    Disabled,
    Absent,
}

impl Setup {
    pub(super) const ALL: [Setup; 3] = [Setup::Enabled, Setup::Disabled, Setup::Absent];

    pub(super) fn name(self) -> &'static str {
        match self {
            Setup::Enabled => "enabled",
            Setup::Disabled => "disabled",
            Setup::Absent => "absent",
        }
    }
}

/// What was read of one mgr.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Phase {
    pub(super) setup: Setup,
    pub(super) pid: u32,
    pub(super) readings: Vec<Reading>,
    pub(super) settled: bool,
    /// From the end of the workload until the mgr settled or the wait gave up.
    pub(super) settle: Duration,
    /// The process's age at its last reading.
    pub(super) age: Duration,
}

/// The case line: the release, the cluster size and the figures of the three phases.
pub(super) fn case_line(
    release: &str,
    version: &str,
    members: u32,
    samples: usize,
    phases: &[Phase],
) -> Value {
    let phase = |setup: Setup| phases.iter().find(|phase| phase.setup == setup);
    let figure = |setup: Setup, field: fn(&Reading) -> Option<u64>| {
        phase(setup).and_then(|phase| median(&phase.readings, field))
    };
    let difference = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| mib(a - b));
    let rss = |setup| figure(setup, |reading| Some(reading.rss));
    let pss = |setup| figure(setup, |reading| reading.pss);
    let overhead = difference(rss(Setup::Enabled), rss(Setup::Disabled));
    let pss_line = Setup::ALL
        .iter()
        .all(|setup| pss(*setup).is_some())
        .then(|| {
            json!({
                "absent": pss(Setup::Absent).map(mib),
                "disabled": pss(Setup::Disabled).map(mib),
                "enabled": pss(Setup::Enabled).map(mib),
                "overhead": difference(pss(Setup::Enabled), pss(Setup::Disabled)),
                "overhead_vs_absent": difference(pss(Setup::Enabled), pss(Setup::Absent)),
            })
        });
    let workload: Vec<String> = WORKLOAD
        .iter()
        .map(|args| format!("ceph {}", args.join(" ")))
        .collect();
    json!({
        "case": "mgr_rss",
        "module": "microceph-orch",
        "params": {"ceph": release, "members": members, "samples": samples},
        "unit": "MiB",
        "disabled": rss(Setup::Disabled).map(mib),
        "enabled": rss(Setup::Enabled).map(mib),
        "overhead": overhead,
        "median": overhead,
        "target": "under 20 MiB",
        "absent": rss(Setup::Absent).map(mib),
        "overhead_vs_absent": difference(rss(Setup::Enabled), rss(Setup::Absent)),
        "pss": pss_line,
        "ceph_version": version,
        "workload": {"rounds": ROUNDS, "commands": workload},
        "phases": phases.iter().map(|phase| (phase.setup.name().to_owned(), phase_json(phase)))
            .collect::<serde_json::Map<_, _>>(),
    })
}

/// One phase's details: every `VmRSS` and `Pss` reading and the medians of the rest.
fn phase_json(phase: &Phase) -> Value {
    let all = |field: fn(&Reading) -> Option<u64>| {
        phase
            .readings
            .iter()
            .filter_map(field)
            .map(|kib| mib(to_f64(kib)))
            .collect::<Vec<_>>()
    };
    let med = |field: fn(&Reading) -> Option<u64>| median(&phase.readings, field).map(mib);
    json!({
        "pid": phase.pid,
        "rss": all(|reading| Some(reading.rss)),
        "pss": all(|reading| reading.pss),
        "private": med(|reading| reading.private),
        "anon": med(|reading| Some(reading.anon)),
        "file": med(|reading| Some(reading.file)),
        "peak": phase.readings.iter().map(|reading| reading.peak).max().map(|kib| mib(to_f64(kib))),
        "threads": phase.readings.last().map(|reading| reading.threads),
        "settled": phase.settled,
        "settle_s": seconds(phase.settle),
        "age_s": seconds(phase.age),
    })
}

/// The median of `field` over the readings that have it, in KiB.
pub(super) fn median(readings: &[Reading], field: fn(&Reading) -> Option<u64>) -> Option<f64> {
    let mut values: Vec<u64> = readings.iter().filter_map(field).collect();
    values.sort_unstable();
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        len if len % 2 == 1 => Some(to_f64(values[middle])),
        _ => Some(f64::midpoint(
            to_f64(values[middle - 1]),
            to_f64(values[middle]),
        )),
    }
}

/// KiB as MiB, to a tenth.
pub(super) fn mib(kib: f64) -> f64 {
    (kib / 1024.0 * 10.0).round() / 10.0
}

fn seconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 10.0).round() / 10.0
}

#[expect(
    clippy::cast_precision_loss,
    reason = "memory sizes in KiB stay far below 2^52"
)]
fn to_f64(kib: u64) -> f64 {
    kib as f64
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::{Phase, Setup, case_line, median};
    use crate::lab::rss::memory::Reading;

    fn reading(rss_mib: u64, pss_mib: Option<u64>) -> Reading {
        Reading {
            rss: rss_mib * 1024,
            peak: rss_mib * 1024 + 512,
            anon: rss_mib * 512,
            file: rss_mib * 512,
            threads: 90,
            pss: pss_mib.map(|mib| mib * 1024),
            private: pss_mib.map(|mib| mib * 1000),
        }
    }

    fn phase(setup: Setup, rss: &[u64], pss: Option<u64>) -> Phase {
        Phase {
            setup,
            pid: 100,
            readings: rss.iter().map(|rss| reading(*rss, pss)).collect(),
            settled: true,
            settle: Duration::from_millis(12_340),
            age: Duration::from_secs(80),
        }
    }

    #[test]
    fn the_overhead_is_enabled_less_disabled() {
        let phases = [
            phase(Setup::Enabled, &[230, 231, 250], Some(200)),
            phase(Setup::Disabled, &[219, 220, 218], Some(190)),
            phase(Setup::Absent, &[215, 215, 215], Some(186)),
        ];
        let line = case_line("pacific", "16.2.15", 256, 3, &phases);
        for (field, expected) in [
            ("case", json!("mgr_rss")),
            ("module", json!("microceph-orch")),
            (
                "params",
                json!({"ceph": "pacific", "members": 256, "samples": 3}),
            ),
            ("unit", json!("MiB")),
            ("enabled", json!(231.0)),
            ("disabled", json!(219.0)),
            ("absent", json!(215.0)),
            ("overhead", json!(12.0)),
            ("median", json!(12.0)),
            ("overhead_vs_absent", json!(16.0)),
            ("target", json!("under 20 MiB")),
            (
                "pss",
                json!({"absent": 186.0, "disabled": 190.0, "enabled": 200.0, "overhead": 10.0,
                       "overhead_vs_absent": 14.0}),
            ),
            ("ceph_version", json!("16.2.15")),
        ] {
            assert_eq!(line[field], expected, "{field}");
        }
        assert_eq!(
            line["phases"]["enabled"],
            json!({
                "pid": 100,
                "rss": [230.0, 231.0, 250.0],
                "pss": [200.0, 200.0, 200.0],
                "private": 195.3,
                "anon": 115.5,
                "file": 115.5,
                "peak": 250.5,
                "threads": 90,
                "settled": true,
                "settle_s": 12.3,
                "age_s": 80.0,
            })
        );
        assert_eq!(line["workload"]["commands"][0], "ceph orch ls --refresh");
    }

    #[test]
    fn without_pss_the_line_says_so() {
        let phases = [
            phase(Setup::Enabled, &[230], None),
            phase(Setup::Disabled, &[229], None),
            phase(Setup::Absent, &[228], None),
        ];
        let line = case_line("reef", "18.2.7", 3, 1, &phases);
        assert_eq!(line["pss"], json!(null));
        assert_eq!(line["overhead"], json!(1.0));
    }

    #[test]
    fn an_even_count_takes_the_middle_two() {
        let readings: Vec<Reading> = [4, 1, 3, 2].map(|mib| reading(mib, None)).into();
        assert_eq!(
            median(&readings, |reading| Some(reading.rss)),
            Some(2.5 * 1024.0)
        );
        assert_eq!(median(&readings, |reading| reading.pss), None);
        assert_eq!(median(&[], |reading| Some(reading.rss)), None);
    }
}
