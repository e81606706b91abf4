//! What the lab installs on the host with apt-get: the tools it runs, and Ceph itself when the
//! host runs the release's Debian suite.
//!
//! Nothing is installed that is already there, so a second `lab up` runs no apt at all.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::Context;

use super::step;
use crate::process;

/// The Ceph packages a lab needs, on the host or in a chroot. `ceph-base` ships `monmaptool` and
/// the erasure-code plugins that `ceph-mon` loads at start; since Debian 13 `ceph-mon` no longer
/// depends on it.
pub(super) const CEPH_PACKAGES: [&str; 4] = ["ceph-mon", "ceph-mgr", "ceph-common", "ceph-base"];

/// Files that show the Ceph packages are installed, relative to the root they are installed in.
pub(super) const CEPH_FILES: [&str; 6] = [
    "usr/bin/ceph",
    "usr/bin/ceph-mon",
    "usr/bin/ceph-mgr",
    "usr/bin/ceph-authtool",
    "usr/bin/monmaptool",
    "usr/share/ceph/mgr/orchestrator/module.py",
];

/// The host tools the lab runs, each with the Debian package that ships it.
const HOST_TOOLS: [(&str, &str); 5] = [
    ("/usr/bin/patch", "patch"),
    ("/bin/kill", "procps"),
    ("/usr/bin/unshare", "util-linux"),
    ("/usr/bin/timeout", "coreutils"),
    ("/usr/sbin/chroot", "coreutils"),
];

/// Installs the host tools that are missing.
pub(super) fn ensure_host_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> = HOST_TOOLS
        .iter()
        .filter(|(program, _)| !Path::new(program).exists())
        .map(|(_, package)| *package)
        .collect();
    install(&missing)
}

/// Installs debootstrap when it is missing.
pub(super) fn ensure_debootstrap() -> anyhow::Result<()> {
    if Path::new("/usr/sbin/debootstrap").exists() {
        return Ok(());
    }
    install(&["debootstrap"])
}

/// Installs Debian's Ceph on the host unless every file it needs is there.
pub(super) fn ensure_host_ceph() -> anyhow::Result<()> {
    if CEPH_FILES
        .iter()
        .all(|file| Path::new("/").join(file).exists())
    {
        return Ok(());
    }
    install(&CEPH_PACKAGES)
}

/// Whether the host runs `suite`, so that suite's Ceph can be installed on it directly.
pub(super) fn host_runs(suite: &str) -> anyhow::Result<bool> {
    let text = std::fs::read_to_string("/etc/os-release")
        .context("cannot read /etc/os-release to learn the host's Debian suite")?;
    Ok(codename(&text).is_some_and(|codename| codename == suite))
}

/// The `VERSION_CODENAME` of an os-release file, without quotes.
fn codename(os_release: &str) -> Option<&str> {
    os_release.lines().find_map(|line| {
        let value = line.strip_prefix("VERSION_CODENAME=")?;
        Some(value.trim().trim_matches(['"', '\'']))
    })
}

/// Installs `packages` with apt-get, reading the package lists first when there are none, and
/// once more if the install fails on lists that may be stale.
fn install(packages: &[&str]) -> anyhow::Result<()> {
    if packages.is_empty() {
        return Ok(());
    }
    let started = Instant::now();
    if !has_package_lists() {
        process::run(Command::new("apt-get").args(["-q", "update"]))?;
    }
    let install = || {
        process::run(
            Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["-q", "-y", "install", "--no-install-recommends"])
                .args(packages),
        )
    };
    if install().is_err() {
        process::run(Command::new("apt-get").args(["-q", "update"]))?;
        install().with_context(|| format!("could not install {}", packages.join(" ")))?;
    }
    step(&format!(
        "installing {} on the host took {:.1} s",
        packages.join(" "),
        started.elapsed().as_secs_f64()
    ));
    Ok(())
}

fn has_package_lists() -> bool {
    std::fs::read_dir("/var/lib/apt/lists").is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().contains("_Packages"))
    })
}

#[cfg(test)]
mod tests {
    use super::codename;

    #[test]
    fn the_codename_comes_from_os_release() {
        let bookworm = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\n\
                        VERSION_CODENAME=bookworm\nID=debian\n";
        assert_eq!(codename(bookworm), Some("bookworm"));
        assert_eq!(codename("VERSION_CODENAME=\"trixie\"\n"), Some("trixie"));
        assert_eq!(codename("ID=debian\n"), None);
    }
}
