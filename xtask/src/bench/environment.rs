//! The first line of a benchmark's output: the machine, the toolchains and the commit the figures belong to.

use std::process::Command;

use serde_json::json;

use crate::ceph_python::CephPython;

/// `{"environment": {cpu, cores, kernel, ceph, python, rustc, commit, date}}`; what cannot be read is `"unknown"`.
pub(super) fn line(ceph: &CephPython, python: &std::path::Path) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("unknown", |(_, model)| model.trim());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "unknown".to_owned(), |text| text.trim().to_owned());
    let dirty = !output(Command::new("git").args(["status", "--porcelain"])).is_empty();
    let commit = output(Command::new("git").args(["rev-parse", "HEAD"]));
    let environment = json!({
        "environment": {
            "cpu": cpu,
            "cores": cores,
            "kernel": kernel,
            "ceph": format!("{} {}", ceph.release.name, ceph.version()),
            "python": output(Command::new(python).arg("--version")),
            "rustc": output(Command::new("rustc").arg("--version")),
            "commit": if dirty { format!("{commit} with uncommitted changes") } else { commit },
            "date": output(Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])),
        }
    });
    environment.to_string()
}

/// What `command`, run in the workspace root, prints, trimmed; `unknown` when it fails.
fn output(command: &mut Command) -> String {
    command
        .current_dir(crate::project_root())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |output| String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        )
}
