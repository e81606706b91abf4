//! `cargo xtask ceph-python`: fetch Ceph's mgr Python for every supported release into a cache
//! outside the clone, and run the pytest harness of `python-tests/` against each release.
//!
//! Each release's Debian packages are downloaded with apt under a private configuration (see
//! `apt.rs`) and extracted with `dpkg-deb -x` into
//! `${XDG_CACHE_HOME:-$HOME/.cache}/microceph-orch/ceph-python/<release>/root/`. A `stamp` file
//! beside `root/` lists the suite and the package versions; while it is there, nothing is fetched
//! again. The Python tools live in a virtual environment in `.../microceph-orch/venv` (`venv.rs`),
//! and `pytest.rs` runs the suite once per release.

pub(crate) mod apt;
mod pytest;
mod venv;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::flags::CephPythonFlags;
use crate::process;

pub(crate) use pytest::{
    PytestEnv, PytestTotals, build_fake_microceph, check_python_style, run_pytest,
};
pub(crate) use venv::{ensure as ensure_test_venv, ensure_at as ensure_venv};

/// A Ceph release the project supports, and the Debian suite that ships it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Release {
    pub(crate) name: &'static str,
    pub(crate) suite: &'static str,
}

/// Every supported release, oldest first.
pub(crate) const RELEASES: [Release; 3] = [
    Release {
        name: "pacific",
        suite: "bookworm",
    },
    Release {
        name: "reef",
        suite: "trixie",
    },
    Release {
        name: "tentacle",
        suite: "sid",
    },
];

/// The Debian packages extracted for each release. `ceph-mgr` ships `mgr_module.py` and
/// `mgr_util.py` (and on reef and later `object_format.py`); `ceph-mgr-modules-core` ships the
/// `orchestrator` module; `python3-ceph-common` ships the `ceph` package (`ceph.deployment`);
/// `python3-ceph-argparse` ships `ceph_argparse.py`.
const PACKAGES: [&str; 4] = [
    "ceph-mgr",
    "ceph-mgr-modules-core",
    "python3-ceph-argparse",
    "python3-ceph-common",
];

/// Files that must exist in an extraction, relative to its `root/`, for the harness to work.
const EXPECTED_FILES: [&str; 5] = [
    "usr/share/ceph/mgr/mgr_module.py",
    "usr/share/ceph/mgr/mgr_util.py",
    "usr/share/ceph/mgr/orchestrator/__init__.py",
    "usr/lib/python3/dist-packages/ceph/deployment/__init__.py",
    "usr/lib/python3/dist-packages/ceph_argparse.py",
];

/// Ceph's Python for one release, extracted and ready to be put on `sys.path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CephPython {
    pub(crate) release: Release,
    /// Each extracted package with its Debian version, in `PACKAGES` order.
    pub(crate) versions: Vec<(String, String)>,
    /// The release's directory in the cache: `stamp` and `root/`.
    pub(crate) dir: PathBuf,
    /// Where the packages were extracted.
    pub(crate) root: PathBuf,
    /// The directories to put first on `sys.path`, in order.
    pub(crate) sys_paths: Vec<PathBuf>,
}

impl CephPython {
    fn new(release: Release, dir: PathBuf, versions: Vec<(String, String)>) -> Self {
        let root = dir.join("root");
        let sys_paths = vec![
            root.join("usr/share/ceph/mgr"),
            root.join("usr/lib/python3/dist-packages"),
        ];
        Self {
            release,
            versions,
            dir,
            root,
            sys_paths,
        }
    }

    /// The Debian version of `ceph-mgr`, e.g. `16.2.15+ds-0+deb12u2`.
    pub(crate) fn version(&self) -> &str {
        self.versions
            .iter()
            .find(|(package, _)| package == "ceph-mgr")
            .map_or("", |(_, version)| version)
    }
}

pub(crate) fn run(flags: &CephPythonFlags) -> anyhow::Result<()> {
    let started = Instant::now();
    let all = ensure_all()?;
    let mut stdout = std::io::stdout().lock();
    for python in &all {
        writeln!(
            stdout,
            "{} {} (Debian {})",
            python.release.name,
            python.version(),
            python.release.suite
        )?;
        for (package, version) in &python.versions {
            writeln!(stdout, "  {package} {version}")?;
        }
        writeln!(stdout, "  sys.path:")?;
        for path in &python.sys_paths {
            writeln!(stdout, "    {}", path.display())?;
        }
    }
    writeln!(
        stdout,
        "Ceph's Python is ready ({:.1} s)",
        started.elapsed().as_secs_f64()
    )?;
    drop(stdout);
    if flags.pytest {
        check_python_style()?;
        let fake_microceph = build_fake_microceph()?;
        let env = PytestEnv {
            module_dir: flags.module_dir.as_deref(),
            fake_microceph: Some(&fake_microceph),
        };
        let totals = run_pytest(env, &flags.pytest_args)?;
        writeln!(
            std::io::stdout().lock(),
            "pytest: {} passed, {} failed",
            totals.passed,
            totals.failed
        )?;
    }
    Ok(())
}

/// Fetches and extracts every release that is not in the cache yet.
pub(crate) fn ensure_all() -> anyhow::Result<Vec<CephPython>> {
    RELEASES.iter().map(|release| ensure(*release)).collect()
}

/// Fetches and extracts `release` unless its stamp shows it is already in the cache.
pub(crate) fn ensure(release: Release) -> anyhow::Result<CephPython> {
    let dir = cache_dir()?.join("ceph-python").join(release.name);
    let stamp = dir.join("stamp");
    if let Ok(text) = std::fs::read_to_string(&stamp)
        && let Some(versions) = parse_stamp(&text, release)
    {
        return Ok(CephPython::new(release, dir, versions));
    }
    let started = Instant::now();
    let partial = dir.with_extension("partial");
    remove_dir_if_present(&partial)?;
    let versions = apt::fetch_and_extract(release, &PACKAGES, &partial)?;
    for file in EXPECTED_FILES {
        let path = partial.join("root").join(file);
        if !path.is_file() {
            bail!(
                "{} lacks {file}: the Debian packaging of Ceph moved it",
                release.name
            );
        }
    }
    std::fs::write(partial.join("stamp"), stamp_text(release, &versions))
        .with_context(|| format!("could not write the stamp in {}", partial.display()))?;
    remove_dir_if_present(&dir)?;
    std::fs::rename(&partial, &dir).with_context(|| {
        format!(
            "could not rename {} to {}",
            partial.display(),
            dir.display()
        )
    })?;
    writeln!(
        std::io::stderr().lock(),
        "fetched {} in {:.1} s",
        release.name,
        started.elapsed().as_secs_f64()
    )?;
    Ok(CephPython::new(release, dir, versions))
}

/// `${XDG_CACHE_HOME:-$HOME/.cache}/microceph-orch`, outside any clone of the project.
pub(crate) fn cache_dir() -> anyhow::Result<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute());
    let base = match xdg {
        Some(path) => path,
        None => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".cache"))
            .context("neither XDG_CACHE_HOME nor HOME is set")?,
    };
    Ok(base.join("microceph-orch"))
}

/// The stamp's text: a comment, the suite, then one `<package> <version>` line per package.
fn stamp_text(release: Release, versions: &[(String, String)]) -> String {
    let mut lines = vec![
        "# Written by `cargo xtask ceph-python` after extracting these packages into root/."
            .to_owned(),
        format!("suite {}", release.suite),
    ];
    lines.extend(
        versions
            .iter()
            .map(|(package, version)| format!("{package} {version}")),
    );
    lines.join("\n") + "\n"
}

/// The versions a stamp records, or `None` when it is for another suite or package set.
fn parse_stamp(text: &str, release: Release) -> Option<Vec<(String, String)>> {
    let mut suite = None;
    let mut versions = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(' ')?;
        if key == "suite" {
            suite = Some(value.trim());
        } else {
            versions.push((key.to_owned(), value.trim().to_owned()));
        }
    }
    let packages: Vec<&str> = versions
        .iter()
        .map(|(package, _)| package.as_str())
        .collect();
    (suite == Some(release.suite) && packages == PACKAGES).then_some(versions)
}

fn remove_dir_if_present(dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("could not remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

/// Runs `command`, echoing it first, and returns its standard output; fails if it fails.
fn output(command: &mut Command) -> anyhow::Result<String> {
    let output = process::captured(command)?;
    String::from_utf8(output.stdout).context("the command printed something other than UTF-8")
}

#[cfg(test)]
mod tests {
    use super::{PACKAGES, RELEASES, parse_stamp, stamp_text};

    #[test]
    fn a_stamp_reads_back_only_for_its_own_suite_and_package_set() {
        let versions: Vec<(String, String)> = PACKAGES
            .iter()
            .map(|package| ((*package).to_owned(), "16.2.15+ds-0+deb12u2".to_owned()))
            .collect();
        let text = stamp_text(RELEASES[0], &versions);
        assert_eq!(parse_stamp(&text, RELEASES[0]), Some(versions.clone()));
        assert_eq!(parse_stamp(&text, RELEASES[1]), None);
        let fewer = stamp_text(RELEASES[0], &versions[1..]);
        assert_eq!(parse_stamp(&fewer, RELEASES[0]), None);
        assert_eq!(parse_stamp("garbage", RELEASES[0]), None);
    }
}
