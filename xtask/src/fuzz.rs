//! `cargo xtask fuzz`: runs the cargo-fuzz targets of `fuzz/` for a bounded time each, and fails on the first crash, naming the input that caused it.
//!
//! cargo-fuzz is installed by this command into the cache (`<cache>/cargo-fuzz/`), at a pinned version, the first time it is needed.
//! The targets are built with `--sanitizer none`, which works on the stable toolchain; only when that build fails and a nightly toolchain is installed is nightly tried.
//! Each target's corpus lives in the cache (`<cache>/fuzz/<target>/corpus/`), so runs build on each other, and is seeded from `fuzz/seeds/<target>/`; crash inputs are written to `target/xtask/fuzz/<target>/`.
//! libFuzzer's log of each run is kept beside them, and its final figures (runs, seconds, corpus size) are printed.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::flags::FuzzFlags;
use crate::process::{self, cargo};

/// Every fuzz target, as `fuzz/Cargo.toml` names its binaries.
pub(crate) const TARGETS: &[&str] = &["response", "planner", "spec_json"];

/// The cargo-fuzz release installed into the cache.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// How long one input may run before libFuzzer reports it as a hang, in seconds.
const INPUT_TIMEOUT_SECONDS: u32 = 10;

pub(crate) fn run(flags: &FuzzFlags) -> anyhow::Result<()> {
    let cargo_fuzz = install_cargo_fuzz()?;
    let toolchain = build(&cargo_fuzz)?;
    let targets: Vec<&str> = match &flags.target {
        Some(target) => vec![target.as_str()],
        None => TARGETS.to_vec(),
    };
    for target in targets {
        run_target(&cargo_fuzz, toolchain, target, flags.seconds)?;
    }
    Ok(())
}

/// What `cargo xtask ci` runs: the fuzz crate's formatting, then every target briefly.
pub(crate) fn ci() -> anyhow::Result<usize> {
    process::run(cargo().args(["fmt", "--manifest-path", "fuzz/Cargo.toml", "--check"]))?;
    run(&FuzzFlags::ci())?;
    Ok(TARGETS.len())
}

/// The cargo-fuzz binary in the cache, installed there first when missing or of another version.
fn install_cargo_fuzz() -> anyhow::Result<PathBuf> {
    let root = crate::ceph_python::cache_dir()?.join("cargo-fuzz");
    let binary = root.join("bin").join("cargo-fuzz");
    let stamp = root.join("version");
    let installed = std::fs::read_to_string(&stamp).unwrap_or_default();
    if binary.is_file() && installed.trim() == CARGO_FUZZ_VERSION {
        return Ok(binary);
    }
    process::run(
        cargo()
            .args([
                "install",
                "--locked",
                "--force",
                "--version",
                CARGO_FUZZ_VERSION,
            ])
            .arg("--root")
            .arg(&root)
            .arg("cargo-fuzz"),
    )
    .context("could not install cargo-fuzz into the cache; `cargo xtask fuzz` needs it")?;
    std::fs::write(&stamp, format!("{CARGO_FUZZ_VERSION}\n"))
        .with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(binary)
}

/// The toolchain the targets are built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Toolchain {
    /// The one `cargo xtask` runs on.
    Current,
    /// An installed nightly, when the current one cannot build the targets.
    Nightly,
}

/// Builds every target, on the current toolchain if it can, else on nightly.
fn build(cargo_fuzz: &Path) -> anyhow::Result<Toolchain> {
    let current = process::run(
        fuzz_command(cargo_fuzz, Toolchain::Current)
            .arg("build")
            .args(common_args()),
    );
    let Err(error) = current else {
        return Ok(Toolchain::Current);
    };
    let nightly_installed = Command::new("rustup")
        .args(["run", "nightly", "cargo", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !nightly_installed {
        bail!(
            "cargo-fuzz could not build the fuzz targets on this toolchain ({error:#}), and no nightly toolchain is installed to try instead"
        );
    }
    process::run(
        fuzz_command(cargo_fuzz, Toolchain::Nightly)
            .arg("build")
            .args(common_args()),
    )
    .context("cargo-fuzz could not build the fuzz targets on this toolchain nor on nightly")?;
    Ok(Toolchain::Nightly)
}

/// `cargo-fuzz fuzz` with the options every subcommand takes here; the subcommand comes next, then [`common_args`].
fn fuzz_command(cargo_fuzz: &Path, toolchain: Toolchain) -> Command {
    let mut command = Command::new(cargo_fuzz);
    command.current_dir(crate::project_root());
    // cargo-fuzz runs `cargo` itself: let rustup pick it, not the cargo that runs xtask.
    command.env_remove("CARGO").env_remove("RUSTC");
    if toolchain == Toolchain::Nightly {
        command.env("RUSTUP_TOOLCHAIN", "nightly");
    }
    command.arg("fuzz");
    command
}

/// Arguments after the subcommand: the fuzz crate, where to build, and no sanitizer (the code is safe Rust).
fn common_args() -> Vec<String> {
    vec![
        "--fuzz-dir".to_owned(),
        "fuzz".to_owned(),
        "--sanitizer".to_owned(),
        "none".to_owned(),
        "--target-dir".to_owned(),
        process::target_dir().join("fuzz").display().to_string(),
    ]
}

/// Runs one target for `seconds`, failing on a crash, a panic or a hang.
fn run_target(
    cargo_fuzz: &Path,
    toolchain: Toolchain,
    target: &str,
    seconds: u32,
) -> anyhow::Result<()> {
    let corpus = crate::ceph_python::cache_dir()?
        .join("fuzz")
        .join(target)
        .join("corpus");
    let artifacts = process::target_dir()
        .join("xtask")
        .join("fuzz")
        .join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let seeds = crate::project_root()
        .join("fuzz")
        .join("seeds")
        .join(target);
    let log_path = artifacts.join("fuzz.log");
    let mut command = fuzz_command(cargo_fuzz, toolchain);
    command.args(["run", target]).args(common_args());
    command.arg(&corpus);
    if seeds.is_dir() {
        command.arg(&seeds);
    }
    command.args([
        "--".to_owned(),
        format!("-max_total_time={seconds}"),
        format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
        format!("-artifact_prefix={}/", artifacts.display()),
        "-print_final_stats=1".to_owned(),
    ]);
    process::echo(&command);
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not start cargo-fuzz")?;
    let stderr = child.stderr.take().context("cargo-fuzz has no stderr")?;
    let mut log = std::fs::File::create(&log_path)
        .with_context(|| format!("cannot create {}", log_path.display()))?;
    let mut summary = Summary::default();
    let mut echo = std::io::stderr().lock();
    for line in BufReader::new(stderr).lines() {
        let line = line.context("could not read libFuzzer's output")?;
        writeln!(log, "{line}")?;
        if summary.read(&line) {
            writeln!(echo, "fuzz {target}: {line}")?;
        }
    }
    drop(echo);
    let status = child.wait()?;
    if let Some(input) = &summary.crash_input {
        bail!(
            "fuzz target `{target}` crashed on the input {input}; its log is {}; reproduce with `cargo fuzz run --fuzz-dir fuzz --sanitizer none {target} {input}`",
            log_path.display()
        );
    }
    if !status.success() {
        bail!(
            "fuzz target `{target}` failed ({status}); its log is {}",
            log_path.display()
        );
    }
    Ok(())
}

/// What the report keeps of libFuzzer's output.
#[derive(Debug, Default, PartialEq, Eq)]
struct Summary {
    /// Where libFuzzer wrote the input that crashed, panicked or hung.
    crash_input: Option<String>,
}

impl Summary {
    /// Reads one line of libFuzzer's output; returns whether the line is worth echoing.
    fn read(&mut self, line: &str) -> bool {
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            self.crash_input = Some(path.trim().to_owned());
            return true;
        }
        line.starts_with("Done ")
            || line.starts_with("stat::")
            || line.starts_with("INFO: seed corpus")
            || line.contains("panicked at")
            || line.contains("==ERROR")
            || line.starts_with("SUMMARY")
            || line.contains("ALARM")
            || line.starts_with("Running:")
    }
}

#[cfg(test)]
mod tests {
    use super::Summary;

    #[test]
    fn the_summary_finds_the_crash_input_and_the_final_figures() {
        let mut summary = Summary::default();
        assert!(summary.read("Done 1234567 runs in 661 second(s)"));
        assert!(summary.read("stat::number_of_executed_units: 1234567"));
        assert!(!summary.read("#4096\tpulse  cov: 812 ft: 1603 corp: 91/2114b exec/s: 2048"));
        assert_eq!(summary.crash_input, None);
        assert!(summary.read(
            "artifact_prefix='/w/target/xtask/fuzz/planner/'; Test unit written to /w/target/xtask/fuzz/planner/crash-0a1b"
        ));
        assert_eq!(
            summary.crash_input.as_deref(),
            Some("/w/target/xtask/fuzz/planner/crash-0a1b")
        );
    }
}
