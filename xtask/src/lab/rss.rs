//! `cargo xtask lab rss`: how much memory our module costs a real ceph-mgr, as one JSON line.
//!
//! The figure compares processes, not one process before and after: Python's allocator seldom
//! gives memory back, so a mgr that ran the module and then disabled it still holds what the
//! module used. The measurement brings up a lab of its own (`labs/rss-<release>` in the cache by
//! default, never another lab's directory) with `--members N` in the fake, and runs three fresh
//! ceph-mgr processes in it one after the other, each started by the lab with the same
//! configuration:
//!
//! - `enabled`: `microceph` enabled and selected as the orchestrator backend, as `lab up` left it;
//! - `disabled`: the module disabled and the backend unset (`mgr/orchestrator/orchestrator`
//!   removed), set through the mon while no mgr runs. ceph-mgr still imports every module in its
//!   module path at start to learn its options and commands, so `_native` is loaded here too;
//! - `absent`: as `disabled`, with `microceph` also removed from the lab's module directory, so the
//!   mgr never imports it.
//!
//! Ceph's always-on modules (the orchestrator among them) and the lab's `iostat` run in all three;
//! in the first, the orchestrator module calls our backend. Each mgr gets the same workload once
//! it is active: a few rounds of `ceph orch ls --refresh`, `ps --refresh`, `device ls --refresh`
//! and `host ls`, which fill the module's cache with the whole cluster in the first process and
//! fail at once ("No orchestrator configured") in the other two. Then the process is left alone
//! until it is at least `MIN_AGE` old and its `VmRSS` has moved less than `SETTLE_TOLERANCE`
//! over `SETTLE_WINDOW` readings a second apart (or `SETTLE_TIMEOUT` has passed, which the line
//! records as `"settled": false`), and then read `samples` more times, a second apart.
//!
//! `overhead` (and `median`, the name benchmark lines share) is the median `VmRSS` of `enabled`
//! less that of `disabled`; `overhead_vs_absent` counts the import as well. `pss` gives the same
//! with each page shared with another process (the mon maps the same Ceph libraries) divided
//! among them. Every figure is reported, never checked against the target: a measurement on a
//! shared machine is a figure, not a test.
//!
//! The lab is brought up and down by running this xtask's own `lab up` and `lab down`, their
//! output sent to standard error, so standard output holds only the JSON line. `lab up` refuses a
//! directory where a lab runs, and a release's labs share its loopback ports, so the measurement
//! fails early while another lab of the same release runs; it only ever stops the processes
//! recorded in its own lab directory, and leaves that lab down.

mod case;
mod memory;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

use super::cluster::{self, Watched};
use super::{Lab, LabRelease, files, processes, step, type_versions};
use crate::process;
use case::{Phase, Setup, case_line, median, mib};
use memory::Reading;

/// How old each mgr must be before it is read, so all three have run their modules' start-up and
/// our module's first periodic refresh.
const MIN_AGE: Duration = Duration::from_secs(75);

/// The readings that must agree, and by how much (in KiB), before a mgr counts as settled.
const SETTLE_WINDOW: usize = 5;
const SETTLE_TOLERANCE: u64 = 1024;

/// How long after its workload a mgr may take to settle before it is read anyway.
const SETTLE_TIMEOUT: Duration = Duration::from_mins(3);

/// The time between two readings.
const INTERVAL: Duration = Duration::from_secs(1);

/// How long a started mgr may take to become active, and the module to answer.
const START_TIMEOUT: Duration = Duration::from_mins(2);

/// The workload each mgr gets, `ROUNDS` times over.
const WORKLOAD: [&[&str]; 4] = [
    &["orch", "ls", "--refresh"],
    &["orch", "ps", "--refresh"],
    &["orch", "device", "ls", "--refresh"],
    &["orch", "host", "ls"],
];
const ROUNDS: usize = 3;

/// The lab's own mgr, as its PID file is named.
const MGR: &str = "ceph-mgr";

/// Our module, as ceph-mgr and the lab's module directory name it.
const MODULE: &str = "microceph";

/// Brings up a lab of `release` with `members` in the fake in `dir` (`labs/rss-<release>` in the
/// cache when `None`), measures the mgr's memory with our module enabled, disabled and absent,
/// brings the lab down again and returns the case line. See the top of this file.
pub(crate) fn measure(
    release: &str,
    members: u32,
    samples: usize,
    dir: Option<&Path>,
) -> anyhow::Result<Value> {
    let lab_release = LabRelease::named(release).context("unknown release")?;
    if samples == 0 {
        bail!("the mgr's memory needs at least one sample");
    }
    let dir = match dir {
        Some(dir) => super::absolute(dir)?,
        None => crate::ceph_python::cache_dir()?
            .join("labs")
            .join(format!("rss-{}", lab_release.release.name)),
    };
    let dir_arg = dir.display().to_string();
    let members_arg = members.to_string();
    lab_command(&[
        "up",
        "--ceph",
        release,
        "--members",
        &members_arg,
        "--dir",
        &dir_arg,
    ])?;
    let measured = measure_in(&dir, samples);
    let down = lab_command(&["down", "--dir", &dir_arg]);
    let (version, phases) = match (measured, down) {
        (Ok(measured), Ok(())) => measured,
        (Err(error), Ok(())) => return Err(error),
        (Ok(_), Err(error)) => return Err(error.context("measured, but the lab did not stop")),
        (Err(error), Err(down_error)) => {
            return Err(error.context(format!("the lab did not stop either: {down_error:#}")));
        }
    };
    Ok(case_line(release, &version, members, samples, &phases))
}

/// `lab rss`: prints the case line of [`measure`] on standard output.
pub(super) fn run(
    release: &str,
    members: u32,
    samples: usize,
    dir: Option<&Path>,
) -> anyhow::Result<()> {
    let line = measure(release, members, samples, dir)?;
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}

/// Runs `cargo xtask lab ARGS` with this xtask binary, its standard output sent to standard
/// error.
fn lab_command(args: &[&str]) -> anyhow::Result<()> {
    let xtask = std::env::current_exe().context("cannot tell where this xtask binary is")?;
    process::run(
        Command::new(xtask)
            .arg("lab")
            .args(args)
            .stdout(Stdio::from(std::io::stderr())),
    )
}

/// Measures the three mgrs in the lab in `dir`, which runs as `lab up` left it; returns the
/// lab's Ceph version and the phases.
fn measure_in(dir: &Path, samples: usize) -> anyhow::Result<(String, Vec<Phase>)> {
    let lab = Lab::open(dir)?;
    let version = files::read_env(&dir.join("env"))?
        .remove("LAB_CEPH_VERSION")
        .unwrap_or_default();
    let phases = Setup::ALL
        .into_iter()
        .map(|setup| measure_mgr(&lab, setup, samples))
        .collect::<anyhow::Result<_>>()?;
    Ok((version, phases))
}

/// Stops the lab's mgr, prepares `setup`, starts a fresh mgr, gives it the workload, waits for it
/// to settle, and reads it.
fn measure_mgr(lab: &Lab, setup: Setup, samples: usize) -> anyhow::Result<Phase> {
    let pids = lab.path("pids");
    let previous = active_gid(lab)?;
    let report = processes::stop_recorded(&pids, MGR)?
        .with_context(|| format!("no ceph-mgr runs in {}", lab.dir.display()))?;
    step(&report);
    prepare(lab, setup)?;
    let python = lab.path(type_versions::DIR);
    // The PID is the mgr's once `chroot`, in a chroot lab, has executed it; the lab's checks
    // count it as the mgr only from then on, so none is made before the mgr is active.
    let pid = cluster::spawn(lab, MGR, python.is_dir().then_some(python.as_path()))?;
    let started = Instant::now();
    wait_until_ready(lab, setup, previous)?;
    step(&format!(
        "{} mgr (pid {pid}) ready after {:.1} s; running the workload",
        setup.name(),
        started.elapsed().as_secs_f64()
    ));
    workload(lab, setup)?;
    let (settled, settle) = settle(lab, pid, started)?;
    let mut readings = Vec::with_capacity(samples);
    for index in 0..samples {
        if index > 0 {
            std::thread::sleep(INTERVAL);
        }
        readings.push(read_mgr(lab, pid)?);
    }
    let phase = Phase {
        setup,
        pid,
        readings,
        settled,
        settle,
        age: started.elapsed(),
    };
    step(&format!(
        "{} mgr: VmRSS {:.1} MiB after {:.0} s",
        setup.name(),
        mib(median(&phase.readings, |reading| Some(reading.rss)).unwrap_or_default()),
        phase.age.as_secs_f64()
    ));
    Ok(phase)
}

/// Changes what the mon and the module directory say while no mgr runs.
fn prepare(lab: &Lab, setup: Setup) -> anyhow::Result<()> {
    match setup {
        Setup::Enabled => Ok(()),
        Setup::Disabled => {
            for args in [
                &["mgr", "module", "disable", MODULE][..],
                &["config", "rm", "mgr", "mgr/orchestrator/orchestrator"],
            ] {
                cluster::ceph_ok(lab, args).map_err(anyhow::Error::msg)?;
            }
            Ok(())
        }
        Setup::Absent => {
            let link = lab.path("mgr-modules").join(MODULE);
            std::fs::remove_file(&link).with_context(|| format!("cannot remove {}", link.display()))
        }
    }
}

/// Waits until a mgr other than `previous` is active and reports our module as `setup` says:
/// enabled and the available orchestrator backend, only listed, or not found at all.
fn wait_until_ready(lab: &Lab, setup: Setup, previous: Option<u64>) -> anyhow::Result<()> {
    let watched = Watched::daemon(MGR, "mgr", &lab.member);
    cluster::poll_watching(
        lab,
        &format!("a fresh mgr with {MODULE} {}", setup.name()),
        START_TIMEOUT,
        Some(&watched),
        || {
            let map = ceph_json(lab, &["mgr", "dump"])?;
            let fresh = map["available"] == true && map["active_gid"].as_u64() != previous;
            if !fresh {
                return Ok(None);
            }
            let modules = ceph_json(lab, &["mgr", "module", "ls"])?;
            if module_state(&modules) != Some(setup) {
                return Ok(None);
            }
            if setup != Setup::Enabled {
                return Ok(Some(()));
            }
            let status = ceph_json(lab, &["orch", "status"]).unwrap_or_default();
            Ok((status["available"] == true && status["backend"] == MODULE).then_some(()))
        },
    )
}

/// What `ceph mgr module ls` says of our module: enabled, listed as disabled, or not found.
fn module_state(modules: &Value) -> Option<Setup> {
    let names = |key: &str| {
        modules[key]
            .as_array()
            .is_some_and(|entries| entries.iter().any(module_named))
    };
    match (names("enabled_modules"), names("disabled_modules")) {
        (true, false) => Some(Setup::Enabled),
        (false, true) => Some(Setup::Disabled),
        (false, false) if modules.is_object() => Some(Setup::Absent),
        _ => None,
    }
}

/// Whether an entry of `mgr module ls` is our module: a name, or an object with one.
fn module_named(entry: &Value) -> bool {
    entry == MODULE || entry["name"] == MODULE
}

/// Runs the workload; each command must succeed with our module as backend, and fail without.
fn workload(lab: &Lab, setup: Setup) -> anyhow::Result<()> {
    for _ in 0..ROUNDS {
        for args in WORKLOAD {
            let output = cluster::ceph(lab, args).map_err(anyhow::Error::msg)?;
            let expected = setup == Setup::Enabled;
            if output.status.success() != expected {
                bail!(
                    "`ceph {}` {} with {MODULE} {}: {}",
                    args.join(" "),
                    if expected { "failed" } else { "succeeded" },
                    setup.name(),
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
        }
    }
    Ok(())
}

/// Reads the mgr every `INTERVAL` until it is `MIN_AGE` old and its last `SETTLE_WINDOW` readings
/// agree, or `SETTLE_TIMEOUT` passes; returns whether it settled and how long that took.
fn settle(lab: &Lab, pid: u32, started: Instant) -> anyhow::Result<(bool, Duration)> {
    let waiting = Instant::now();
    let mut window: Vec<u64> = Vec::with_capacity(SETTLE_WINDOW + 1);
    loop {
        window.push(read_mgr(lab, pid)?.rss);
        if window.len() > SETTLE_WINDOW {
            window.remove(0);
        }
        if started.elapsed() >= MIN_AGE && is_steady(&window) {
            return Ok((true, waiting.elapsed()));
        }
        if waiting.elapsed() >= SETTLE_TIMEOUT {
            step(&format!(
                "the mgr's VmRSS did not settle within {} s; reading it anyway",
                SETTLE_TIMEOUT.as_secs()
            ));
            return Ok((false, waiting.elapsed()));
        }
        std::thread::sleep(INTERVAL);
    }
}

/// Whether a full window of readings spans at most `SETTLE_TOLERANCE`.
fn is_steady(window: &[u64]) -> bool {
    let (Some(low), Some(high)) = (window.iter().min(), window.iter().max()) else {
        return false;
    };
    window.len() == SETTLE_WINDOW && high - low <= SETTLE_TOLERANCE
}

/// Reads the lab's mgr `pid`, after checking it is still the lab's mgr.
fn read_mgr(lab: &Lab, pid: u32) -> anyhow::Result<Reading> {
    let running = processes::running(&lab.path("pids"))
        .into_iter()
        .any(|(name, running)| name == MGR && running == pid);
    if !running {
        bail!(
            "the mgr (pid {pid}) stopped while it was measured; see {}",
            lab.path("log").display()
        );
    }
    memory::read(pid)
}

/// The active mgr's gid, if there is one.
fn active_gid(lab: &Lab) -> anyhow::Result<Option<u64>> {
    let map = ceph_json(lab, &["mgr", "dump"]).map_err(anyhow::Error::msg)?;
    Ok(map["active_gid"].as_u64().filter(|gid| *gid != 0))
}

fn ceph_json(lab: &Lab, args: &[&str]) -> Result<Value, String> {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let output = cluster::ceph(lab, &args)?;
    if !output.status.success() {
        return Err(format!(
            "`ceph {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("`ceph {}` printed no JSON: {error}", args.join(" ")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{SETTLE_WINDOW, Setup, is_steady, module_state};

    #[test]
    fn only_a_full_window_within_a_mebibyte_is_steady() {
        let base = 400_000;
        assert!(is_steady(&[base; SETTLE_WINDOW]));
        assert!(is_steady(&[base, base + 1024, base + 10, base, base + 500]));
        assert!(!is_steady(&[base, base + 1025, base, base, base]));
        assert!(!is_steady(&[base; SETTLE_WINDOW - 1]));
        assert!(!is_steady(&[]));
    }

    #[test]
    fn the_module_is_enabled_listed_or_absent() {
        let listed = json!({
            "always_on_modules": ["orchestrator"],
            "enabled_modules": ["iostat"],
            "disabled_modules": [{"name": "microceph", "can_run": true, "error_string": ""}],
        });
        assert_eq!(module_state(&listed), Some(Setup::Disabled));
        let enabled = json!({
            "enabled_modules": ["iostat", "microceph"],
            "disabled_modules": [{"name": "zabbix"}],
        });
        assert_eq!(module_state(&enabled), Some(Setup::Enabled));
        let absent = json!({"enabled_modules": ["iostat"], "disabled_modules": []});
        assert_eq!(module_state(&absent), Some(Setup::Absent));
        assert_eq!(module_state(&json!(null)), None);
    }
}
