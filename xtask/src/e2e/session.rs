//! One release's run of the transcripts against a lab that is up: each transcript starts from the
//! known state, its commands run through the lab's `ceph` wrapper with a time limit, and its
//! directives act on the fake and the mgr.
//!
//! The known state is the fake's generated three-member cluster
//! (`crates/fake-microceph/examples/clusters/three-nodes.json`: `node1` to `node3`, all `ONLINE`,
//! each running `mon`, `mgr` and `mds` with one OSD) with no faults, the timing and daemon
//! switches the lab started with, no applied spec stored by the module, no mgr but the lab's own,
//! and the module's cached observation refreshed. Transcripts use it rather than the lab's own
//! cluster, whose local member is named after the machine: its place in every sorted listing and
//! the width of every table would depend on the machine's name.
//! `% fake state lab` switches to the lab's own cluster.

use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::net::UnixListener;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::fake_control::request;
use super::normalise::Filters;
use super::transcript::{Step, StepKind, Transcript, split_words};
use crate::flags::daemon_id;
use crate::lab::LabFiles;

/// How long a transcript's command may take unless `% timeout` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);

/// How long the mgr may take to come back after `ceph mgr fail`, and the orchestrator after it.
const MGR_BACK_TIMEOUT: Duration = Duration::from_mins(2);
const ORCHESTRATOR_TIMEOUT: Duration = Duration::from_mins(1);

/// Where the stored specs of our module are in the mgr's key/value store.
const SPEC_KEY_PREFIX: &str = "mgr/microceph/spec.";

/// The known cluster, relative to the workspace root.
const E2E_CLUSTER: &str = "crates/fake-microceph/examples/clusters/three-nodes.json";

/// What one `ceph` command did.
#[derive(Debug, Clone)]
pub(crate) struct CommandOutput {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// `[exit N]` or `[killed by signal N]` when it did not exit with 0.
    pub(crate) status_line: Option<String>,
    pub(crate) timed_out: bool,
}

impl CommandOutput {
    /// stdout, then stderr, then the status line: what a transcript expects.
    pub(crate) fn combined(&self) -> String {
        let mut text = self.stdout.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&self.stderr);
        if let Some(status) = &self.status_line {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(status);
            text.push('\n');
        }
        text
    }

    fn succeeded(&self) -> bool {
        self.status_line.is_none() && !self.timed_out
    }
}

/// Runs the lab's `ceph` wrapper with `args`, killing it after `timeout`.
pub(crate) fn run_ceph(
    wrapper: &Path,
    args: &[String],
    timeout: Duration,
) -> anyhow::Result<CommandOutput> {
    let started = Instant::now();
    let mut child = Command::new(wrapper)
        .args(args)
        .env_remove("CEPH_ARGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not run {}", wrapper.display()))?;
    let readers = [
        child.stdout.take().map(read_all),
        child.stderr.take().map(read_all),
    ];
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() >= timeout {
            timed_out = true;
            // The wrapper execs the CLI, so this is the process that would hang.
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let [stdout, stderr] = readers.map(|reader| {
        reader
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    });
    let status_line = match (status.code(), status.signal()) {
        (Some(0), _) => None,
        (Some(code), _) => Some(format!("[exit {code}]")),
        (None, Some(signal)) => Some(format!("[killed by signal {signal}]")),
        (None, None) => Some("[exit unknown]".to_owned()),
    };
    Ok(CommandOutput {
        stdout,
        stderr,
        status_line,
        timed_out,
    })
}

fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// How one command step went.
enum StepResult {
    Passed,
    /// Its output differed and `--bless` made it the expected output.
    Blessed,
    /// Why it failed, with a diff.
    Failed(String),
}

/// How a transcript went.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// One message per failed step, with its diff.
    pub(crate) failures: Vec<String>,
    /// How many steps ran.
    pub(crate) steps: usize,
    /// How many expected outputs `--bless` rewrote.
    pub(crate) blessed: usize,
}

/// A lab that is up, and what the transcripts need of it.
pub(crate) struct Session {
    release: String,
    /// The lab directory.
    dir: PathBuf,
    files: LabFiles,
    /// The socket's place while `% fake socket remove` has it moved aside.
    socket_aside: PathBuf,
    /// The lab host's name: the lab's local member.
    host: String,
    lab_cluster: Value,
    e2e_cluster: Value,
    timing: Value,
    daemon: Value,
    filters: Filters,
    next_timeout: Option<Duration>,
}

impl Session {
    /// Opens the lab in `dir`, which must be up.
    pub(crate) fn open(release: &str, dir: &Path) -> anyhow::Result<Self> {
        let files = LabFiles::in_dir(dir);
        let read_json = |path: &Path| -> anyhow::Result<Value> {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
        };
        let lab_cluster = read_json(&files.cluster)?;
        let e2e_cluster = read_json(&crate::project_root().join(E2E_CLUSTER))?;
        let host = lab_cluster["local_member"]
            .as_str()
            .context("the lab's cluster.json names no local member")?
            .to_owned();
        let timing = request(&files.socket, "GET", "/fake/1.0/timing", None)?;
        let daemon = request(&files.socket, "GET", "/fake/1.0/daemon", None)?;
        Ok(Session {
            release: release.to_owned(),
            dir: dir.to_path_buf(),
            socket_aside: dir.join("control.socket.away"),
            files,
            host,
            lab_cluster,
            e2e_cluster,
            timing,
            daemon,
            filters: Filters {
                lab_dir: dir.display().to_string(),
                host: None,
            },
            next_timeout: None,
        })
    }

    /// Runs every step of `transcript`, blessing mismatches when asked to.
    pub(crate) fn run(
        &mut self,
        transcript: &mut Transcript,
        bless: bool,
    ) -> anyhow::Result<Outcome> {
        self.reset()?;
        let mut outcome = Outcome::default();
        for step in transcript.steps_mut() {
            outcome.steps += 1;
            match step.kind.clone() {
                StepKind::Directive(directive) => self
                    .directive(&directive)
                    .with_context(|| format!("line {}: `% {directive}`", step.line))?,
                StepKind::Command(command) => match self.command(step, &command, bless)? {
                    StepResult::Passed => {}
                    StepResult::Blessed => outcome.blessed += 1,
                    StepResult::Failed(failure) => outcome.failures.push(failure),
                },
            }
        }
        Ok(outcome)
    }

    /// Runs one command step and compares its output, or blesses it.
    fn command(
        &mut self,
        step: &mut Step,
        command: &str,
        bless: bool,
    ) -> anyhow::Result<StepResult> {
        let words =
            split_words(command).map_err(|error| anyhow::anyhow!("line {}: {error}", step.line))?;
        let Some((program, args)) = words.split_first() else {
            bail!("line {}: an empty command", step.line);
        };
        if program != "ceph" {
            bail!(
                "line {}: only `ceph` commands run in transcripts, not `{program}`",
                step.line
            );
        }
        let args = args
            .iter()
            .map(|arg| self.substitute(arg))
            .collect::<anyhow::Result<Vec<_>>>()
            .with_context(|| format!("line {}", step.line))?;
        let timeout = self.next_timeout.take().unwrap_or(DEFAULT_TIMEOUT);
        let output = run_ceph(&self.files.ceph, &args, timeout)?;
        let heading = format!("{}: $ {command}", step.line);
        if output.timed_out {
            return Ok(StepResult::Failed(format!(
                "{heading}\n      did not finish within {} s and was killed",
                timeout.as_secs()
            )));
        }
        let raw = output.combined();
        let actual = self.filters.apply(&raw);
        if raw.contains("Traceback") {
            return Ok(StepResult::Failed(format!(
                "{heading}\n      printed a Python traceback, which no transcript may expect:\n{}",
                indent(&actual)
            )));
        }
        let expected = step.expected_for(&self.release).map(<[String]>::to_vec);
        if expected.as_deref() == Some(actual.as_slice()) {
            return Ok(StepResult::Passed);
        }
        if bless {
            step.bless(&self.release, &actual);
            return Ok(StepResult::Blessed);
        }
        let diff = super::diff::render(expected.as_deref().unwrap_or_default(), &actual);
        let note = if expected.is_none() {
            format!(
                "      no expected output for {}; the output was:\n",
                self.release
            )
        } else {
            "      output differs (- expected, + actual):\n".to_owned()
        };
        Ok(StepResult::Failed(format!(
            "{heading}\n{note}{}",
            indent_block(&diff)
        )))
    }

    /// `arg` with `<host>` replaced by the lab host's name, once the lab's cluster is loaded.
    fn substitute(&self, arg: &str) -> anyhow::Result<String> {
        if !arg.contains("<host>") {
            return Ok(arg.to_owned());
        }
        if self.filters.host.is_none() {
            bail!(
                "`<host>` names the lab host's member, which is there only after `% fake state lab`"
            );
        }
        Ok(arg.replace("<host>", &self.host))
    }

    /// Runs one directive.
    fn directive(&mut self, directive: &str) -> anyhow::Result<()> {
        let words = split_words(directive).map_err(anyhow::Error::msg)?;
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["fake", "member", name, "failing", services @ ..] => self.control(
                "PUT",
                &format!("/fake/1.0/members/{name}"),
                &json!({"failing_services": services}),
            ),
            ["fake", "member", name, status @ ..] if !status.is_empty() => self.control(
                "PUT",
                &format!("/fake/1.0/members/{name}"),
                &json!({"status": status.join(" ")}),
            ),
            ["fake", "fault", method, path, options @ ..] => {
                self.control("POST", "/fake/1.0/faults", &fault(method, path, options)?)
            }
            ["fake", "socket", "remove"] => rename(&self.files.socket, &self.socket_aside),
            ["fake", "socket", "stale"] => self.stale_socket(),
            ["fake", "socket", "restore"] => self.restore_socket(),
            ["fake", "state", "lab"] => {
                self.control("PUT", "/fake/1.0/state", &self.lab_cluster)?;
                self.filters.host = Some(self.host.clone());
                self.ceph_ok(&["orch", "ps", "--refresh"]).map(drop)
            }
            ["ceph", "mgr", "fail"] => self.fail_mgr(),
            ["lab", "mgr", "start", id] => {
                crate::lab::start_standby(&self.dir, &daemon_id(id).map_err(anyhow::Error::msg)?)
            }
            ["lab", "mgr", "stop", id, flags @ ..] if matches!(flags, [] | ["--wait"]) => {
                let id = daemon_id(id).map_err(anyhow::Error::msg)?;
                crate::lab::stop_standby(&self.dir, &id, !flags.is_empty())
            }
            ["timeout", limit] => {
                self.next_timeout = Some(parse_seconds(limit)?);
                Ok(())
            }
            _ => bail!(
                "unknown directive; see e2e/README.md for `fake member`, `fake fault`, `fake \
                 socket remove|stale|restore`, `fake state lab`, `ceph mgr fail`, `lab mgr \
                 start|stop` and `timeout`"
            ),
        }
    }

    /// Moves the socket aside and leaves a socket file nobody listens on in its place, as a
    /// MicroCeph daemon that died does.
    fn stale_socket(&self) -> anyhow::Result<()> {
        if !self.socket_aside.exists() {
            rename(&self.files.socket, &self.socket_aside)?;
        }
        // Binding makes the file; dropping the listener closes it and leaves the file.
        drop(
            UnixListener::bind(&self.files.socket)
                .with_context(|| format!("cannot bind {}", self.files.socket.display()))?,
        );
        Ok(())
    }

    /// Puts the fake's socket back where it was, over a stale socket file if there is one.
    fn restore_socket(&self) -> anyhow::Result<()> {
        if !self.socket_aside.exists() {
            bail!("the socket was not moved aside");
        }
        rename(&self.socket_aside, &self.files.socket)
    }

    fn control(&self, method: &str, path: &str, body: &Value) -> anyhow::Result<()> {
        request(&self.files.socket, method, path, Some(body)).map(drop)
    }

    /// Stops the mgrs a transcript started, brings the fake and the module's store back to the
    /// known state, and refreshes the cache.
    fn reset(&mut self) -> anyhow::Result<()> {
        for id in crate::lab::running_standbys(&self.dir) {
            crate::lab::stop_standby(&self.dir, &id, false)?;
        }
        if self.socket_aside.exists() {
            self.restore_socket()?;
        }
        let socket = &self.files.socket;
        request(socket, "DELETE", "/fake/1.0/faults", None)?;
        request(socket, "PUT", "/fake/1.0/timing", Some(&self.timing))?;
        request(socket, "PUT", "/fake/1.0/daemon", Some(&self.daemon))?;
        request(socket, "PUT", "/fake/1.0/state", Some(&self.e2e_cluster))?;
        request(socket, "DELETE", "/fake/1.0/requests", None)?;
        request(socket, "DELETE", "/fake/1.0/log", None)?;
        self.filters.host = None;
        self.next_timeout = None;
        self.wait_for_orchestrator()?;
        let keys = self.ceph_ok(&["config-key", "ls"])?;
        let keys: Vec<String> = serde_json::from_str(&keys)
            .context("`ceph config-key ls` did not print a JSON list")?;
        for key in keys.iter().filter(|key| key.starts_with(SPEC_KEY_PREFIX)) {
            self.ceph_ok(&["config-key", "rm", key])?;
        }
        self.ceph_ok(&["orch", "ps", "--refresh"]).map(drop)
    }

    /// `ceph mgr fail`, then waits until another mgr instance is active and the orchestrator is
    /// available again.
    fn fail_mgr(&self) -> anyhow::Result<()> {
        let before = self.active_mgr()?;
        self.ceph_ok(&["mgr", "fail"])?;
        let deadline = Instant::now() + MGR_BACK_TIMEOUT;
        loop {
            if let Ok((gid, true)) = self.active_mgr()
                && gid != before.0
            {
                break;
            }
            if Instant::now() >= deadline {
                bail!(
                    "no mgr became active within {} s",
                    MGR_BACK_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        self.wait_for_orchestrator()
    }

    /// The active mgr's gid and whether it is available.
    fn active_mgr(&self) -> anyhow::Result<(u64, bool)> {
        let dump: Value =
            serde_json::from_str(&self.ceph_ok(&["mgr", "dump", "--format", "json"])?)
                .context("`ceph mgr dump` did not print JSON")?;
        Ok((
            dump["active_gid"].as_u64().unwrap_or_default(),
            dump["available"] == true,
        ))
    }

    /// Waits until `ceph orch status` says our module is available.
    fn wait_for_orchestrator(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + ORCHESTRATOR_TIMEOUT;
        loop {
            let status = self.ceph(&["orch", "status", "--format", "json"])?;
            let parsed: Value = serde_json::from_str(status.stdout.trim()).unwrap_or_default();
            if parsed["available"] == true && parsed["backend"] == "microceph" {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "the orchestrator was not available within {} s: {}",
                    ORCHESTRATOR_TIMEOUT.as_secs(),
                    status.combined().trim()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn ceph(&self, args: &[&str]) -> anyhow::Result<CommandOutput> {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        run_ceph(&self.files.ceph, &args, DEFAULT_TIMEOUT)
    }

    /// Runs a helper `ceph` command that must succeed, and returns its stdout.
    fn ceph_ok(&self, args: &[&str]) -> anyhow::Result<String> {
        let output = self.ceph(args)?;
        if !output.succeeded() {
            bail!(
                "`ceph {}` failed: {}",
                args.join(" "),
                output.combined().trim()
            );
        }
        Ok(output.stdout)
    }
}

/// A fault for `POST /fake/1.0/faults` from `METHOD PATH [key=value...]`.
fn fault(method: &str, path: &str, options: &[&str]) -> anyhow::Result<Value> {
    let mut fault = json!({"method": method, "path": path});
    let mut action = json!({"kind": "error"});
    for option in options {
        let (key, value) = option
            .split_once('=')
            .with_context(|| format!("`{option}`: fault options are key=value"))?;
        let number = || {
            value
                .parse::<u64>()
                .with_context(|| format!("`{option}`: expected a whole number"))
        };
        match key {
            "target" => fault["target"] = json!(value),
            "count" => fault["count"] = json!(number()?),
            "kind" => action["kind"] = json!(value),
            "status" => action["status"] = json!(number()?),
            "error" => action["error"] = json!(value),
            "ms" => action["ms"] = json!(number()?),
            _ => bail!("`{option}`: fault options are target, count, kind, status, error and ms"),
        }
    }
    fault["action"] = action;
    Ok(fault)
}

fn rename(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))
}

/// `10s` or `10` as a duration.
fn parse_seconds(text: &str) -> anyhow::Result<Duration> {
    text.strip_suffix('s')
        .unwrap_or(text)
        .parse()
        .ok()
        .filter(|seconds| *seconds > 0)
        .map(Duration::from_secs)
        .with_context(|| format!("`{text}`: expected a number of seconds such as `10s`"))
}

fn indent(lines: &[String]) -> String {
    lines.iter().fold(String::new(), |mut text, line| {
        let _ = writeln!(text, "        {line}");
        text
    })
}

fn indent_block(text: &str) -> String {
    text.lines().fold(String::new(), |mut out, line| {
        let _ = writeln!(out, "        {line}");
        out
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::{CommandOutput, fault, parse_seconds};

    #[test]
    fn faults_take_their_options() {
        assert_eq!(
            fault(
                "PUT",
                "/1.0/services/rgw",
                &["target=node3", "status=500", "error=disk full", "count=2"]
            )
            .unwrap(),
            json!({"method": "PUT", "path": "/1.0/services/rgw", "target": "node3", "count": 2,
                   "action": {"kind": "error", "status": 500, "error": "disk full"}})
        );
        assert!(fault("PUT", "/x", &["colour=red"]).is_err());
        assert!(fault("PUT", "/x", &["status=high"]).is_err());
    }

    #[test]
    fn timeouts_are_whole_seconds() {
        assert_eq!(parse_seconds("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_seconds("3").unwrap(), Duration::from_secs(3));
        assert!(parse_seconds("0s").is_err());
        assert!(parse_seconds("soon").is_err());
    }

    #[test]
    fn output_is_stdout_then_stderr_then_the_status() {
        let output = CommandOutput {
            stdout: "table".to_owned(),
            stderr: "Error EINVAL: no\n".to_owned(),
            status_line: Some("[exit 22]".to_owned()),
            timed_out: false,
        };
        assert_eq!(output.combined(), "table\nError EINVAL: no\n[exit 22]\n");
    }
}
