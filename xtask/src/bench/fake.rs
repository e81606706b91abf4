//! The one `fake-microceph` every module and the load generator measure against, run as its own process.

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How long the fake may take to answer on its socket.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `fake-microceph serve`, stopped when dropped.
#[derive(Debug)]
pub(super) struct Fake {
    child: Child,
    socket: PathBuf,
}

impl Fake {
    /// Starts the fake with its three-member cluster on `dir/control.socket`, and waits until it accepts connections.
    pub(super) fn start(binary: &Path, dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let socket = dir.join("control.socket");
        let log = std::fs::File::create(dir.join("fake.log"))?;
        let child = Command::new(binary)
            .arg("serve")
            .arg("--socket")
            .arg(&socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut fake = Fake { child, socket };
        let started = Instant::now();
        while UnixStream::connect(&fake.socket).is_err() {
            if let Some(status) = fake.child.try_wait()? {
                bail!(
                    "fake-microceph exited with {status}; see {}",
                    dir.join("fake.log").display()
                );
            }
            if started.elapsed() > START_TIMEOUT {
                bail!("fake-microceph did not answer within {START_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(fake)
    }

    pub(super) fn socket(&self) -> &Path {
        &self.socket
    }

    /// Stops the fake and fails if it had already exited, which would mean it crashed under measurement.
    pub(super) fn stop(mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!("fake-microceph exited during the benchmark with {status}");
        }
        Ok(())
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
