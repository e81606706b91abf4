//! Flags of `cargo xtask bench`.

use std::path::PathBuf;

use super::release_name;

/// The release whose orchestrator Python the benchmark runs unless told otherwise.
const DEFAULT_RELEASE: &str = "tentacle";

/// Flags of `cargo xtask bench`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BenchFlags {
    /// The release whose orchestrator Python drives the modules.
    pub(crate) release: String,
    /// Tiny clusters and few runs, as `cargo xtask ci` runs it.
    pub(crate) smoke: bool,
    /// Runs of each slow case (fast cases get ten times as many).
    pub(crate) runs: Option<u32>,
    /// Cluster sizes of the listing and refresh cases.
    pub(crate) members: Option<Vec<u32>>,
    /// Other modules to measure against ours, each a directory holding a `microceph/` package.
    pub(crate) module_dirs: Vec<PathBuf>,
    /// Where to write the JSON lines as well.
    pub(crate) out: Option<PathBuf>,
    /// Whether a full run also measures the mgr's memory in a lab of the same release (`lab rss`).
    pub(crate) rss: bool,
}

impl BenchFlags {
    /// What `cargo xtask ci` runs: the smoke version on the default release.
    pub(crate) fn smoke() -> Self {
        BenchFlags {
            release: DEFAULT_RELEASE.to_owned(),
            smoke: true,
            runs: None,
            members: None,
            module_dirs: Vec::new(),
            out: None,
            rss: false,
        }
    }
}

pub(super) fn parse_bench(rest: &[String]) -> Result<BenchFlags, String> {
    let mut flags = BenchFlags {
        smoke: false,
        rss: true,
        ..BenchFlags::smoke()
    };
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--ceph" => flags.release = release_name(value()?)?,
            "--smoke" => {
                flags.smoke = true;
                flags.rss = false;
            }
            "--no-rss" => flags.rss = false,
            "--runs" => flags.runs = Some(positive(flag, value()?)?),
            "--members" => {
                let list = value()?;
                let members = list
                    .split(',')
                    .map(|part| positive(flag, part))
                    .collect::<Result<Vec<u32>, String>>()?;
                flags.members = Some(members);
            }
            "--module-dir" => flags.module_dirs.push(value()?.into()),
            "--out" => flags.out = Some(value()?.into()),
            other => {
                return Err(format!(
                    "`bench` does not take `{other}`; accepted: --ceph RELEASE, --smoke, --no-rss, --runs N, --members LIST, --module-dir DIR, --out FILE"
                ));
            }
        }
    }
    Ok(flags)
}

fn positive(flag: &str, text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(number) if number > 0 => Ok(number),
        _ => Err(format!("`{flag}` takes positive numbers, got `{text}`")),
    }
}
