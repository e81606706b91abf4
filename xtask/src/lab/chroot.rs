//! A Debian chroot with Ceph for a release whose suite the host does not run, cached in
//! `${XDG_CACHE_HOME:-$HOME/.cache}/microceph-orch/chroots/<suite>` and reused while its stamp
//! says it is complete.
//!
//! It is built in two steps, because debootstrap alone cannot install Ceph: it resolves no virtual
//! package (trixie's `python3-cryptography` needs `python3-cffi-backend-api-min`), its install
//! order breaks on sid's systemd pre-dependency, and `cryptsetup-bin`'s maintainer script (through
//! `ceph-base`) needs `/proc`. So a `minbase` debootstrap comes first, then apt-get inside the
//! chroot with `/proc` mounted in a private mount namespace, which vanishes with the command and
//! leaves nothing to unmount. The tree is built in `<suite>.partial` and renamed when complete.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use super::packages::{CEPH_FILES, CEPH_PACKAGES, ensure_debootstrap};
use super::{LabRelease, mounts, step};
use crate::ceph_python::apt::system_mirror;
use crate::ceph_python::cache_dir;
use crate::process;

/// The stamp, relative to the chroot's root: written last, before the rename.
const STAMP: &str = "etc/microceph-orch-chroot";

/// Returns the chroot of `release`'s suite, building it first unless a complete one is cached.
pub(super) fn ensure(release: LabRelease) -> anyhow::Result<PathBuf> {
    let suite = release.release.suite;
    let chroots = cache_dir()?.join("chroots");
    let root = chroots.join(suite);
    let stamp = std::fs::read_to_string(root.join(STAMP)).unwrap_or_default();
    if parse_stamp(&stamp, suite).is_some()
        && CEPH_FILES.iter().all(|file| root.join(file).exists())
    {
        return Ok(root);
    }
    ensure_debootstrap()?;
    let partial = chroots.join(format!("{suite}.partial"));
    remove_tree(&partial)?;
    std::fs::create_dir_all(&chroots)
        .with_context(|| format!("cannot create {}", chroots.display()))?;
    build(suite, &partial)?;
    remove_tree(&root)?;
    std::fs::rename(&partial, &root)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), root.display()))?;
    Ok(root)
}

/// Bootstraps `suite` into `target` and installs Ceph in it.
fn build(suite: &str, target: &Path) -> anyhow::Result<()> {
    let mirror = system_mirror()?;
    let started = Instant::now();
    let mut debootstrap = Command::new("debootstrap");
    debootstrap.arg("--variant=minbase");
    if mirror.uri.starts_with("https:") {
        debootstrap.arg("--include=ca-certificates");
    }
    if let Some(keyring) = mirror.signed_by.as_deref().map(Path::new)
        && keyring.is_absolute()
        && keyring.is_file()
    {
        debootstrap.arg(format!("--keyring={}", keyring.display()));
    }
    process::run(debootstrap.arg(suite).arg(target).arg(&mirror.uri))?;
    let bootstrapped = started.elapsed();
    step(&format!(
        "debootstrap of {suite} took {:.1} s",
        bootstrapped.as_secs_f64()
    ));

    // apt-get uses the package lists debootstrap fetched a moment ago; it does not read them
    // again, which could fail on a mirror that serves a frozen suite whose Release file has
    // expired. The lists are dropped afterwards: the chroot is rebuilt, never upgraded.
    // Packages' maintainer scripts must not start services in the chroot.
    let policy = target.join("usr/sbin/policy-rc.d");
    std::fs::write(
        &policy,
        "#!/bin/sh\n# Written by `cargo xtask lab`: start no service.\nexit 101\n",
    )
    .with_context(|| format!("cannot write {}", policy.display()))?;
    set_executable(&policy)?;
    let install = format!(
        "apt-get -q -y -o Dpkg::Use-Pty=0 install --no-install-recommends {} && apt-get clean && \
         rm -rf /var/lib/apt/lists/*",
        CEPH_PACKAGES.join(" ")
    );
    process::run(
        Command::new("unshare")
            .args(["--mount", "--propagation", "private", "--", "sh", "-ec"])
            .arg(r#"mount -t proc proc "$1/proc"; exec chroot "$1" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -ec "$2""#)
            .arg("lab-chroot")
            .arg(target)
            .arg(&install),
    )?;
    let missing: Vec<&str> = CEPH_FILES
        .iter()
        .copied()
        .filter(|file| !target.join(file).exists())
        .collect();
    if !missing.is_empty() {
        bail!("the {suite} chroot lacks {missing:?} after installing Ceph");
    }
    let stamp = target.join(STAMP);
    std::fs::write(&stamp, stamp_text(suite))
        .with_context(|| format!("cannot write {}", stamp.display()))?;
    step(&format!(
        "installing Ceph in the {suite} chroot took {:.1} s",
        started.elapsed().saturating_sub(bootstrapped).as_secs_f64()
    ));
    Ok(())
}

/// Removes a chroot tree, refusing if anything is mounted inside it.
fn remove_tree(tree: &Path) -> anyhow::Result<()> {
    if !tree.exists() {
        return Ok(());
    }
    let mounted = mounts::mounted_under(tree)?;
    if let Some(mount) = mounted.first() {
        bail!(
            "{} must be rebuilt but {} is mounted inside it; is a lab running? \
             (`cargo xtask lab down`)",
            tree.display(),
            mount.display()
        );
    }
    std::fs::remove_dir_all(tree).with_context(|| format!("cannot remove {}", tree.display()))
}

fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

/// The stamp's text: the suite and the packages installed.
fn stamp_text(suite: &str) -> String {
    format!(
        "# Written by `cargo xtask lab` once this chroot was complete.\nsuite {suite}\npackages {}\n",
        CEPH_PACKAGES.join(" ")
    )
}

/// `Some(())` when a stamp is for `suite` and the current package set.
fn parse_stamp(text: &str, suite: &str) -> Option<()> {
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
    };
    (field("suite")? == suite && field("packages")? == CEPH_PACKAGES.join(" ")).then_some(())
}

#[cfg(test)]
mod tests {
    use super::{parse_stamp, stamp_text};

    #[test]
    fn a_stamp_is_for_one_suite_and_the_current_packages() {
        assert_eq!(parse_stamp(&stamp_text("sid"), "sid"), Some(()));
        assert_eq!(parse_stamp(&stamp_text("sid"), "trixie"), None);
        assert_eq!(parse_stamp("suite sid\npackages ceph-mon\n", "sid"), None);
        assert_eq!(parse_stamp("", "sid"), None);
    }
}
