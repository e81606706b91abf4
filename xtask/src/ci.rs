//! `cargo xtask ci`: every check CI runs, in the order that fails fastest.
//!
//! After the Rust checks and tests, `cargo xtask fuzz` runs each fuzz target of `fuzz/` for 30 seconds, each counting as one test.
//! Then come the Python ones: the mgr module is assembled into `target/xtask/module/`, `fake-microceph` is built in release mode, `python-tests/` is checked with ruff, and pytest drives the real module through Ceph's orchestrator CLI on every supported release.
//! `cargo xtask bench --smoke` follows, which fails only when a case cannot be measured, never on a figure, and counts as one test; then a short `cargo xtask soak` of 300 operations, which fails on any invariant violation and counts as one test too.
//! Then `cargo xtask docs` builds the documentation (failing on stale generated files, warnings, misspellings and broken references), and `cargo xtask dist` builds the release archive, which checks itself against the module the lab loads; the module unpacked from the archive then goes through a few of the pytest tests on every release.
//! Last, `cargo xtask e2e --ceph all` brings up a real ceph-mon and ceph-mgr for pacific, reef and tentacle in turn and runs the transcripts in `e2e/` with the real `ceph` CLI.
//! It ends with one line totalling every test run, Rust and Python, `N passed, N failed`, so a CI log states plainly how many tests ran.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::ceph_python::{self, PytestEnv, PytestTotals};
use crate::flags::{BenchFlags, DistFlags, E2eFlags, ModuleFlags, SoakFlags};
use crate::process::{self, cargo};

pub(crate) fn run() -> anyhow::Result<()> {
    // The tidy tests read `cargo metadata` offline, which needs every locked package, not only the host's.
    process::run(cargo().args(["fetch", "--locked"]))?;
    process::run(cargo().args(["fmt", "--all", "--check"]))?;
    process::run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "--deny",
        "warnings",
    ]))?;
    let mut totals = Totals::default();
    totals.add(&cargo_test()?);
    // Each fuzz target runs briefly and counts as one test.
    let fuzz_targets = timed("cargo xtask fuzz", crate::fuzz::ci)?;
    totals.add(&Totals {
        passed: fuzz_targets as u64,
        failed: 0,
    });
    let fake_microceph = ceph_python::build_fake_microceph()?;
    totals.add(&python_tests(&fake_microceph)?.into());
    timed("cargo xtask bench --smoke", || {
        crate::bench::run(&BenchFlags::smoke())
    })?;
    totals.add(&Totals {
        passed: 1,
        failed: 0,
    });
    // A short soak with a fresh seed, which it prints; any invariant violation fails CI.
    timed("cargo xtask soak --ops 300", || {
        crate::soak::run(&SoakFlags::short())
    })?;
    totals.add(&Totals {
        passed: 1,
        failed: 0,
    });
    timed("cargo xtask docs", crate::docs::run)?;
    totals.add(&timed("cargo xtask dist", || dist_check(&fake_microceph))?.into());
    timed("cargo xtask e2e --ceph all", || {
        crate::e2e::run(&E2eFlags::every_release())
    })?;
    totals.report()
}

/// Builds the mgr module, checks the Python style, and runs pytest on every release.
fn python_tests(fake_microceph: &Path) -> anyhow::Result<PytestTotals> {
    let module_dir = process::target_dir().join("xtask").join("module");
    crate::module::run(&ModuleFlags {
        out: module_dir.clone(),
    })?;
    ceph_python::check_python_style()?;
    ceph_python::run_pytest(
        PytestEnv {
            module_dir: Some(&module_dir),
            fake_microceph: Some(fake_microceph),
        },
        &[],
    )
}

/// The pytest tests run against the module unpacked from the release archive: it loads, answers, lists and applies.
const DIST_SMOKE_TESTS: &str = "test_orch_status_says_the_backend_is_available or test_orch_ls_lists_what_microceph_runs or test_apply_rgw_with_a_port";

/// Builds the release archive (which compares itself with the module the lab loads), unpacks it, and drives the unpacked module through Ceph's orchestrator CLI on every release.
fn dist_check(fake_microceph: &Path) -> anyhow::Result<PytestTotals> {
    let out = process::target_dir().join("xtask").join("dist");
    crate::dist::run(&DistFlags {
        out: Some(out.clone()),
    })?;
    let archive = crate::dist::archive_path(&out)?;
    let unpacked = process::target_dir().join("xtask").join("dist-unpacked");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked)
            .with_context(|| format!("cannot remove {}", unpacked.display()))?;
    }
    std::fs::create_dir_all(&unpacked)
        .with_context(|| format!("cannot create {}", unpacked.display()))?;
    process::run(
        Command::new("tar")
            .arg("-xzf")
            .arg(&archive)
            .arg("-C")
            .arg(&unpacked)
            .arg(crate::module::MODULE_NAME),
    )?;
    ceph_python::run_pytest(
        PytestEnv {
            module_dir: Some(&unpacked),
            fake_microceph: Some(fake_microceph),
        },
        &[
            "-q".to_owned(),
            "-k".to_owned(),
            DIST_SMOKE_TESTS.to_owned(),
        ],
    )
}

/// Runs one step of CI and reports how long it took.
fn timed<T>(what: &str, step: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    let started = Instant::now();
    let result = step();
    writeln!(
        std::io::stderr().lock(),
        "ci: {what} took {:.1} s",
        started.elapsed().as_secs_f64()
    )?;
    result
}

/// Runs `cargo test` on the whole workspace, echoing its output, and totals its `test result:` lines.
fn cargo_test() -> anyhow::Result<Totals> {
    let mut command = cargo();
    command.args(["test", "--workspace", "--locked"]);
    process::echo(&command);
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start cargo test")?;
    let stdout = child.stdout.take().context("cargo test has no stdout")?;
    let mut totals = Totals::default();
    let mut echo = std::io::stdout().lock();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("could not read cargo test's output")?;
        writeln!(echo, "{line}")?;
        totals.add_cargo_line(&line);
    }
    drop(echo);
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo test failed: {status}");
    }
    Ok(totals)
}

/// Test counts summed over every test binary.
#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    passed: u64,
    failed: u64,
}

impl Totals {
    /// Adds the counts of a libtest line such as `test result: ok. 36 passed; 0 failed; 0 ignored; ...`.
    fn add_cargo_line(&mut self, line: &str) {
        let Some(counts) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in counts.split(['.', ';']) {
            let mut words = part.split_whitespace();
            if let (Some(number), Some(label)) = (words.next(), words.next())
                && let Ok(number) = number.parse::<u64>()
            {
                match label {
                    "passed" => self.passed += number,
                    "failed" => self.failed += number,
                    _ => {}
                }
            }
        }
    }

    fn add(&mut self, other: &Self) {
        self.passed += other.passed;
        self.failed += other.failed;
    }

    fn report(&self) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{} passed, {} failed", self.passed, self.failed)?;
        if self.passed == 0 {
            bail!("no test ran");
        }
        if self.failed > 0 {
            bail!("{} tests failed", self.failed);
        }
        Ok(())
    }
}

impl From<PytestTotals> for Totals {
    fn from(pytest: PytestTotals) -> Self {
        Totals {
            passed: pytest.passed,
            failed: pytest.failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Totals;
    use crate::ceph_python::PytestTotals;

    fn check(lines: &[&str], expected: &Totals) {
        let mut totals = Totals::default();
        for line in lines {
            totals.add_cargo_line(line);
        }
        assert_eq!(&totals, expected);
    }

    #[test]
    fn totals_sum_libtest_result_lines_only() {
        check(
            &[
                "test result: ok. 36 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
                "test tidy::x ... ok",
                "test result: FAILED. 4 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.15s",
                "running 3 tests",
            ],
            &Totals {
                passed: 40,
                failed: 1,
            },
        );
        check(&["no tests here"], &Totals::default());
    }

    #[test]
    fn pytest_counts_join_the_totals() {
        let mut totals = Totals {
            passed: 40,
            failed: 1,
        };
        totals.add(
            &PytestTotals {
                passed: 405,
                failed: 2,
            }
            .into(),
        );
        assert_eq!(
            totals,
            Totals {
                passed: 445,
                failed: 3
            }
        );
    }
}
