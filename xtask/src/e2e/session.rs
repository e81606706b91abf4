//! One release's run of the transcripts against a lab that is up: each transcript starts from the
//! known state, its commands run through the lab's `ceph` wrapper with a time limit, and its
//! directives act on the fake and the mgr.
//!
//! The known state is the fake's generated three-member cluster
//! (`crates/fake-microceph/examples/clusters/three-nodes.json`: `node1` to `node3`, all `ONLINE`,
//! each running `mon`, `mgr` and `mds` with one OSD) with no faults, the timing and daemon
//! switches the lab started with, no applied spec stored by the module, no mgr but the lab's own,
//! and the module's cached observation refreshed. Its local member, `node1`, is the lab's own:
//! the lab's mon and mgr run with the id `node1`, so Ceph's maps know them and nothing else.

use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;

mod directives;

use super::fake_control::request;
use super::normalise::Filters;
use super::transcript::{Step, StepKind, Transcript, split_words};
use crate::lab::LabFiles;

/// How long a transcript's command may take unless `% timeout` says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_mins(1);

/// How long `% retry` waits before running a command again.
const RETRY_PAUSE: Duration = Duration::from_millis(500);

/// How long the mgr may take to come back after `ceph mgr fail`, and the orchestrator after it.
const MGR_BACK_TIMEOUT: Duration = Duration::from_mins(2);
const ORCHESTRATOR_TIMEOUT: Duration = Duration::from_mins(1);

/// Where the stored specs of our module are in the mgr's key/value store.
const SPEC_KEY_PREFIX: &str = "mgr/microceph/spec.";

/// The module options transcripts may set, which go back to their defaults before each one.
const TRANSCRIPT_OPTIONS: [&str; 2] = ["restart_confirm_timeout", "refresh_interval"];

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
    run_program(wrapper, args, &[], timeout)
}

/// Runs `program` with `args` and `env`, killing it after `timeout`.
fn run_program(
    program: &Path,
    args: &[String],
    env: &[(&str, PathBuf)],
    timeout: Duration,
) -> anyhow::Result<CommandOutput> {
    let started = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(key, value)| (key, value)))
        .env_remove("CEPH_ARGS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not run {}", program.display()))?;
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
    e2e_cluster: Value,
    timing: Value,
    daemon: Value,
    filters: Filters,
    next_timeout: Option<Duration>,
    /// The `microceph-orch` command, run with the lab's socket and `ceph`.
    cli: PathBuf,
    /// Set by `% retry`: how long the next command may be run again until its output matches.
    next_retry: Option<Duration>,
}

impl Session {
    /// Opens the lab in `dir`, which must be up.
    pub(crate) fn open(release: &str, dir: &Path, cli: &Path) -> anyhow::Result<Self> {
        let files = LabFiles::in_dir(dir);
        let read_json = |path: &Path| -> anyhow::Result<Value> {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
        };
        let e2e_cluster = read_json(&crate::project_root().join(E2E_CLUSTER))?;
        let timing = request(&files.socket, "GET", "/fake/1.0/timing", None)?;
        let daemon = request(&files.socket, "GET", "/fake/1.0/daemon", None)?;
        Ok(Session {
            release: release.to_owned(),
            dir: dir.to_path_buf(),
            socket_aside: dir.join("control.socket.away"),
            files,
            e2e_cluster,
            timing,
            daemon,
            filters: Filters {
                lab_dir: dir.display().to_string(),
            },
            next_timeout: None,
            next_retry: None,
            cli: cli.to_path_buf(),
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
        let (binary, env) = match program.as_str() {
            "ceph" => (&self.files.ceph, Vec::new()),
            "microceph-orch" => (
                &self.cli,
                vec![
                    ("MICROCEPH_ORCH_SOCKET", self.files.socket.clone()),
                    ("MICROCEPH_ORCH_CEPH", self.files.ceph.clone()),
                ],
            ),
            _ => bail!(
                "line {}: only `ceph` and `microceph-orch` commands run in transcripts, not `{program}`",
                step.line
            ),
        };
        let timeout = self.next_timeout.take().unwrap_or(DEFAULT_TIMEOUT);
        let retry_until = self.next_retry.take().map(|limit| Instant::now() + limit);
        if bless && let Some(until) = retry_until {
            // Blessing knows no expected output to wait for, so it waits as long as a run may.
            std::thread::sleep(until.saturating_duration_since(Instant::now()));
        }
        let expected = step.expected_for(&self.release).map(<[String]>::to_vec);
        let heading = format!("{}: $ {command}", step.line);
        let (raw, actual) = loop {
            let output = run_program(binary, args, &env, timeout)?;
            if output.timed_out {
                return Ok(StepResult::Failed(format!(
                    "{heading}\n      did not finish within {} s and was killed",
                    timeout.as_secs()
                )));
            }
            let raw = output.combined();
            let actual = self.filters.apply(&raw);
            let settled = bless || expected.as_deref() == Some(actual.as_slice());
            match retry_until {
                Some(until) if !settled && Instant::now() < until => {
                    std::thread::sleep(RETRY_PAUSE);
                }
                _ => break (raw, actual),
            }
        };
        if raw.contains("Traceback") {
            return Ok(StepResult::Failed(format!(
                "{heading}\n      printed a Python traceback, which no transcript may expect:\n{}",
                indent(&actual)
            )));
        }
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

    /// Stops the mgrs a transcript started, brings the fake and the module's store back to the
    /// known state, and refreshes the cache.
    fn reset(&mut self) -> anyhow::Result<()> {
        for id in crate::lab::running_standbys(&self.dir) {
            crate::lab::stop_standby(&self.dir, &id, false)?;
        }
        if !crate::lab::fake_runs(&self.dir) {
            crate::lab::start_fake(&self.dir)?;
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
        self.next_timeout = None;
        self.next_retry = None;
        self.wait_for_orchestrator()?;
        let keys = self.ceph_ok(&["config-key", "ls"])?;
        let keys: Vec<String> = serde_json::from_str(&keys)
            .context("`ceph config-key ls` did not print a JSON list")?;
        for key in keys.iter().filter(|key| key.starts_with(SPEC_KEY_PREFIX)) {
            self.ceph_ok(&["config-key", "rm", key])?;
        }
        for option in TRANSCRIPT_OPTIONS {
            self.ceph_ok(&["config", "rm", "mgr", &format!("mgr/microceph/{option}")])?;
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

    use super::{CommandOutput, parse_seconds};

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
