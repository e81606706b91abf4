//! The Python virtual environments of the project: `.../microceph-orch/venv`, where the pytest
//! harness runs, and `.../microceph-orch/docs-venv`, where `cargo xtask docs` runs Sphinx.
//!
//! Each is created with the host's `python3` (or `$PYTHON`) and gets the pinned packages of its
//! requirements file (`python-tests/requirements.txt`, `docs/requirements.txt`). A copy of the
//! requirements it was built from is kept inside; while it matches the file in the clone, nothing
//! is installed again.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use super::{cache_dir, remove_dir_if_present};
use crate::process;

/// Where the venv keeps the requirements it was last installed from.
const INSTALLED_REQUIREMENTS: &str = "microceph-orch-requirements.txt";

/// The pinned requirements in the clone.
fn requirements_file() -> PathBuf {
    crate::project_root()
        .join("python-tests")
        .join("requirements.txt")
}

/// Creates or updates the pytest venv and returns its directory.
pub(crate) fn ensure() -> anyhow::Result<PathBuf> {
    ensure_at("venv", &requirements_file())
}

/// Creates or updates the venv `name` in the cache with the pinned `requirements_path`, and
/// returns its directory.
pub(crate) fn ensure_at(name: &str, requirements_path: &Path) -> anyhow::Result<PathBuf> {
    let venv = cache_dir()?.join(name);
    let requirements = std::fs::read_to_string(requirements_path)
        .with_context(|| format!("could not read {}", requirements_path.display()))?;
    let marker = venv.join(INSTALLED_REQUIREMENTS);
    let python = venv.join("bin").join("python");
    let works = Command::new(&python)
        .args(["-c", ""])
        .status()
        .is_ok_and(|status| status.success());
    if works && std::fs::read_to_string(&marker).ok().as_deref() == Some(requirements.as_str()) {
        return Ok(venv);
    }
    if !works {
        remove_dir_if_present(&venv)?;
        let host_python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
        process::run(Command::new(host_python).args(["-m", "venv"]).arg(&venv))?;
    }
    // Forget the old marker first, so an interrupted install is retried next time.
    std::fs::remove_file(&marker).or_else(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            Ok(())
        } else {
            Err(error)
        }
    })?;
    process::run(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--requirement"])
            .arg(requirements_path),
    )?;
    std::fs::write(&marker, &requirements)
        .with_context(|| format!("could not write {}", marker.display()))?;
    Ok(venv)
}
