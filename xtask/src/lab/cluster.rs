//! One mon and one mgr, bootstrapped and started by hand the way a developer cluster is: a
//! configuration, a shared keyring, a monmap, `ceph-mon --mkfs`, then both daemons in the
//! foreground of their own process groups. Then the orchestrator backend is selected and the lab
//! waits until it is available.
//! Both daemons take the lab's member name (`node1`) as their id, as MicroCeph names a member's
//! daemons after the member, so Ceph's maps know them as the daemons of the fake's local member.
//!
//! Everything listens on 127.0.0.1 only: the mon on the release's ports, the mgr on a port of the
//! release's range, and no mgr module with a listener is enabled (`restful`, on by default, is
//! left out of the initial modules). Enabling a module makes the mgr re-execute itself, so every
//! step after it polls.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

use super::{Lab, Ports, processes, step};
use crate::process;

/// The keys of the keyring that the daemons and the admin client share, each with its
/// capabilities as `(service, capability)`; the mgr's key, `mgr.<host>`, is added with `MGR_CAPS`.
const KEYS: [(&str, &[(&str, &str)]); 2] = [
    ("mon.", &[("mon", "allow *")]),
    (
        "client.admin",
        &[
            ("mon", "allow *"),
            ("osd", "allow *"),
            ("mds", "allow *"),
            ("mgr", "allow *"),
        ],
    ),
];

/// The capabilities of every mgr's key, as `(service, capability)`.
pub(super) const MGR_CAPS: [(&str, &str); 3] = [
    ("mon", "allow profile mgr"),
    ("osd", "allow *"),
    ("mds", "allow *"),
];

/// How long a single `ceph` CLI call may take before it is killed.
const CLI_TIMEOUT_SECS: &str = "30";

/// How long the mgr may take to become available, and each later step to succeed.
const MGR_TIMEOUT: Duration = Duration::from_mins(2);
const STEP_TIMEOUT: Duration = Duration::from_mins(1);

/// The release's Ceph version, such as `18.2.7`, after checking its major version.
pub(super) fn ceph_version(lab: &Lab) -> anyhow::Result<String> {
    let output = process::captured(lab.command("/usr/bin/ceph").arg("--version"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let (version, major) =
        parse_version(&text).with_context(|| format!("unexpected `ceph --version`: {text}"))?;
    if major != lab.release.major {
        bail!(
            "{} needs Ceph {}.x, but Debian {} ships {version}",
            lab.release.release.name,
            lab.release.major,
            lab.release.release.suite
        );
    }
    Ok(version)
}

/// The version and its major number from `ceph version 18.2.7 (<hash>) reef (stable)`.
fn parse_version(text: &str) -> Option<(String, u32)> {
    let version = text.split_whitespace().nth(2)?;
    let major = version.split('.').next()?.parse().ok()?;
    Some((version.to_owned(), major))
}

/// The cluster's configuration. `dir` is the lab directory, which has the same path inside a
/// chroot; `fsid` the cluster's id; `mon_id` the id of its one mon.
pub(super) fn render_conf(dir: &Path, fsid: &str, mon_id: &str, ports: Ports) -> String {
    let dir = dir.display();
    let mon_addr = mon_addrs(ports);
    format!(
        "\
# Written by `cargo xtask lab up`: one mon and one mgr, on 127.0.0.1 only.
[global]
fsid = {fsid}
mon host = {mon_addr}
mon initial members = {mon_id}
public addr = 127.0.0.1
ms bind ipv4 = true
ms bind ipv6 = false
ms bind port min = {bind_min}
ms bind port max = {bind_max}
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = {dir}/keyring
run dir = {dir}/run
admin socket = {dir}/run/$name.asok
log file = {dir}/log/$name.log
pid file = {dir}/run/$name.pid
crash dir = {dir}/crash
mon data = {dir}/mon/$cluster-$id
mgr data = {dir}/mgr/$cluster-$id
# The mon reads this when it makes the first MgrMap; the default adds `restful`, which listens.
mgr initial modules = iostat
osd pool default size = 1
mon allow pool delete = true
# A lab has no OSDs and shares a disk that may be rather full.
mon data avail warn = 2
mon data avail crit = 1
mon warn on pool no redundancy = false
mon warn on too few osds = false
mon warn on insecure global id reclaim allowed = false
mon warn on insecure global id reclaim = false
# A mgr that stopped leaves the mgr map after this long without a beacon (30 s by default).
mon mgr beacon grace = 10

[mon]
mon cluster log file = {dir}/log/cluster.log

[mgr]
# One directory only: Ceph's modules and ours, merged by links.
mgr module path = {dir}/mgr-modules
",
        bind_min = ports.bind_min,
        bind_max = ports.bind_max,
    )
}

fn mon_addrs(ports: Ports) -> String {
    format!(
        "[v2:127.0.0.1:{},v1:127.0.0.1:{}]",
        ports.mon_v2, ports.mon_v1
    )
}

/// Writes the configuration and the keyring, and makes the mon's store. The mon and the mgr are
/// both named after the lab's member.
pub(super) fn bootstrap(lab: &Lab) -> anyhow::Result<()> {
    let id = lab.member.as_str();
    for dir in ["mon", &format!("mgr/ceph-{id}"), "run", "crash", "log"] {
        let path = lab.path(dir);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    let fsid = std::fs::read_to_string("/proc/sys/kernel/random/uuid")
        .context("cannot draw a cluster id")?;
    let fsid = fsid.trim();
    let conf = lab.path("ceph.conf");
    std::fs::write(&conf, render_conf(&lab.dir, fsid, id, lab.release.ports()))
        .with_context(|| format!("cannot write {}", conf.display()))?;
    let keyring = lab.path("keyring");
    let mgr_key = format!("mgr.{id}");
    let keys = KEYS
        .into_iter()
        .chain([(mgr_key.as_str(), MGR_CAPS.as_slice())]);
    for (index, (name, caps)) in keys.enumerate() {
        let mut authtool = lab.command("/usr/bin/ceph-authtool");
        if index == 0 {
            authtool.arg("--create-keyring");
        }
        authtool.arg(&keyring).args(["--gen-key", "-n", name]);
        for (service, cap) in caps {
            authtool.args(["--cap", service, cap]);
        }
        process::run(&mut authtool)?;
    }
    let monmap = lab.path("monmap");
    process::run(
        lab.command("/usr/bin/monmaptool")
            .args(["--create", "--fsid", fsid, "--addv", id])
            .arg(mon_addrs(lab.release.ports()))
            .arg(&monmap),
    )?;
    process::run(
        lab.command("/usr/bin/ceph-mon")
            .args(["--mkfs", "-i", id, "-c"])
            .arg(&conf)
            .arg("--monmap")
            .arg(&monmap)
            .arg("--keyring")
            .arg(&keyring),
    )
}

/// Starts the mon and the mgr and waits until the mgr is available. `python_path`, when given, is
/// put on the mgr's `PYTHONPATH` (see `type_versions.rs`).
pub(super) fn start(lab: &Lab, python_path: Option<&Path>) -> anyhow::Result<()> {
    for name in ["ceph-mon", "ceph-mgr"] {
        spawn(lab, name, python_path.filter(|_| name == "ceph-mgr"))?;
    }
    let started = Instant::now();
    poll(lab, "the mgr to be available", MGR_TIMEOUT, || {
        let output = ceph(lab, &["mgr", "stat", "--format", "json"])?;
        let stat: Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
        Ok((stat["available"] == true).then_some(()))
    })?;
    step(&format!(
        "mgr available {:.1} s after start",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Starts the lab's daemon `name` (`ceph-mon` or `ceph-mgr`), with `python_path` on its `PYTHONPATH` when given,
/// and returns its PID. In a chroot lab that process is `chroot` until it executes the daemon.
pub(super) fn spawn(lab: &Lab, name: &str, python_path: Option<&Path>) -> anyhow::Result<u32> {
    // Daemons are started by absolute path, which the mgr also re-executes when `/proc` is
    // missing.
    let mut command = lab.command(&format!("/usr/bin/{name}"));
    command
        .args(["-f", "-i", &lab.member, "-c"])
        .arg(lab.path("ceph.conf"));
    if let Some(path) = python_path {
        command.env("PYTHONPATH", path);
    }
    processes::spawn(
        &mut command,
        name,
        &lab.path("log").join(format!("{name}.stdout")),
        &lab.path("pids"),
    )
}

/// Points our module at the fake's socket, enables it, selects it as the orchestrator backend
/// and waits until `ceph orch status` reports it available.
pub(super) fn select_backend(lab: &Lab, socket: &Path) -> anyhow::Result<()> {
    let socket = socket.to_string_lossy();
    let started = Instant::now();
    // Set before the module starts, so it never talks to the default socket.
    poll(
        lab,
        "the socket option to be accepted",
        STEP_TIMEOUT,
        || {
            ceph_ok(
                lab,
                &["config", "set", "mgr", "mgr/microceph/socket_path", &socket],
            )
        },
    )?;
    poll(
        lab,
        "`ceph mgr module enable microceph`",
        STEP_TIMEOUT,
        || ceph_ok(lab, &["mgr", "module", "enable", "microceph"]),
    )?;
    poll(
        lab,
        "`ceph mgr module ls` to list microceph as enabled",
        STEP_TIMEOUT,
        || {
            let output = ceph(lab, &["mgr", "module", "ls", "--format", "json"])?;
            let modules: Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
            let enabled = modules["enabled_modules"]
                .as_array()
                .is_some_and(|names| names.iter().any(|name| name == "microceph"));
            Ok(enabled.then_some(()))
        },
    )?;
    // The mgr re-executes itself now; the orchestrator accepts the backend once our module runs
    // in the new process.
    poll(
        lab,
        "`ceph orch set backend microceph`",
        STEP_TIMEOUT,
        || ceph_ok(lab, &["orch", "set", "backend", "microceph"]),
    )?;
    step(&format!(
        "module enabled and selected as backend in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
    let started = Instant::now();
    poll(
        lab,
        "`ceph orch status` to say `Available: Yes`",
        STEP_TIMEOUT,
        || {
            let output = ceph(lab, &["orch", "status", "--format", "json"])?;
            let status: Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
            if status["available"] == true && status["backend"] == "microceph" {
                return Ok(Some(()));
            }
            Err(format!(
                "orch status: {}{}",
                String::from_utf8_lossy(&output.stdout).trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        },
    )?;
    step(&format!(
        "orchestrator available {:.1} s later",
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Runs the lab's `ceph` CLI with `args` and a time limit, without echoing it, and captures its
/// output whatever its exit status.
pub(super) fn ceph(lab: &Lab, args: &[&str]) -> Result<Output, String> {
    let mut command = Command::new("timeout");
    command.args(["--kill-after=5", CLI_TIMEOUT_SECS]);
    if let Some(root) = &lab.root {
        command.arg("chroot").arg(root);
    }
    command
        .arg("/usr/bin/ceph")
        .arg("-c")
        .arg(lab.path("ceph.conf"))
        .args(["--connect-timeout", "10"])
        .args(args);
    command
        .output()
        .map_err(|error| format!("could not run ceph: {error}"))
}

/// Runs `ceph args` and counts success as done; a failure's message is kept for the report.
pub(super) fn ceph_ok(lab: &Lab, args: &[&str]) -> Result<Option<()>, String> {
    let output = ceph(lab, args)?;
    if output.status.success() {
        return Ok(Some(()));
    }
    Err(format!(
        "`ceph {}` failed ({}): {}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

/// A lab process that must keep running while the lab waits on it: the name of its PID file and
/// of its log file in `log/`.
pub(super) struct Watched {
    pub(super) pid_file: String,
    pub(super) log: String,
}

impl Watched {
    /// A daemon of `kind` (`mon`, `mgr`) with `id`, whose PID file is `pid_file`.
    pub(super) fn daemon(pid_file: &str, kind: &str, id: &str) -> Self {
        Watched {
            pid_file: pid_file.to_owned(),
            log: format!("{kind}.{id}.log"),
        }
    }
}

/// Retries `attempt` every half second until it gives `Some`, the time is up, or the lab's mon
/// or mgr dies. `Err` carries what went wrong in the last attempt, for the failure message.
fn poll<T>(
    lab: &Lab,
    what: &str,
    timeout: Duration,
    attempt: impl FnMut() -> Result<Option<T>, String>,
) -> anyhow::Result<T> {
    poll_watching(lab, what, timeout, None, attempt)
}

/// `poll`, also watching `extra`, whose log is shown if the time runs out.
pub(super) fn poll_watching<T>(
    lab: &Lab,
    what: &str,
    timeout: Duration,
    extra: Option<&Watched>,
    mut attempt: impl FnMut() -> Result<Option<T>, String>,
) -> anyhow::Result<T> {
    step(&format!("waiting for {what}"));
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    let watched = [
        Watched::daemon("ceph-mon", "mon", &lab.member),
        Watched::daemon("ceph-mgr", "mgr", &lab.member),
    ];
    let watched: Vec<&Watched> = watched.iter().chain(extra).collect();
    loop {
        match attempt() {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(message) => last = message,
        }
        for daemon in &watched {
            if !processes::is_running(&lab.path("pids"), &daemon.pid_file) {
                print_log_tail(lab, &daemon.log);
                bail!(
                    "{} exited while waiting for {what}; see {}",
                    daemon.pid_file,
                    lab.path("log").display()
                );
            }
        }
        if Instant::now() >= deadline {
            if let Some(daemon) = watched.last() {
                print_log_tail(lab, &daemon.log);
            }
            bail!(
                "gave up waiting for {what} after {} s{}",
                timeout.as_secs(),
                if last.is_empty() {
                    String::new()
                } else {
                    format!("; last: {last}")
                }
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Prints the last lines of one of the lab's logs, such as the mgr's, where module load errors
/// are.
fn print_log_tail(lab: &Lab, name: &str) {
    let log = lab.path("log").join(name);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(40)..];
    step(&format!("the last lines of {}:", log.display()));
    let mut stderr = std::io::stderr().lock();
    for line in tail {
        let _ = std::io::Write::write_all(&mut stderr, format!("    {line}\n").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{parse_version, render_conf};
    use crate::lab::LabRelease;

    #[test]
    fn the_version_and_its_major_come_from_ceph_version() {
        assert_eq!(
            parse_version("ceph version 18.2.7 (abc) reef (stable)\n"),
            Some(("18.2.7".to_owned(), 18))
        );
        assert_eq!(parse_version("bash: ceph: not found"), None);
    }

    #[test]
    fn the_configuration_keeps_everything_in_the_lab_and_on_loopback() {
        let ports = LabRelease::named("tentacle").unwrap().ports();
        let conf = render_conf(Path::new("/labs/t"), "1234", "vm", ports);
        for line in [
            "fsid = 1234",
            "mon initial members = vm",
            "mon host = [v2:127.0.0.1:23000,v1:127.0.0.1:23001]",
            "public addr = 127.0.0.1",
            "ms bind ipv6 = false",
            "ms bind port min = 23010",
            "ms bind port max = 23099",
            "keyring = /labs/t/keyring",
            "admin socket = /labs/t/run/$name.asok",
            "mgr initial modules = iostat",
            "mon mgr beacon grace = 10",
            "mgr module path = /labs/t/mgr-modules",
        ] {
            assert!(
                conf.lines().any(|candidate| candidate == line),
                "missing `{line}` in\n{conf}"
            );
        }
        let mgr_section = conf.split("[mgr]").nth(1).unwrap();
        assert!(mgr_section.contains("mgr module path"));
    }
}
