//! `cargo xtask demo`: start `fake-microceph` on a fresh unix socket and tour its API through `microceph-client`.
//!
//! The tour itself is the `tour` example of `microceph-client`; this module only builds the pieces,
//! owns the fake's process and stops it with SIGTERM, so nothing outlives the command.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::flags::DemoFlags;
use crate::process::{self, cargo};

pub(crate) fn run(flags: &DemoFlags) -> anyhow::Result<()> {
    process::run(cargo().args([
        "build",
        "--quiet",
        "--package",
        "fake-microceph",
        "--bin",
        "fake-microceph",
        "--package",
        "microceph-client",
        "--example",
        "tour",
    ]))?;
    let target_dir = process::target_dir().join("debug");
    let work_dir = std::env::temp_dir().join(format!("microceph-orch-demo-{}", std::process::id()));
    std::fs::create_dir_all(&work_dir)
        .with_context(|| format!("could not create {}", work_dir.display()))?;
    let socket = work_dir.join("control.socket");

    let mut fake = FakeProcess::start(&target_dir.join("fake-microceph"), &socket, flags.members)?;
    let tour = process::run(
        Command::new(target_dir.join("examples").join("tour"))
            .arg("--socket")
            .arg(&socket),
    );
    let stopped = fake.stop();
    // The directory only ever held the socket, which the fake removes on SIGTERM.
    let _ = std::fs::remove_dir(&work_dir);
    tour.and(stopped)
}

/// A running `fake-microceph serve`, stopped by SIGTERM on drop at the latest.
struct FakeProcess {
    child: Child,
    socket: PathBuf,
}

impl FakeProcess {
    fn start(binary: &Path, socket: &Path, members: u32) -> anyhow::Result<Self> {
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .arg("--socket")
            .arg(socket)
            .arg("--members")
            .arg(members.to_string());
        process::echo(&command);
        let child = command
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let mut fake = Self {
            child,
            socket: socket.to_path_buf(),
        };
        fake.wait_for_socket()?;
        Ok(fake)
    }

    fn wait_for_socket(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::os::unix::net::UnixStream::connect(&self.socket).is_ok() {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("fake-microceph exited before serving: {status}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!(
            "fake-microceph did not serve {} within 10 s",
            self.socket.display()
        )
    }

    fn stop(&mut self) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_some() {
            bail!("fake-microceph exited before the end of the demo");
        }
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .context("could not run `kill`")?;
        if !status.success() {
            bail!("`kill -TERM {}` failed: {status}", self.child.id());
        }
        let exit = self.child.wait()?;
        if !exit.success() {
            bail!("fake-microceph exited with {exit} after SIGTERM");
        }
        if self.socket.exists() {
            bail!(
                "fake-microceph left its socket {} behind",
                self.socket.display()
            );
        }
        Ok(())
    }
}

impl Drop for FakeProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let _ = self.child.wait();
        }
    }
}
