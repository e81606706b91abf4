//! The lab's MicroCeph: `fake-microceph` on the host, serving its generated cluster on a socket in
//! the lab directory.
//!
//! The cluster's local member is [`LAB_MEMBER`], and the lab's mon and mgr take that name as
//! their id, as MicroCeph names a member's daemons after the member: so Ceph's maps know the
//! daemons MicroCeph lists on that member, and nothing of the other members'. The name is fixed
//! rather than the machine's, so that every listing has the same order and widths on every
//! machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

use super::{Lab, on_restart, processes};
use crate::process::{self, cargo};

/// Builds the fake in release mode and returns its binary.
pub(super) fn build() -> anyhow::Result<PathBuf> {
    process::run(cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "fake-microceph",
        "--bin",
        "fake-microceph",
    ]))?;
    Ok(process::target_dir().join("release").join("fake-microceph"))
}

/// The lab's MicroCeph member, and the id of its mon and first mgr.
pub(crate) const LAB_MEMBER: &str = "node1";

/// Writes the cluster file: the fake's generated cluster of `members`, whose first member,
/// [`LAB_MEMBER`], is the local one.
pub(super) fn write_cluster(binary: &Path, members: u32, file: &Path) -> anyhow::Result<()> {
    let mut describe = Command::new(binary);
    describe
        .args(["describe", "--members"])
        .arg(members.to_string());
    process::echo(&describe);
    let output = describe
        .output()
        .with_context(|| format!("could not run {}", binary.display()))?;
    if !output.status.success() {
        bail!(
            "`fake-microceph describe` failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let cluster: Value = serde_json::from_slice(&output.stdout)
        .context("`fake-microceph describe` printed something other than JSON")?;
    if cluster["local_member"].as_str() != Some(LAB_MEMBER) {
        bail!(
            "`fake-microceph describe` made {} the local member, not {LAB_MEMBER}",
            cluster["local_member"]
        );
    }
    std::fs::write(file, serde_json::to_string_pretty(&cluster)? + "\n")
        .with_context(|| format!("cannot write {}", file.display()))
}

/// The fake's name among the lab's processes.
const PROCESS: &str = "fake-microceph";

/// Stops the fake of the running lab in `dir`, as MicroCeph's daemon stopping would.
pub(crate) fn stop_running(dir: &Path) -> anyhow::Result<()> {
    processes::stop_recorded(&dir.join("pids"), PROCESS)?
        .with_context(|| format!("no fake-microceph runs in {}", dir.display()))
        .map(drop)
}

/// Starts the fake of the running lab in `dir` again, on its socket and with the lab's cluster.
pub(crate) fn start_again(dir: &Path) -> anyhow::Result<()> {
    let lab = Lab::open(dir)?;
    let binary = process::target_dir().join("release").join(PROCESS);
    start(&binary, &lab, &lab.path("control.socket"))
}

/// Whether the fake of the lab in `dir` runs.
pub(crate) fn runs(dir: &Path) -> bool {
    processes::is_running(&dir.join("pids"), PROCESS)
}

/// Starts the fake on `socket` and waits until it accepts connections.
pub(super) fn start(binary: &Path, lab: &Lab, socket: &Path) -> anyhow::Result<()> {
    let pids = lab.path("pids");
    processes::spawn(
        Command::new(binary)
            .arg("serve")
            .arg("--socket")
            .arg(socket)
            .arg("--cluster")
            .arg(lab.path("cluster.json"))
            .arg("--restart-hook")
            .arg(lab.path(on_restart::SCRIPT)),
        PROCESS,
        &lab.path("log").join("fake-microceph.log"),
        &pids,
    )?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::os::unix::net::UnixStream::connect(socket).is_ok() {
            return Ok(());
        }
        if !processes::is_running(&pids, PROCESS) {
            bail!(
                "fake-microceph exited before serving; see {}",
                lab.path("log").join("fake-microceph.log").display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!(
        "fake-microceph did not serve {} within 10 s",
        socket.display()
    )
}
