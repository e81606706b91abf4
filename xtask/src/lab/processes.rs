//! The lab's long-running processes: started detached, remembered by PID files in `pids/`, and
//! stopped by those files only.
//!
//! A PID file is named after the executable it was started as (`ceph-mgr`, `ceph-mon`,
//! `fake-microceph`), and a process is signalled only while `/proc/<pid>/exe` still names that
//! executable, so a reused PID never gets a signal meant for the lab. The mgr keeps its PID when
//! it re-executes itself after a module is enabled or disabled, so its file stays valid.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::process;

/// The order in which `stop_all` stops the lab's processes: clients of the mon first, the fake
/// last, as the mgr talks to both.
pub(super) const STOP_ORDER: [&str; 3] = ["ceph-mgr", "ceph-mon", "fake-microceph"];

/// How long a process gets to exit after SIGTERM, and after SIGKILL.
const TERM_GRACE: Duration = Duration::from_secs(10);
const KILL_GRACE: Duration = Duration::from_secs(5);

/// Starts `command` in its own process group, with no input and its output appended to `log`,
/// and records its PID in `pids/<name>`. The lab outlives the command that started it. The
/// caller's `PYTHONPATH` and `PYTHONHOME` are not passed on, unless `command` sets them itself.
pub(super) fn spawn(
    command: &mut Command,
    name: &str,
    log: &Path,
    pids: &Path,
) -> anyhow::Result<u32> {
    std::fs::create_dir_all(pids).with_context(|| format!("cannot create {}", pids.display()))?;
    let output = File::options()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("cannot open {}", log.display()))?;
    for variable in ["PYTHONPATH", "PYTHONHOME"] {
        let set_here = command
            .get_envs()
            .any(|(name, value)| name == variable && value.is_some());
        if !set_here {
            command.env_remove(variable);
        }
    }
    command
        .stdin(Stdio::null())
        .stdout(output.try_clone()?)
        .stderr(output)
        .process_group(0);
    process::echo(command);
    let child = command
        .spawn()
        .with_context(|| format!("could not start {name}"))?;
    let pid = child.id();
    let pid_file = pids.join(name);
    std::fs::write(&pid_file, format!("{pid}\n"))
        .with_context(|| format!("cannot write {}", pid_file.display()))?;
    Ok(pid)
}

/// The lab's processes that are alive, as `(name, pid)`.
pub(super) fn running(pids: &Path) -> Vec<(&'static str, u32)> {
    STOP_ORDER
        .into_iter()
        .filter_map(|name| {
            let pid = read_pid(&pids.join(name))?;
            is_ours(pid, name).then_some((name, pid))
        })
        .collect()
}

/// Whether the process recorded as `name` is alive; for checks while `lab up` waits on it.
pub(super) fn is_running(pids: &Path, name: &str) -> bool {
    read_pid(&pids.join(name)).is_some_and(|pid| is_ours(pid, name))
}

/// Stops every recorded process (SIGTERM, then SIGKILL after `TERM_GRACE`) and removes its PID
/// file. Returns a line per process for the report.
pub(super) fn stop_all(pids: &Path) -> anyhow::Result<Vec<String>> {
    let mut report = Vec::new();
    for name in STOP_ORDER {
        let pid_file = pids.join(name);
        let Some(pid) = read_pid(&pid_file) else {
            continue;
        };
        if is_alive(pid) && !is_ours(pid, name) {
            report.push(format!("left pid {pid} alone: it is no longer {name}"));
        } else if is_alive(pid) {
            report.push(stop(pid, name)?);
        } else {
            report.push(format!("{name} (pid {pid}) had exited already"));
        }
        std::fs::remove_file(&pid_file)
            .with_context(|| format!("cannot remove {}", pid_file.display()))?;
    }
    let _ = std::fs::remove_dir(pids);
    Ok(report)
}

fn stop(pid: u32, name: &str) -> anyhow::Result<String> {
    let started = Instant::now();
    signal(pid, "TERM")?;
    if wait_for_exit(pid, TERM_GRACE) {
        return Ok(format!(
            "stopped {name} (pid {pid}) in {:.1} s",
            started.elapsed().as_secs_f64()
        ));
    }
    signal(pid, "KILL")?;
    if wait_for_exit(pid, KILL_GRACE) {
        return Ok(format!(
            "killed {name} (pid {pid}): it ignored SIGTERM for {} s",
            TERM_GRACE.as_secs()
        ));
    }
    anyhow::bail!("{name} (pid {pid}) survived SIGKILL")
}

fn signal(pid: u32, signal: &str) -> anyhow::Result<()> {
    // A process that exits between the check and the signal makes `kill` fail; that is fine.
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .context("could not run `kill`")?;
    Ok(())
}

fn wait_for_exit(pid: u32, grace: Duration) -> bool {
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if !is_alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    !is_alive(pid)
}

fn read_pid(pid_file: &Path) -> Option<u32> {
    std::fs::read_to_string(pid_file).ok()?.trim().parse().ok()
}

/// Whether `pid` runs and is not a zombie waiting for its parent.
fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| process_state(&stat).is_some_and(|state| state != 'Z'))
}

/// Whether `pid` is alive and still runs the executable `name`.
fn is_ours(pid: u32, name: &str) -> bool {
    is_alive(pid)
        && std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| {
            exe.file_name()
                .is_some_and(|file| executable_matches(&file.to_string_lossy(), name))
        })
}

/// Whether an `exe` link's file name is `name`, also when the file was replaced since it started
/// (the kernel then appends ` (deleted)`, as after a rebuild of the fake).
fn executable_matches(file_name: &str, name: &str) -> bool {
    file_name.strip_suffix(" (deleted)").unwrap_or(file_name) == name
}

/// The state letter of a `/proc/<pid>/stat` line, which follows the parenthesised command name.
fn process_state(stat: &str) -> Option<char> {
    stat.rsplit_once(") ")?.1.chars().next()
}

#[cfg(test)]
mod tests {
    use super::{executable_matches, process_state};

    #[test]
    fn the_state_follows_the_last_parenthesis() {
        assert_eq!(process_state("42 (ceph-mgr) S 1 42 42 0 -1"), Some('S'));
        assert_eq!(process_state("43 (odd) name) Z 1 43"), Some('Z'));
        assert_eq!(process_state("garbage"), None);
    }

    #[test]
    fn a_replaced_executable_still_matches() {
        assert!(executable_matches("fake-microceph", "fake-microceph"));
        assert!(executable_matches(
            "fake-microceph (deleted)",
            "fake-microceph"
        ));
        assert!(!executable_matches("ceph-mgr", "ceph-mon"));
    }
}
