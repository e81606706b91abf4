//! `cargo xtask bench`: how fast the module, its Rust core and `fake-microceph` are, as figures, never as assertions.
//!
//! It prepares what the pytest step prepares (Ceph's Python for the release, the venv, the assembled module, a release build of `fake-microceph`) and starts one `fake-microceph`, whose socket is also offered at `$SNAP_COMMON/state/control.socket`.
//! Then `python-tests/bench/` drives our module, and each `--module-dir` one after it, through Ceph's real orchestrator Python against that fake (`python -m bench module`); `crates/orch-backend/examples/bench.rs` times the Rust core's verbs on the same cluster sizes without Python; and `crates/fake-microceph/examples/load.rs` measures the fake's own throughput.
//! Every case is one JSON line (`{"case", "module", "via", "params", "unit", "median", "p90", "max", "runs", "socket_calls", "target"}`) after one `{"environment": ...}` line, followed by a ratio line per case measured for another module, and a table (`report.rs`).
//! It fails only when a case could not be measured, never on a figure.

mod environment;
mod fake;
mod report;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::ceph_python::{self, CephPython, RELEASES};
use crate::flags::BenchFlags;
use crate::process::{self, cargo};

/// The label of our own module in the case lines.
pub(crate) const OURS: &str = "microceph-orch";

/// What one run measures.
#[derive(Debug, Clone)]
struct Sizes {
    /// Cluster sizes of the listing, refresh and core cases.
    members: Vec<u32>,
    /// Members an `apply` enables a service on.
    apply_members: Vec<u32>,
    /// How long each enable takes in the fake, in milliseconds.
    enable_ms: u32,
    /// Runs of each slow case, and of each fast one.
    runs: u32,
    fast_runs: u32,
    /// Seconds the fake's load generator runs.
    load_seconds: u32,
}

impl Sizes {
    fn from_flags(flags: &BenchFlags) -> Self {
        let mut sizes = if flags.smoke {
            Sizes {
                members: vec![3, 16],
                apply_members: vec![1, 4],
                enable_ms: 300,
                runs: 3,
                fast_runs: 10,
                load_seconds: 1,
            }
        } else {
            Sizes {
                members: vec![3, 16, 64, 256, 1000],
                apply_members: vec![1, 4, 16],
                enable_ms: 2000,
                runs: 7,
                fast_runs: 70,
                load_seconds: 5,
            }
        };
        if let Some(runs) = flags.runs {
            sizes.runs = runs;
            sizes.fast_runs = runs * 10;
        }
        if let Some(members) = &flags.members {
            sizes.members.clone_from(members);
        }
        sizes
    }
}

pub(crate) fn run(flags: &BenchFlags) -> anyhow::Result<()> {
    let sizes = Sizes::from_flags(flags);
    let release = RELEASES
        .iter()
        .find(|release| release.name == flags.release)
        .context("unknown release")?;
    let ceph = ceph_python::ensure(*release)?;
    let venv = ceph_python::ensure_test_venv()?;
    let python = venv.join("bin").join("python");
    let module_out = process::target_dir().join("xtask").join("module");
    crate::module::build(&module_out)?;
    let fake_bin = ceph_python::build_fake_microceph()?;
    for (package, example) in [("orch-backend", "bench"), ("fake-microceph", "load")] {
        process::run(cargo().args([
            "build",
            "--release",
            "--locked",
            "-p",
            package,
            "--example",
            example,
        ]))?;
    }
    let modules = modules(&module_out, &flags.module_dirs)?;

    let work = std::env::temp_dir().join(format!("microceph-orch-bench-{}", std::process::id()));
    let result = measure(&Run {
        sizes: &sizes,
        ceph: &ceph,
        python: &python,
        fake_bin: &fake_bin,
        work: &work,
        modules: &modules,
        rss: flags.rss,
    });
    let _ = std::fs::remove_dir_all(&work);
    let (lines, errors) = result?;

    let environment = environment::line(&ceph, &python);
    let ratios = report::ratios(&lines);
    let mut out = String::new();
    for line in std::iter::once(&environment).chain(&lines).chain(&ratios) {
        out.push_str(line);
        out.push('\n');
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{environment}")?;
    for line in &ratios {
        writeln!(stdout, "{line}")?;
    }
    writeln!(stdout)?;
    write!(stdout, "{}", report::table(&lines, &ratios))?;
    drop(stdout);
    if let Some(path) = &flags.out {
        std::fs::write(path, out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !errors.is_empty() {
        bail!(
            "the benchmark could not measure everything: {}",
            errors.join("; ")
        );
    }
    Ok(())
}

/// The mgr's memory with our module enabled and disabled, from a lab of the bench's release with 256 members (`lab rss`), as a case line; an error line when it cannot be measured.
fn memory_case(release: &str) -> String {
    const MEMBERS: u32 = 256;
    const SAMPLES: usize = 5;
    let mut line = match crate::lab::rss::measure(release, MEMBERS, SAMPLES, None) {
        Ok(line) => line,
        Err(error) => serde_json::json!({
            "case": "mgr_rss",
            "module": OURS,
            "params": {"ceph": release, "members": MEMBERS},
            "error": format!("{error:#}"),
        }),
    };
    // One figure per lab run: its spread is that of the runs, not of samples.
    for key in ["p90", "max"] {
        if line.get(key).is_none() && line.get("median").is_some() {
            line[key] = line["median"].clone();
        }
    }
    if line.get("via").is_none() {
        line["via"] = serde_json::json!("lab");
    }
    line.to_string()
}

/// The modules to measure, ours first, as (label, directory holding `microceph/`).
fn modules(ours: &Path, others: &[PathBuf]) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut modules = vec![(OURS.to_owned(), ours.to_path_buf())];
    for dir in others {
        let dir = dir
            .canonicalize()
            .with_context(|| format!("--module-dir {} is missing", dir.display()))?;
        if !dir.join("microceph").join("__init__.py").is_file() {
            bail!(
                "--module-dir {}: there is no microceph/__init__.py in it",
                dir.display()
            );
        }
        let name = dir.file_name().map_or_else(
            || "other".to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
        let mut label = name.clone();
        let mut suffix = 2;
        while modules.iter().any(|(known, _)| *known == label) {
            label = format!("{name}-{suffix}");
            suffix += 1;
        }
        modules.push((label, dir));
    }
    Ok(modules)
}

/// Everything one measurement needs.
struct Run<'a> {
    sizes: &'a Sizes,
    ceph: &'a CephPython,
    python: &'a Path,
    fake_bin: &'a Path,
    work: &'a Path,
    modules: &'a [(String, PathBuf)],
    /// Whether to measure the mgr's memory in a lab too.
    rss: bool,
}

/// Runs every case; returns the case lines and what could not be measured.
fn measure(run: &Run<'_>) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let snap_common = run.work.join("snap-common");
    let fake = fake::Fake::start(run.fake_bin, &snap_common.join("state"))?;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (label, dir) in run.modules {
        let module_work = run.work.join(label);
        std::fs::create_dir_all(&module_work)?;
        let sizes = run.sizes;
        let mut command = python_bench(run);
        command
            .args(["module", "--label", label, "--module-dir"])
            .arg(dir)
            .arg("--socket")
            .arg(fake.socket())
            .arg("--fake-bin")
            .arg(run.fake_bin)
            .arg("--work-dir")
            .arg(&module_work)
            .args(["--members", &list(&sizes.members)])
            .args(["--apply-members", &list(&sizes.apply_members)])
            .args(["--enable-ms", &sizes.enable_ms.to_string()])
            .args(["--runs", &sizes.runs.to_string()])
            .args(["--fast-runs", &sizes.fast_runs.to_string()])
            .env("SNAP_COMMON", &snap_common);
        collect(
            &mut command,
            &module_work.join("stderr.log"),
            &mut lines,
            &mut errors,
        )?;
    }
    let clusters = run.work.join("clusters");
    std::fs::create_dir_all(&clusters)?;
    let mut core = Command::new(process::target_dir().join("release/examples/bench"));
    for members in &run.sizes.members {
        let file = clusters.join(format!("members-{members}.json"));
        process::run(
            python_bench(run)
                .args(["cluster", "--members", &members.to_string(), "--fake-bin"])
                .arg(run.fake_bin)
                .arg("--out")
                .arg(&file),
        )?;
        core.arg("--cluster").arg(file);
    }
    core.args(["--runs", &run.sizes.runs.to_string()])
        .args(["--fast-runs", &run.sizes.fast_runs.to_string()]);
    collect(
        &mut core,
        &run.work.join("core.log"),
        &mut lines,
        &mut errors,
    )?;
    lines.push(throughput(fake.socket(), run.sizes.load_seconds)?);
    fake.stop()?;
    if run.rss {
        let line = memory_case(run.ceph.release.name);
        if line.contains("\"error\"") {
            errors.push(format!("mgr_rss: {line}"));
        }
        lines.push(line);
    }
    Ok((lines, errors))
}

/// `python -m bench` in `python-tests/`, with the release's Ceph Python selected as pytest gets it.
fn python_bench(run: &Run<'_>) -> Command {
    let mut command = Command::new(run.python);
    command
        .args(["-m", "bench"])
        .current_dir(crate::project_root().join("python-tests"))
        .env("CEPH_RELEASE", run.ceph.release.name)
        .env("CEPH_PYTHON_ROOT", &run.ceph.dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("UNITTEST")
        .env_remove("MICROCEPH_MODULE_DIR");
    command
}

/// Runs a measuring program, echoing and keeping each JSON line it prints; its standard error goes to `log`, shown when it fails.
fn collect(
    command: &mut Command,
    log: &Path,
    lines: &mut Vec<String>,
    errors: &mut Vec<String>,
) -> anyhow::Result<()> {
    process::echo(command);
    let stderr = std::fs::File::create(log)?;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .context("could not start the measurement")?;
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        writeln!(std::io::stdout().lock(), "{line}")?;
        if let Some(error) = report::error_of(&line) {
            errors.push(error);
        }
        if line.starts_with('{') {
            lines.push(line);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        writeln!(std::io::stderr().lock(), "{}", tail.join("\n"))?;
        errors.push(format!(
            "`{}` exited with {status}",
            command.get_program().to_string_lossy()
        ));
    }
    Ok(())
}

/// The fake's requests per second under the `load` example, as a case line.
fn throughput(socket: &Path, seconds: u32) -> anyhow::Result<String> {
    const CONNECTIONS: u32 = 32;
    let output = process::captured(
        Command::new(process::target_dir().join("release/examples/load"))
            .arg("--socket")
            .arg(socket)
            .args(["--seconds", &seconds.to_string()])
            .args(["--connections", &CONNECTIONS.to_string()]),
    )?;
    let text = String::from_utf8_lossy(&output.stdout);
    let rate = report::requests_per_second(&text)
        .with_context(|| format!("the load example printed no rate: {text}"))?;
    let line = format!(
        "{{\"case\": \"fake throughput\", \"module\": \"fake-microceph\", \"via\": \"load example\", \
         \"params\": {{\"connections\": {CONNECTIONS}, \"seconds\": {seconds}, \"path\": \"/1.0/services\", \"members\": 3}}, \
         \"unit\": \"requests/s\", \"median\": {rate}, \"p90\": {rate}, \"max\": {rate}, \"runs\": 1, \
         \"target\": \"at least 20 000 requests/s on loopback\"}}"
    );
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(line)
}

fn list(numbers: &[u32]) -> String {
    numbers
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}
