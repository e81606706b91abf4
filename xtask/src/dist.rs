//! `cargo xtask dist [--out DIR]`: the release archive `microceph-orch-<version>.tar.gz`, reproducible byte for byte.
//!
//! The archive holds three things at its top level:
//! `microceph/`, the module directory exactly as `cargo xtask module` assembles it (the lab loads that same directory), to be unpacked into ceph-mgr's module directory;
//! `orchestrator-allow-microceph-backend.patch`, the change to Ceph's orchestrator module from `snap/`;
//! and `MANIFEST.json`, with the version, the Ceph releases the tests ran against (read from the `cargo xtask ceph-python` cache) and the SHA-256 of every other file.
//!
//! Reproducible means: entries sorted by path, one modification time for all (`SOURCE_DATE_EPOCH`, else the time of the last commit), owner `root`, fixed modes, the tar written here (`tar.rs`) and compressed by `gzip -n`, which stores no name or time.
//! The command checks itself before it writes anything: it assembles the module and builds the archive twice and compares the bytes, then unpacks the archive with the system's `tar` and compares every file with the module directory it came from.
//! The extension's bytes depend on the toolchain, `Cargo.lock` and the paths of the sources, which panic messages keep; so a build in another checkout path or `CARGO_HOME` differs there and nowhere else.

mod sha256;
mod tar;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::json;

use crate::flags::DistFlags;
use crate::module::{self, MODULE_NAME};
use crate::process;
use tar::Entry;

/// The snap patch, relative to the workspace root; it is archived under its file name.
pub(crate) const SNAP_PATCH: &str = "snap/orchestrator-allow-microceph-backend.patch";

/// The manifest's name in the archive.
const MANIFEST: &str = "MANIFEST.json";

/// A built archive: its entries, in order, and its compressed bytes.
#[derive(Debug)]
struct Archive {
    entries: Vec<Entry>,
    gzipped: Vec<u8>,
}

/// One Ceph release the tests ran against.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TestedRelease {
    name: String,
    suite: String,
    /// The Debian version of `ceph-mgr`, such as `18.2.7+ds-1+deb13u1`.
    package: String,
}

pub(crate) fn run(flags: &DistFlags) -> anyhow::Result<()> {
    let started = Instant::now();
    let version = workspace_version(&read(&crate::project_root().join("Cargo.toml"))?)?;
    let out = match &flags.out {
        Some(out) => out.clone(),
        None => process::target_dir().join("xtask").join("dist"),
    };
    let work = process::target_dir().join("xtask").join("dist-work");
    remove_dir_if_present(&work)?;
    let mtime = source_date_epoch()?;
    let releases = tested_releases()?;
    let patch = std::fs::read(crate::project_root().join(SNAP_PATCH))
        .with_context(|| format!("cannot read {SNAP_PATCH}"))?;

    let first_dir = module::build(&work.join("first"))?;
    let first = build_archive(&first_dir, &version, mtime, &releases, &patch)?;
    let second_dir = module::build(&work.join("second"))?;
    let second = build_archive(&second_dir, &version, mtime, &releases, &patch)?;
    if first.gzipped != second.gzipped {
        bail!(
            "two builds of the archive differ ({} and {}): something in it is not reproducible",
            sha256::hex_digest(&first.gzipped),
            sha256::hex_digest(&second.gzipped)
        );
    }
    let name = archive_name(&version);
    let unpacked = work.join("unpacked");
    check_unpacked(&first, &name, &unpacked, &first_dir)?;

    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let checksum = sha256::hex_digest(&first.gzipped);
    write_atomically(&out.join(&name), &first.gzipped)?;
    write_atomically(
        &out.join(format!("{name}.sha256")),
        format!("{checksum}  {name}\n").as_bytes(),
    )?;
    remove_dir_if_present(&work)?;

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", out.join(&name).display())?;
    writeln!(stdout, "  sha256 {checksum}")?;
    writeln!(
        stdout,
        "  {} bytes, {} entries, dated {mtime}; built twice with the same bytes and unpacked to the module the lab loads ({:.1} s)",
        first.gzipped.len(),
        first.entries.len(),
        started.elapsed().as_secs_f64()
    )?;
    for entry in &first.entries {
        writeln!(stdout, "  {}", display_path(entry))?;
    }
    Ok(())
}

/// Where `cargo xtask dist --out out` writes the archive of the workspace's version.
pub(crate) fn archive_path(out: &Path) -> anyhow::Result<PathBuf> {
    let version = workspace_version(&read(&crate::project_root().join("Cargo.toml"))?)?;
    Ok(out.join(archive_name(&version)))
}

/// `microceph-orch-<version>.tar.gz`.
fn archive_name(version: &str) -> String {
    format!("microceph-orch-{version}.tar.gz")
}

/// The archive of the module directory `module_dir`, which must hold exactly the module layout.
fn build_archive(
    module_dir: &Path,
    version: &str,
    mtime: u64,
    releases: &[TestedRelease],
    patch: &[u8],
) -> anyhow::Result<Archive> {
    let entries = archive_entries(module_dir, version, releases, patch)?;
    let tarred = tar::archive(&entries, mtime)?;
    let gzipped = gzip(&tarred)?;
    Ok(Archive { entries, gzipped })
}

/// Every entry of the archive, sorted by path, the manifest included.
fn archive_entries(
    module_dir: &Path,
    version: &str,
    releases: &[TestedRelease],
    patch: &[u8],
) -> anyhow::Result<Vec<Entry>> {
    let layout = module::module_layout()?;
    let mut present: Vec<String> = std::fs::read_dir(module_dir)
        .with_context(|| format!("cannot read {}", module_dir.display()))?
        .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    present.sort();
    if present != layout {
        bail!(
            "{} holds {present:?}, but the module layout is {layout:?}",
            module_dir.display()
        );
    }
    let mut entries = vec![Entry::Directory(MODULE_NAME.to_owned())];
    for name in &layout {
        let content = std::fs::read(module_dir.join(name))
            .with_context(|| format!("cannot read {}", module_dir.join(name).display()))?;
        entries.push(Entry::File(format!("{MODULE_NAME}/{name}"), content));
    }
    let patch_name = Path::new(SNAP_PATCH)
        .file_name()
        .expect("the patch path names a file")
        .to_string_lossy()
        .into_owned();
    entries.push(Entry::File(patch_name, patch.to_vec()));
    let manifest = manifest(version, releases, &entries);
    entries.push(Entry::File(MANIFEST.to_owned(), manifest.into_bytes()));
    entries.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(entries)
}

/// `MANIFEST.json`: what the archive is, what it was tested with, and the checksum of each file.
fn manifest(version: &str, releases: &[TestedRelease], entries: &[Entry]) -> String {
    let files: BTreeMap<&str, serde_json::Value> = entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::File(path, content) => Some((
                path.as_str(),
                json!({"sha256": sha256::hex_digest(content), "size": content.len()}),
            )),
            Entry::Directory(_) => None,
        })
        .collect();
    let tested: Vec<serde_json::Value> = releases
        .iter()
        .map(|release| {
            json!({
                "release": release.name,
                "ceph": upstream_version(&release.package),
                "debian_suite": release.suite,
                "debian_package": format!("ceph-mgr {}", release.package),
            })
        })
        .collect();
    let manifest = json!({
        "name": "microceph-orch",
        "version": version,
        "module": MODULE_NAME,
        "install": "unpack microceph/ into ceph-mgr's module directory (/usr/share/ceph/mgr by default) and apply orchestrator-allow-microceph-backend.patch there with patch -p1",
        "ceph_releases_tested": tested,
        "files": files,
    });
    let mut text = serde_json::to_string_pretty(&manifest).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// The upstream part of a Debian version: `18.2.7` of `18.2.7+ds-1+deb13u1`.
fn upstream_version(package: &str) -> &str {
    let end = package.find(['+', '-', '~']).unwrap_or(package.len());
    let start = package.find(':').map_or(0, |colon| colon + 1);
    &package[start.min(end)..end]
}

/// The releases `cargo xtask ceph-python` extracted for the Python tests, fetched first if the cache lacks them.
fn tested_releases() -> anyhow::Result<Vec<TestedRelease>> {
    Ok(crate::ceph_python::ensure_all()?
        .into_iter()
        .map(|python| TestedRelease {
            name: python.release.name.to_owned(),
            suite: python.release.suite.to_owned(),
            package: python.version().to_owned(),
        })
        .collect())
}

/// The workspace version, from `[workspace.package]` in the root `Cargo.toml`.
fn workspace_version(cargo_toml: &str) -> anyhow::Result<String> {
    let mut in_section = false;
    for line in cargo_toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == "[workspace.package]";
            continue;
        }
        if in_section
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "version"
        {
            let version = value.trim().trim_matches('"');
            if version.is_empty() || version.contains(['/', ' ']) {
                bail!("the workspace version `{version}` cannot name an archive");
            }
            return Ok(version.to_owned());
        }
    }
    bail!("Cargo.toml has no `version` in `[workspace.package]`")
}

/// The time every entry carries: `SOURCE_DATE_EPOCH` when set, else the last commit's time, else 0.
fn source_date_epoch() -> anyhow::Result<u64> {
    if let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let text = value.to_string_lossy();
        return text.trim().parse().with_context(|| {
            format!("SOURCE_DATE_EPOCH is `{text}`, not a whole number of seconds")
        });
    }
    let output = Command::new("git")
        .args(["log", "-1", "--format=%ct", "HEAD"])
        .current_dir(crate::project_root())
        .stderr(Stdio::null())
        .output();
    let committed = output
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .and_then(|text| text.trim().parse().ok());
    Ok(committed.unwrap_or(0))
}

/// `data` compressed by the system's `gzip -n`, which stores neither a file name nor a time.
fn gzip(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut child = Command::new("gzip")
        .args(["-n", "-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run gzip")?;
    let mut stdin = child.stdin.take().context("gzip has no stdin")?;
    let input = data.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let mut compressed = Vec::new();
    child
        .stdout
        .take()
        .context("gzip has no stdout")?
        .read_to_end(&mut compressed)?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to gzip panicked"))?
        .context("cannot write to gzip")?;
    let status = child.wait()?;
    if !status.success() {
        bail!("gzip failed: {status}");
    }
    Ok(compressed)
}

/// Unpacks the archive with the system's `tar` and checks that it gives back exactly its entries, and the module directory byte for byte.
fn check_unpacked(
    archive: &Archive,
    name: &str,
    dir: &Path,
    module_dir: &Path,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tarball = dir.with_file_name(name);
    std::fs::write(&tarball, &archive.gzipped)
        .with_context(|| format!("cannot write {}", tarball.display()))?;
    process::run(
        Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir),
    )?;
    let mut unpacked = Vec::new();
    list_files(dir, dir, &mut unpacked)?;
    unpacked.sort();
    let expected: Vec<String> = archive.entries.iter().map(display_path).collect();
    if unpacked != expected {
        bail!("the archive unpacks to {unpacked:?}, not {expected:?}");
    }
    for entry in &archive.entries {
        if let Entry::File(path, content) = entry {
            let on_disk = std::fs::read(dir.join(path))?;
            if &on_disk != content {
                bail!("{path} unpacks to other bytes than were archived");
            }
            if let Some(inside) = path.strip_prefix(&format!("{MODULE_NAME}/"))
                && std::fs::read(module_dir.join(inside))? != on_disk
            {
                bail!(
                    "{path} differs from {} assembled by `cargo xtask module`",
                    module_dir.join(inside).display()
                );
            }
        }
    }
    Ok(())
}

/// Every file and directory below `dir`, relative to `root`, directories with a trailing `/`.
fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let relative = path
            .strip_prefix(root)
            .expect("below the root")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            out.push(format!("{relative}/"));
            list_files(root, &path, out)?;
        } else {
            out.push(relative);
        }
    }
    Ok(())
}

/// An entry's path as `tar -t` shows it: directories end in `/`.
fn display_path(entry: &Entry) -> String {
    match entry {
        Entry::Directory(path) => format!("{path}/"),
        Entry::File(path, _) => path.clone(),
    }
}

/// Writes `content` next to `path` and renames it into place, so a reader never sees half a file.
fn write_atomically(path: &Path, content: &[u8]) -> anyhow::Result<()> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    std::fs::write(&partial, content)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn remove_dir_if_present(dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("cannot remove {}", dir.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{
        SNAP_PATCH, TestedRelease, archive_entries, display_path, gzip, tar, upstream_version,
        workspace_version,
    };
    use crate::module::{self, EXTENSION_NAME, MODULE_NAME, PYTHON_SOURCES};

    /// The module directory of the real Python sources with a stand-in extension, as `cargo xtask module` assembles it.
    fn assembled(root: &Path) -> std::path::PathBuf {
        let extension = root.join("lib_native.so");
        std::fs::create_dir_all(root).unwrap();
        std::fs::write(&extension, b"\x7fELF stand-in").unwrap();
        module::assemble(
            &root.join("out"),
            &crate::project_root().join(PYTHON_SOURCES),
            &extension,
        )
        .unwrap()
    }

    fn releases() -> Vec<TestedRelease> {
        vec![TestedRelease {
            name: "reef".to_owned(),
            suite: "trixie".to_owned(),
            package: "18.2.7+ds-1+deb13u1".to_owned(),
        }]
    }

    /// The files the snap part installs into the module directory, from its `install` lines.
    fn snap_part_files(part: &str) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = part
            .lines()
            .filter_map(|line| line.trim().strip_prefix("install -m 0644 "))
            .map(|rest| {
                let (source, destination) = rest.split_once(' ').unwrap();
                let name = destination
                    .trim_matches('"')
                    .strip_prefix("$module/")
                    .unwrap_or_else(|| panic!("`{destination}` is not in the module directory"));
                (name.to_owned(), source.to_owned())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_archive_the_lab_module_and_the_snap_part_hold_the_same_files() {
        let root = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        let module_dir = assembled(&root);
        let layout = module::module_layout().unwrap();
        let entries = archive_entries(&module_dir, "0.1.0", &releases(), b"patch").unwrap();
        let archived: Vec<String> = entries
            .iter()
            .filter_map(|entry| {
                display_path(entry)
                    .strip_prefix(&format!("{MODULE_NAME}/"))
                    .filter(|name| !name.is_empty())
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(
            archived, layout,
            "the archive's microceph/ is the module layout"
        );
        let paths: Vec<String> = entries.iter().map(display_path).collect();
        let top_level: Vec<&str> = paths
            .iter()
            .map(String::as_str)
            .filter(|path| path.trim_end_matches('/').matches('/').count() == 0)
            .collect();
        assert_eq!(
            top_level,
            [
                "MANIFEST.json",
                "microceph/",
                "orchestrator-allow-microceph-backend.patch"
            ]
        );

        let part = std::fs::read_to_string(crate::project_root().join("snap/snapcraft-part.yaml"))
            .unwrap();
        let installed = snap_part_files(&part);
        let names: Vec<&str> = installed.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names, layout,
            "snap/snapcraft-part.yaml installs the module layout"
        );
        for (name, source) in &installed {
            let expected = if name == EXTENSION_NAME {
                "target/release/lib_native.so".to_owned()
            } else {
                format!("{PYTHON_SOURCES}/{name}")
            };
            assert_eq!(source, &expected, "the snap part's source of {name}");
        }
        assert!(
            part.contains("module=\"$CRAFT_PART_INSTALL/share/ceph/mgr/microceph\"\n"),
            "the snap part installs into share/ceph/mgr/{MODULE_NAME}"
        );
        assert!(part.contains(&format!("$CRAFT_PART_SRC/{SNAP_PATCH}")));
        assert!(crate::project_root().join(SNAP_PATCH).is_file());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_manifest_names_the_version_the_releases_and_each_file() {
        let root = std::env::temp_dir().join(format!("xtask-manifest-{}", std::process::id()));
        let module_dir = assembled(&root);
        let entries = archive_entries(&module_dir, "0.1.0", &releases(), b"patch").unwrap();
        let manifest = entries
            .iter()
            .find_map(|entry| match entry {
                tar::Entry::File(path, content) if path == "MANIFEST.json" => Some(content),
                _ => None,
            })
            .unwrap();
        let manifest: serde_json::Value = serde_json::from_slice(manifest).unwrap();
        assert_eq!(manifest["version"], "0.1.0");
        assert_eq!(
            manifest["ceph_releases_tested"],
            serde_json::json!([{
                "release": "reef",
                "ceph": "18.2.7",
                "debian_suite": "trixie",
                "debian_package": "ceph-mgr 18.2.7+ds-1+deb13u1",
            }])
        );
        let files = manifest["files"].as_object().unwrap();
        assert_eq!(
            files["orchestrator-allow-microceph-backend.patch"]["sha256"],
            super::sha256::hex_digest(b"patch")
        );
        assert_eq!(files.len(), module::module_layout().unwrap().len() + 1);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn compressing_twice_gives_the_same_bytes() {
        let data = tar::archive(
            &[tar::Entry::File("a".to_owned(), b"hello".to_vec())],
            1_000,
        )
        .unwrap();
        let once = gzip(&data).unwrap();
        assert_eq!(once, gzip(&data).unwrap());
        assert_eq!(&once[..2], b"\x1f\x8b");
        assert_eq!(&once[4..8], b"\0\0\0\0", "gzip -n stores no time");
    }

    #[test]
    fn versions_come_from_the_workspace_and_debian() {
        let toml = "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"1.2.3\"\n";
        assert_eq!(workspace_version(toml).unwrap(), "1.2.3");
        assert!(workspace_version("[package]\nversion = \"1\"\n").is_err());
        let real = std::fs::read_to_string(crate::project_root().join("Cargo.toml")).unwrap();
        assert!(workspace_version(&real).is_ok());
        assert_eq!(upstream_version("16.2.15+ds-0+deb12u2"), "16.2.15");
        assert_eq!(upstream_version("20.2.4+ds-2"), "20.2.4");
        assert_eq!(upstream_version("1:2.0-1"), "2.0");
    }
}
