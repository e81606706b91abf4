//! `cargo xtask demo [--ceph RELEASE]`: a real ceph-mon and ceph-mgr running our module, and a
//! short tour of real `ceph orch` commands with their output.
//!
//! It brings up the lab of RELEASE (tentacle by default, the newest release MicroCeph ships) in
//! the cache's `labs/RELEASE`, exactly as `cargo xtask lab up --ceph RELEASE` does, unless that
//! lab is up already, in which case it tours the running one. The tour applies an RGW service and
//! removes it again, so it leaves the cluster as it found it. The lab keeps running afterwards;
//! the last line says how to run more commands and how to stop it.

use std::io::Write;
use std::time::Duration;

use anyhow::bail;

use crate::flags::{DemoFlags, LabFlags};
use crate::lab::{self, LabFiles};

/// How long one command of the tour may take.
const COMMAND_TIMEOUT: Duration = Duration::from_mins(1);

/// The tour: what each command shows, and the command's arguments after `ceph`.
const TOUR: [(&str, &[&str]); 9] = [
    (
        "Our module is Ceph's orchestrator backend, and MicroCeph answers on its socket:",
        &["orch", "status"],
    ),
    (
        "MicroCeph's cluster members are Ceph's hosts:",
        &["orch", "host", "ls"],
    ),
    (
        "The daemons of node1, as Ceph's own maps see them: the lab's real mon and mgr run there:",
        &["orch", "ps", "--hostname", "node1"],
    ),
    (
        "Place an RGW service on two hosts; the module enables rgw there through MicroCeph:",
        &["orch", "apply", "rgw", "demo", "--placement=node2 node3"],
    ),
    ("Services, with the spec just applied:", &["orch", "ls"]),
    ("Its daemons:", &["orch", "ps", "--daemon_type", "rgw"]),
    (
        "The disks MicroCeph sees, and which of them an OSD could use:",
        &["orch", "device", "ls"],
    ),
    (
        "What shrinking it to one host would do, without doing it:",
        &[
            "orch",
            "apply",
            "rgw",
            "demo",
            "--placement=node2",
            "--dry-run",
        ],
    ),
    ("Remove the service again:", &["orch", "rm", "rgw.demo"]),
];

pub(crate) fn run(flags: &DemoFlags) -> anyhow::Result<()> {
    let release = flags.release.as_str();
    let dir = lab::default_dir(release)?;
    let files = LabFiles::in_dir(&dir);
    if lab::is_up(&dir) {
        writeln!(
            std::io::stdout().lock(),
            "The {release} lab in {} is up already; touring it.",
            dir.display()
        )?;
    } else {
        lab::run(&LabFlags::Up {
            release: release.to_owned(),
            members: 3,
            dir: None,
        })?;
    }
    let mut failed = 0;
    for (caption, args) in TOUR {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        let output = crate::e2e::run_ceph(&files.ceph, &args, COMMAND_TIMEOUT)?;
        if output.status_line.is_some() || output.timed_out {
            failed += 1;
        }
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "\n# {caption}\n$ ceph {}", display(&args))?;
        for line in output.combined().lines() {
            writeln!(stdout, "{}", line.trim_end())?;
        }
        if output.timed_out {
            writeln!(stdout, "(killed after {} s)", COMMAND_TIMEOUT.as_secs())?;
        }
    }
    writeln!(
        std::io::stdout().lock(),
        "\nThe lab keeps running: run more with `{} orch ...` (or `. {}` and `$LAB_CEPH orch \
         ...`); stop it with `cargo xtask lab down --ceph {release}`.",
        files.ceph.display(),
        files.env.display(),
    )?;
    if failed > 0 {
        bail!("{failed} command(s) of the tour failed; the lab is still up");
    }
    Ok(())
}

/// Arguments as a shell would take them back: those with spaces in double quotes after the `=`.
fn display(args: &[String]) -> String {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((flag, value)) if value.contains(' ') => format!("{flag}=\"{value}\""),
            _ if arg.contains(' ') => format!("\"{arg}\""),
            _ => arg.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::{TOUR, display};

    #[test]
    fn arguments_display_as_they_would_be_typed() {
        let args: Vec<String> = ["orch", "apply", "rgw", "demo", "--placement=node2 node3"]
            .iter()
            .map(|arg| (*arg).to_owned())
            .collect();
        assert_eq!(
            display(&args),
            "orch apply rgw demo --placement=\"node2 node3\""
        );
    }

    #[test]
    fn the_tour_removes_what_it_applies() {
        let applied = TOUR
            .iter()
            .any(|(_, args)| args.starts_with(&["orch", "apply", "rgw", "demo"]));
        let removed = TOUR
            .last()
            .is_some_and(|(_, args)| *args == ["orch", "rm", "rgw.demo"]);
        assert!(applied && removed);
    }
}
