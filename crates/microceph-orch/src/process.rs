//! Running one external program with a deadline, for the `ceph` commands.
//!
//! The program's standard input is empty and its output is read by two threads, so a full pipe never blocks it.
//! When the deadline passes, the program is killed and the run fails; its output is waited for a moment only, since a program it started may still hold the pipes open.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How often a running program is checked for having exited.
const POLL: Duration = Duration::from_millis(10);

/// How long the output of an exited or killed program is waited for.
const OUTPUT_GRACE: Duration = Duration::from_secs(1);

/// Runs `program` with `args`; its standard output when it exits with status 0, else why not (its standard error, when it wrote one).
pub(crate) fn run(program: &str, args: &[&str], timeout: Duration) -> Result<String, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run {program}: {error}"))?;
    let (sender, receiver) = mpsc::channel();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|pipe| Box::new(pipe) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|pipe| Box::new(pipe) as Box<dyn Read + Send>),
    ];
    for (pipe_idx, pipe) in pipes.into_iter().enumerate() {
        let Some(mut pipe) = pipe else { continue };
        let sender = sender.clone();
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            let _ = sender.send((pipe_idx, bytes));
        });
    }
    drop(sender);
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => thread::sleep(POLL),
            Err(error) => return Err(format!("cannot wait for {program}: {error}")),
        }
    };
    let mut output = [String::new(), String::new()];
    let grace_end = Instant::now() + OUTPUT_GRACE;
    while let Ok((pipe_idx, bytes)) =
        receiver.recv_timeout(grace_end.saturating_duration_since(Instant::now()))
    {
        output[pipe_idx] = String::from_utf8_lossy(&bytes).into_owned();
    }
    let [stdout, stderr] = output;
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    match status {
        None => Err(format!(
            "it did not finish within {} s and was stopped",
            timeout.as_secs_f64()
        )),
        Some(status) if status.success() => Ok(stdout),
        Some(status) if stderr.is_empty() => Err(format!("it failed with {status}")),
        Some(_) => Err(stderr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_failures_and_timeouts() {
        let second = Duration::from_secs(5);
        assert_eq!(
            run("sh", &["-c", "echo out; echo err >&2"], second),
            Ok("out\n".to_owned())
        );
        assert_eq!(
            run(
                "sh",
                &["-c", "echo 'Error ENOENT:  no\nsuch' >&2; exit 2"],
                second
            ),
            Err("Error ENOENT: no such".to_owned())
        );
        assert_eq!(
            run("sh", &["-c", "exit 3"], second),
            Err("it failed with exit status: 3".to_owned())
        );
        let started = Instant::now();
        assert_eq!(
            run("sh", &["-c", "exec sleep 30"], Duration::from_millis(200)),
            Err("it did not finish within 0.2 s and was stopped".to_owned())
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the program is killed"
        );
        let missing = run("/nonexistent/ceph", &[], second).unwrap_err();
        assert!(
            missing.starts_with("cannot run /nonexistent/ceph: No such file"),
            "{missing}"
        );
    }
}
