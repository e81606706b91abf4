//! What the lab's MicroCeph does after it restarts a service: `cargo xtask lab on-restart`, run by
//! `fake-microceph --restart-hook` through the lab's `restart-hook` script.
//!
//! MicroCeph's snap restarts the daemon on the member; the lab has real daemons only for its own
//! member, so a restart of `mon` there restarts the lab's ceph-mon for real and waits until it is
//! back in quorum, after a new election, as MicroCeph's restart handler waits for its workers.
//! Restarts of other services, or on other members, have nothing real to restart.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::cluster::{self, Watched};
use super::{Lab, processes, step};

/// How long the restarted mon may take to rejoin the quorum.
const QUORUM_TIMEOUT: Duration = Duration::from_mins(1);

/// The name of the script `lab up` writes into the lab directory for `--restart-hook`.
pub(super) const SCRIPT: &str = "restart-hook";

/// Runs the restart of `service` on `member` in the lab in `dir`.
pub(super) fn run(dir: &Path, member: &str, service: &str) -> anyhow::Result<()> {
    let lab = Lab::open(dir)?;
    if member != lab.member || service != "mon" {
        return Ok(());
    }
    let started = Instant::now();
    processes::stop_recorded(&lab.path("pids"), "ceph-mon")?;
    cluster::spawn(&lab, "ceph-mon", None)?;
    let watched = Watched::daemon("ceph-mon", "mon", &lab.member);
    cluster::poll_watching(
        &lab,
        &format!("mon.{member} to rejoin the quorum"),
        QUORUM_TIMEOUT,
        Some(&watched),
        || {
            let output = cluster::ceph(&lab, &["quorum_status", "--format", "json"])?;
            let status: Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
            let in_quorum = status["quorum_names"]
                .as_array()
                .is_some_and(|names| names.iter().any(|name| name == member));
            Ok(in_quorum.then_some(()))
        },
    )?;
    step(&format!(
        "mon.{member} restarted and back in quorum after {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// The script `fake-microceph` runs as its restart hook: `cargo xtask lab on-restart` for this lab.
pub(super) fn script(xtask: &Path, dir: &Path) -> String {
    format!(
        "#!/bin/sh\n\
         # Written by `cargo xtask lab up`: fake-microceph runs this after it restarts a service,\n\
         # as `restart-hook MEMBER SERVICE`, and answers the restart once it has exited.\n\
         exec '{}' lab on-restart --dir '{}' \"$1\" \"$2\"\n",
        xtask.display(),
        dir.display()
    )
}
