//! Running the pytest harness of `python-tests/` once per Ceph release, and its style checks.
//!
//! Each run gets `CEPH_RELEASE` and `CEPH_PYTHON_ROOT` for its release, `MICROCEPH_MODULE_DIR`
//! when a directory with the real `microceph` module is given, and `FAKE_MICROCEPH_BIN` when a
//! `fake-microceph` binary is given; neither is inherited from the caller's environment. A release
//! whose run fails, or collects no test at all (pytest's exit status 5), fails the whole call,
//! after every release has run.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use super::{ensure_all, venv};
use crate::process::{self, cargo};

/// Test counts summed over the runs of every release.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PytestTotals {
    pub(crate) passed: u64,
    /// Failed tests plus errors (a fixture that raises, a module that does not import).
    pub(crate) failed: u64,
}

/// What the suite is given besides Ceph's Python: the real module and the MicroCeph test double.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct PytestEnv<'a> {
    /// The directory holding the `microceph/` package, passed on as `MICROCEPH_MODULE_DIR`.
    pub(crate) module_dir: Option<&'a Path>,
    /// The `fake-microceph` binary, passed on as `FAKE_MICROCEPH_BIN`.
    pub(crate) fake_microceph: Option<&'a Path>,
}

/// Runs the suite against every release, in order, and totals the results.
///
/// `env` says where the module and the fake are; `extra_args` go to pytest.
pub(crate) fn run_pytest(
    env: PytestEnv<'_>,
    extra_args: &[String],
) -> anyhow::Result<PytestTotals> {
    let releases = ensure_all()?;
    let python = venv::ensure()?.join("bin").join("python");
    process::run(Command::new(&python).arg("--version"))?;
    let module_dir = existing(env.module_dir, "the module directory")?;
    let fake_microceph = existing(env.fake_microceph, "the fake-microceph binary")?;
    let mut totals = PytestTotals::default();
    let mut failures = Vec::new();
    for release in &releases {
        let mut command = Command::new(&python);
        command
            .args(["-m", "pytest"])
            .args(extra_args)
            .current_dir(crate::project_root().join("python-tests"))
            .env("CEPH_RELEASE", release.release.name)
            .env("CEPH_PYTHON_ROOT", &release.dir)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            // Ceph's `handle_orch_error` re-raises instead of reporting when UNITTEST is set.
            .env_remove("UNITTEST")
            .env_remove("MICROCEPH_MODULE_DIR")
            .env_remove("FAKE_MICROCEPH_BIN");
        if let Some(dir) = &module_dir {
            command.env("MICROCEPH_MODULE_DIR", dir);
        }
        if let Some(binary) = &fake_microceph {
            command.env("FAKE_MICROCEPH_BIN", binary);
        }
        writeln!(
            std::io::stdout().lock(),
            "pytest against {} {} (Debian {})",
            release.release.name,
            release.version(),
            release.release.suite
        )?;
        let (status, counts) = run_echoing(&mut command)?;
        totals.passed += counts.passed;
        totals.failed += counts.failed;
        match status.code() {
            Some(0) => {}
            Some(5) => failures.push(format!(
                "{}: pytest collected no test",
                release.release.name
            )),
            _ => failures.push(format!("{}: pytest {status}", release.release.name)),
        }
    }
    if !failures.is_empty() {
        bail!("the Python tests failed: {}", failures.join("; "));
    }
    Ok(totals)
}

/// `path` made absolute, since pytest runs in `python-tests/`; `what` names it when it is missing.
fn existing(path: Option<&Path>, what: &str) -> anyhow::Result<Option<PathBuf>> {
    path.map(|path| {
        path.canonicalize()
            .with_context(|| format!("{what} {} is missing", path.display()))
    })
    .transpose()
}

/// Builds the `fake-microceph` binary in release mode and returns its path.
pub(crate) fn build_fake_microceph() -> anyhow::Result<PathBuf> {
    process::run(cargo().args([
        "build",
        "--release",
        "--locked",
        "-p",
        "fake-microceph",
        "--bin",
        "fake-microceph",
    ]))?;
    let binary = process::target_dir().join("release").join("fake-microceph");
    if !binary.is_file() {
        bail!(
            "cargo built fake-microceph but {} is missing",
            binary.display()
        );
    }
    Ok(binary)
}

/// `ruff check` and `ruff format --check` over `python-tests/`, with the venv's ruff.
pub(crate) fn check_python_style() -> anyhow::Result<()> {
    let ruff = venv::ensure()?.join("bin").join("ruff");
    let tests_dir = crate::project_root().join("python-tests");
    let cache = super::cache_dir()?.join("ruff");
    process::run(
        Command::new(&ruff)
            .args(["check", "--no-fix", "--cache-dir"])
            .arg(&cache)
            .arg(&tests_dir),
    )?;
    process::run(
        Command::new(&ruff)
            .args(["format", "--check", "--cache-dir"])
            .arg(&cache)
            .arg(&tests_dir),
    )
}

/// Runs pytest with its output echoed line by line, and reads its closing summary line.
fn run_echoing(command: &mut Command) -> anyhow::Result<(std::process::ExitStatus, PytestTotals)> {
    process::echo(command);
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start pytest")?;
    let stdout = child.stdout.take().context("pytest has no stdout")?;
    let mut counts = PytestTotals::default();
    let mut echo = std::io::stdout().lock();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("could not read pytest's output")?;
        writeln!(echo, "{line}")?;
        if let Some(summary) = parse_summary(&line) {
            counts = summary;
        }
    }
    drop(echo);
    Ok((child.wait()?, counts))
}

/// The counts of pytest's closing line, e.g. `==== 3 failed, 17 passed in 0.52s ====` or, with
/// `-q`, `20 passed in 0.43s`; a run of a minute or more adds the time as `(0:01:17)`.
fn parse_summary(line: &str) -> Option<PytestTotals> {
    let line = line.trim().trim_matches('=').trim();
    let (counts, duration) = line.rsplit_once(" in ")?;
    let duration = duration
        .split_once(" (")
        .map_or(duration, |(seconds, _)| seconds);
    if !duration.ends_with('s') {
        return None;
    }
    let mut totals = PytestTotals::default();
    let mut any = false;
    for part in counts.split(", ") {
        let (number, label) = part.split_once(' ')?;
        let number: u64 = number.parse().ok()?;
        any = true;
        match label {
            "passed" => totals.passed += number,
            "failed" | "error" | "errors" => totals.failed += number,
            _ => {}
        }
    }
    any.then_some(totals)
}

#[cfg(test)]
mod tests {
    use super::{PytestTotals, parse_summary};

    #[test]
    fn pytest_summary_lines_are_read_in_both_styles() {
        assert_eq!(
            parse_summary("20 passed in 0.43s"),
            Some(PytestTotals {
                passed: 20,
                failed: 0
            })
        );
        assert_eq!(
            parse_summary("===== 3 failed, 17 passed, 1 error, 2 warnings in 0.52s ====="),
            Some(PytestTotals {
                passed: 17,
                failed: 4
            })
        );
        assert_eq!(
            parse_summary(
                "======================== 261 passed in 77.31s (0:01:17) ========================"
            ),
            Some(PytestTotals {
                passed: 261,
                failed: 0
            })
        );
        assert_eq!(
            parse_summary("no tests ran in 0.01s"),
            None,
            "pytest's exit status reports this case"
        );
        assert_eq!(parse_summary("tests/test_x.py::test_y PASSED"), None);
    }
}
