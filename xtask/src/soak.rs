//! `cargo xtask soak`: thousands of mixed `ceph orch` operations with random faults against `fake-microceph`, then the invariants.
//!
//! It prepares what the pytest step prepares (Ceph's Python for the release, the venv, the assembled module, a release build of `fake-microceph`) and runs `python -m soak` in `python-tests/`, which starts its own fake and loads the real module into the harness's in-memory ceph-mgr.
//! The driver prints its seed first, each invariant violation as it happens, and a closing `{"soak": ...}` JSON line with the operation and fault counts, the violations and the process figures; the mgr's log lines go to a file, whose tail is shown when the run fails.
//! It fails when any invariant is violated or the driver itself fails.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::ceph_python::{self, RELEASES};
use crate::flags::SoakFlags;
use crate::process;

/// The threads sending operations at once.
const THREADS: u32 = 4;

pub(crate) fn run(flags: &SoakFlags) -> anyhow::Result<()> {
    let release = RELEASES
        .iter()
        .find(|release| release.name == flags.release)
        .context("unknown release")?;
    let ceph = ceph_python::ensure(*release)?;
    let python = ceph_python::ensure_test_venv()?.join("bin").join("python");
    let module_dir = process::target_dir().join("xtask").join("module");
    crate::module::build(&module_dir)?;
    let fake_bin = ceph_python::build_fake_microceph()?;
    let work = std::env::temp_dir().join(format!("microceph-orch-soak-{}", std::process::id()));
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let log = work.join("mgr.log");
    let mut command = Command::new(&python);
    command
        .args(["-m", "soak", "--module-dir"])
        .arg(&module_dir)
        .arg("--fake-bin")
        .arg(&fake_bin)
        .arg("--work-dir")
        .arg(&work)
        .args(["--ops", &flags.ops.to_string()])
        .args(["--threads", &THREADS.to_string()])
        .current_dir(crate::project_root().join("python-tests"))
        .env("CEPH_RELEASE", ceph.release.name)
        .env("CEPH_PYTHON_ROOT", &ceph.dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("UNITTEST")
        .env_remove("MICROCEPH_MODULE_DIR")
        .stderr(
            std::fs::File::create(&log)
                .with_context(|| format!("cannot create {}", log.display()))?,
        );
    if let Some(seed) = flags.seed {
        command.args(["--seed", &seed.to_string()]);
    }
    process::echo(&command);
    let status = command
        .status()
        .context("could not start the soak driver")?;
    if !status.success() {
        show_tail(&log);
        bail!(
            "the soak failed ({status}); the mgr's log is {}",
            log.display()
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// The last lines of the mgr's log, where a harness failure's traceback is.
fn show_tail(log: &Path) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(40)..].join("\n");
    let _ = writeln!(std::io::stderr().lock(), "{tail}");
}
