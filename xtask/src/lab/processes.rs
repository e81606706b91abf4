//! The lab's long-running processes: started detached, remembered by PID files in `pids/`, and
//! stopped by those files only.
//!
//! A PID file is named after the executable it was started as (`ceph-mgr`, `ceph-mon`,
//! `fake-microceph`), followed by `.` and the daemon's id for a further daemon of that executable
//! (`ceph-mgr.node2`, a standby mgr).
//! A process is signalled only while `/proc/<pid>/exe` still names that executable, so a reused
//! PID never gets a signal meant for the lab. The mgr keeps its PID when it re-executes itself
//! after a module is enabled or disabled, so its file stays valid.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::process;

/// The processes every lab runs, in the order `stop_all` stops them: clients of the mon first, the
/// fake last, as the mgr talks to both. Further daemons are stopped before all of these.
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

/// The lab's processes that are alive, as `(name, pid)`, in stop order.
pub(super) fn running(pids: &Path) -> Vec<(String, u32)> {
    recorded(pids)
        .into_iter()
        .filter_map(|name| {
            let pid = read_pid(&pids.join(&name))?;
            is_ours(pid, &name).then_some((name, pid))
        })
        .collect()
}

/// Whether the process recorded as `name` is alive; for checks while the lab waits on it.
pub(super) fn is_running(pids: &Path, name: &str) -> bool {
    read_pid(&pids.join(name)).is_some_and(|pid| is_ours(pid, name))
}

/// Stops every recorded process (SIGTERM, then SIGKILL after `TERM_GRACE`) and removes its PID
/// file. Returns a line per process for the report.
pub(super) fn stop_all(pids: &Path) -> anyhow::Result<Vec<String>> {
    let mut report = Vec::new();
    for name in recorded(pids) {
        report.extend(stop_recorded(pids, &name)?);
    }
    let _ = std::fs::remove_dir(pids);
    Ok(report)
}

/// Stops the process recorded as `name`, if there is one, and removes its PID file. Returns a
/// line for the report, or `None` when nothing is recorded under that name.
pub(super) fn stop_recorded(pids: &Path, name: &str) -> anyhow::Result<Option<String>> {
    let pid_file = pids.join(name);
    let Some(pid) = read_pid(&pid_file) else {
        return Ok(None);
    };
    let line = if is_alive(pid) && !is_ours(pid, name) {
        format!("left pid {pid} alone: it is no longer {}", executable(name))
    } else if is_alive(pid) {
        stop(pid, name)?
    } else {
        format!("{name} (pid {pid}) had exited already")
    };
    std::fs::remove_file(&pid_file)
        .with_context(|| format!("cannot remove {}", pid_file.display()))?;
    Ok(Some(line))
}

/// The names of the PID files in `pids`, in stop order: further daemons first, then `STOP_ORDER`.
fn recorded(pids: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(pids)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_by_key(|name| (stop_rank(name), name.clone()));
    names
}

/// Where a PID file's process comes in the stop order.
fn stop_rank(name: &str) -> usize {
    STOP_ORDER
        .iter()
        .position(|known| *known == name)
        .map_or(0, |index| index + 1)
}

/// The executable a PID file is named after: its name up to the first `.`.
fn executable(name: &str) -> &str {
    name.split_once('.')
        .map_or(name, |(executable, _)| executable)
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

/// Whether `pid` is alive and still runs the executable the PID file `name` is named after.
fn is_ours(pid: u32, name: &str) -> bool {
    is_alive(pid)
        && std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| {
            exe.file_name()
                .is_some_and(|file| executable_matches(&file.to_string_lossy(), executable(name)))
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
    use super::{executable, executable_matches, process_state, recorded};

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

    #[test]
    fn further_daemons_stop_first_and_name_their_executable() {
        let pids = std::env::temp_dir().join(format!("xtask-pids-{}", std::process::id()));
        std::fs::create_dir_all(&pids).unwrap();
        for name in [
            "fake-microceph",
            "ceph-mon",
            "ceph-mgr.node2",
            "ceph-mgr",
            "ceph-mgr.a.b",
        ] {
            std::fs::write(pids.join(name), "1\n").unwrap();
        }
        let order = recorded(&pids);
        std::fs::remove_dir_all(&pids).unwrap();
        assert_eq!(
            order,
            [
                "ceph-mgr.a.b",
                "ceph-mgr.node2",
                "ceph-mgr",
                "ceph-mon",
                "fake-microceph"
            ]
        );
        assert_eq!(executable("ceph-mgr.a.b"), "ceph-mgr");
        assert_eq!(executable("fake-microceph"), "fake-microceph");
    }
}
