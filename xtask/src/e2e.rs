//! `cargo xtask e2e --ceph RELEASE|all [--bless] [TRANSCRIPT...]`: the end-to-end suite, run with
//! the real `ceph` CLI against a lab of each release.
//!
//! For each release it brings up a fresh lab in `labs/e2e-<release>` of the cache, runs the
//! transcripts of `e2e/` in file name order (`transcript.rs` reads them, `session.rs` runs them,
//! `normalise.rs` filters the output, `diff.rs` shows mismatches) and brings the lab down again,
//! whatever happened. `e2e/README.md` describes the transcript format, the directives, the
//! filters and the state each transcript starts from. `--bless` rewrites the expected output of
//! the release that ran and is refused when `CI` is set; output with a Python traceback is never
//! written.

mod diff;
mod fake_control;
mod normalise;
mod session;
mod transcript;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub(crate) use session::run_ceph;

use crate::flags::{E2eFlags, LabFlags};
use transcript::Transcript;

/// The directory of the transcripts, relative to the workspace root.
const TRANSCRIPTS: &str = "e2e";

/// One transcript file.
struct File {
    name: String,
    path: PathBuf,
    transcript: Transcript,
}

/// How one release went.
struct ReleaseReport {
    release: String,
    lab_up: Duration,
    transcripts: Duration,
    lab_down: Duration,
    steps: usize,
    /// The transcripts that failed, or why the release could not run.
    failures: Vec<String>,
    passed: usize,
}

pub(crate) fn run(flags: &E2eFlags) -> anyhow::Result<()> {
    if flags.bless && std::env::var_os("CI").is_some() {
        bail!("`--bless` rewrites the transcripts and is not for CI, and `CI` is set");
    }
    let mut files = load(&crate::project_root().join(TRANSCRIPTS), &flags.transcripts)?;
    let started = Instant::now();
    let cli = build_cli()?;
    let mut reports = Vec::new();
    for release in &flags.releases {
        reports.push(run_release(release, &mut files, flags.bless, &cli)?);
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "\ne2e summary ({:.1} s in all):",
        started.elapsed().as_secs_f64()
    )?;
    for report in &reports {
        writeln!(
            stdout,
            "  {:<9} {} of {} transcripts passed, {} steps; lab up {:.1} s, transcripts {:.1} s, \
             lab down {:.1} s",
            report.release,
            report.passed,
            files.len(),
            report.steps,
            report.lab_up.as_secs_f64(),
            report.transcripts.as_secs_f64(),
            report.lab_down.as_secs_f64(),
        )?;
        for failure in &report.failures {
            writeln!(stdout, "            failed: {failure}")?;
        }
    }
    let failed: Vec<&str> = reports
        .iter()
        .filter(|report| !report.failures.is_empty())
        .map(|report| report.release.as_str())
        .collect();
    if !failed.is_empty() {
        bail!("the end-to-end suite failed on {}", failed.join(", "));
    }
    Ok(())
}

/// Builds the `microceph-orch` command the transcripts run, in release mode.
fn build_cli() -> anyhow::Result<PathBuf> {
    crate::process::run(crate::process::cargo().args([
        "build",
        "--release",
        "--locked",
        "--package",
        "microceph-orch",
        "--bin",
        "microceph-orch",
    ]))?;
    Ok(crate::process::target_dir()
        .join("release")
        .join("microceph-orch"))
}

/// Brings up a fresh lab of `release`, runs every transcript and brings the lab down.
fn run_release(
    release: &str,
    files: &mut [File],
    bless: bool,
    cli: &Path,
) -> anyhow::Result<ReleaseReport> {
    let dir = crate::ceph_python::cache_dir()?
        .join("labs")
        .join(format!("e2e-{release}"));
    let mut report = ReleaseReport {
        release: release.to_owned(),
        lab_up: Duration::ZERO,
        transcripts: Duration::ZERO,
        lab_down: Duration::ZERO,
        steps: 0,
        failures: Vec::new(),
        passed: 0,
    };
    let started = Instant::now();
    let up = crate::lab::run(&LabFlags::Up {
        release: release.to_owned(),
        members: 3,
        dir: Some(dir.clone()),
    });
    report.lab_up = started.elapsed();
    let ran = up.and_then(|()| {
        let started = Instant::now();
        let ran = run_transcripts(release, &dir, cli, files, bless, &mut report);
        report.transcripts = started.elapsed();
        ran
    });
    if let Err(error) = ran {
        report.failures.push(format!("{error:#}"));
    }
    let started = Instant::now();
    let down = crate::lab::run(&LabFlags::Down {
        release: None,
        dir: Some(dir.clone()),
    });
    report.lab_down = started.elapsed();
    down.with_context(|| format!("could not bring down the lab in {}", dir.display()))?;
    Ok(report)
}

fn run_transcripts(
    release: &str,
    dir: &Path,
    cli: &Path,
    files: &mut [File],
    bless: bool,
    report: &mut ReleaseReport,
) -> anyhow::Result<()> {
    let mut session = session::Session::open(release, dir, cli)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "\ne2e on {release}:")?;
    for file in files.iter_mut() {
        let started = Instant::now();
        let outcome = session
            .run(&mut file.transcript, bless)
            .with_context(|| format!("{}", file.path.display()));
        let seconds = started.elapsed().as_secs_f64();
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error) => {
                writeln!(stdout, "  FAIL {}: {error:#}", file.name)?;
                report.failures.push(file.name.clone());
                continue;
            }
        };
        report.steps += outcome.steps;
        if outcome.blessed > 0 {
            std::fs::write(&file.path, file.transcript.render())
                .with_context(|| format!("cannot write {}", file.path.display()))?;
        }
        if outcome.failures.is_empty() {
            report.passed += 1;
            let blessed = if outcome.blessed > 0 {
                format!(", {} expected outputs blessed", outcome.blessed)
            } else {
                String::new()
            };
            writeln!(
                stdout,
                "  ok   {} ({} steps, {seconds:.1} s{blessed})",
                file.name, outcome.steps
            )?;
        } else {
            report.failures.push(file.name.clone());
            writeln!(
                stdout,
                "  FAIL {} ({} of {} steps, {seconds:.1} s):",
                file.name,
                outcome.failures.len(),
                outcome.steps
            )?;
            for failure in &outcome.failures {
                writeln!(stdout, "    {}:{failure}", file.name)?;
            }
        }
    }
    Ok(())
}

/// Reads and parses the transcripts of `dir` (every `.md` file but `README.md`), in file name
/// order, keeping only `wanted` ones when some are named.
fn load(dir: &Path, wanted: &[String]) -> anyhow::Result<Vec<File>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| is_transcript(name))
        .collect();
    names.sort();
    for name in wanted {
        if !names.iter().any(|known| matches_name(known, name)) {
            bail!(
                "no transcript `{name}` in {}; there are: {}",
                dir.display(),
                names.join(", ")
            );
        }
    }
    names
        .into_iter()
        .filter(|name| wanted.is_empty() || wanted.iter().any(|want| matches_name(name, want)))
        .map(|name| {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let transcript = transcript::parse(&text)
                .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
            Ok(File {
                name,
                path,
                transcript,
            })
        })
        .collect()
}

fn is_transcript(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|extension| extension == "md")
        && name != "README.md"
}

/// Whether the file `name` is the one asked for as `wanted`, with or without `.md`.
fn matches_name(name: &str, wanted: &str) -> bool {
    name == wanted || name.strip_suffix(".md") == Some(wanted)
}

#[cfg(test)]
mod tests {
    use super::{TRANSCRIPTS, is_transcript, load, matches_name};

    #[test]
    fn transcripts_are_markdown_files_other_than_the_readme() {
        assert!(is_transcript("01-listings.md"));
        assert!(!is_transcript("README.md"));
        assert!(!is_transcript("notes.txt"));
        assert!(matches_name("01-listings.md", "01-listings"));
        assert!(matches_name("01-listings.md", "01-listings.md"));
        assert!(!matches_name("01-listings.md", "listings"));
    }

    #[test]
    fn every_transcript_of_the_project_parses_and_renders_back() {
        let dir = crate::project_root().join(TRANSCRIPTS);
        let files = load(&dir, &[]).unwrap();
        assert!(!files.is_empty());
        for file in files {
            let text = std::fs::read_to_string(&file.path).unwrap();
            assert_eq!(file.transcript.render(), text, "{}", file.path.display());
            assert!(
                file.transcript.steps().next().is_some(),
                "{}",
                file.path.display()
            );
        }
    }
}
