//! The mounts a chroot lab needs while it runs, recorded in the lab's `mounts` file so that
//! `lab down` unmounts exactly those, newest first.
//!
//! The chroot gets `/proc` (the mgr re-executes itself through `/proc/self/exe`, and Python and
//! Ceph read it), `/sys` and `/dev` of the host, and the lab directory at its own path. `/dev/pts`
//! is left out: no daemon opens a terminal, and the `ceph` CLI inherits the caller's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::process;

/// Mounts what a chroot lab needs under `root`, recording each mount point as soon as it exists.
pub(super) fn mount_chroot(root: &Path, lab_dir: &Path, record: &Path) -> anyhow::Result<()> {
    let lab_mount = inside(root, lab_dir);
    let planned: [(PathBuf, Vec<&std::ffi::OsStr>); 4] = [
        (
            root.join("proc"),
            vec!["-t".as_ref(), "proc".as_ref(), "proc".as_ref()],
        ),
        (root.join("sys"), vec!["--bind".as_ref(), "/sys".as_ref()]),
        (root.join("dev"), vec!["--bind".as_ref(), "/dev".as_ref()]),
        (
            lab_mount.clone(),
            vec!["--bind".as_ref(), lab_dir.as_os_str()],
        ),
    ];
    let already = mount_points()?;
    for (target, _) in &planned {
        if already.contains(target) {
            bail!(
                "{} is mounted already: another lab uses the chroot {}; stop it first with \
                 `cargo xtask lab down`",
                target.display(),
                root.display()
            );
        }
    }
    std::fs::create_dir_all(&lab_mount)
        .with_context(|| format!("cannot create {}", lab_mount.display()))?;
    for (target, args) in planned {
        process::run(Command::new("mount").args(args).arg(&target))?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(record)
            .with_context(|| format!("cannot open {}", record.display()))?;
        writeln!(file, "{}", target.display())
            .with_context(|| format!("cannot write {}", record.display()))?;
    }
    Ok(())
}

/// `path` as seen from the host when it is at the same path inside the chroot at `root`.
pub(super) fn inside(root: &Path, path: &Path) -> PathBuf {
    root.join(path.strip_prefix("/").unwrap_or(path))
}

/// Unmounts every recorded mount point that is still mounted, newest first, lazily if a plain
/// unmount fails, and forgets the record. Returns a line per mount for the report.
pub(super) fn unmount_recorded(lab_dir: &Path, record: &Path) -> anyhow::Result<Vec<String>> {
    let Ok(text) = std::fs::read_to_string(record) else {
        return Ok(Vec::new());
    };
    let mounted = mount_points()?;
    let mut report = Vec::new();
    for target in text.lines().rev().filter(|line| !line.is_empty()) {
        let target = Path::new(target);
        if !mounted.iter().any(|mount| mount == target) {
            continue;
        }
        if process::run(Command::new("umount").arg(target)).is_ok() {
            report.push(format!("unmounted {}", target.display()));
        } else {
            process::run(Command::new("umount").arg("--lazy").arg(target))?;
            report.push(format!(
                "unmounted {} lazily: it was busy",
                target.display()
            ));
        }
    }
    // The lab directory's mount point is an empty directory in the chroot once unmounted.
    let relative = lab_dir.strip_prefix("/").unwrap_or(lab_dir);
    for target in text.lines().map(Path::new) {
        if target != lab_dir && target.ends_with(relative) {
            let _ = std::fs::remove_dir(target);
        }
    }
    std::fs::remove_file(record).with_context(|| format!("cannot remove {}", record.display()))?;
    Ok(report)
}

/// The recorded mount points that are mounted now.
pub(super) fn recorded_and_mounted(record: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let Ok(text) = std::fs::read_to_string(record) else {
        return Ok(Vec::new());
    };
    let mounted = mount_points()?;
    Ok(text
        .lines()
        .map(PathBuf::from)
        .filter(|target| mounted.contains(target))
        .collect())
}

/// The mount points at or below `tree`.
pub(super) fn mounted_under(tree: &Path) -> anyhow::Result<Vec<PathBuf>> {
    Ok(mount_points()?
        .into_iter()
        .filter(|mount| mount.starts_with(tree))
        .collect())
}

/// Every mount point of this mount namespace.
fn mount_points() -> anyhow::Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string("/proc/self/mountinfo")
        .context("cannot read /proc/self/mountinfo")?;
    Ok(parse_mountinfo(&text))
}

/// The mount points of a `mountinfo` file: its fifth field, with the kernel's octal escapes of
/// space, tab, newline and backslash undone.
fn parse_mountinfo(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|field| PathBuf::from(unescape_octal(field)))
        .collect()
}

fn unescape_octal(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(index) = rest.find('\\') {
        out.push_str(&rest[..index]);
        let code = rest
            .get(index + 1..index + 4)
            .and_then(|digits| u8::from_str_radix(digits, 8).ok());
        if let Some(code) = code {
            out.push(char::from(code));
            rest = &rest[index + 4..];
        } else {
            out.push('\\');
            rest = &rest[index + 1..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{inside, parse_mountinfo};

    #[test]
    fn mount_points_come_from_the_fifth_field_unescaped() {
        let text = "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
                    40 22 0:5 / /root/.cache/chroots/sid/proc rw - proc proc rw\n\
                    41 22 254:0 /tmp/my\\040lab /srv/a\\040b\\134c rw - ext4 /dev/vda rw\n";
        assert_eq!(
            parse_mountinfo(text),
            [
                PathBuf::from("/"),
                PathBuf::from("/root/.cache/chroots/sid/proc"),
                PathBuf::from("/srv/a b\\c"),
            ]
        );
    }

    #[test]
    fn the_lab_directory_keeps_its_path_inside_the_chroot() {
        assert_eq!(
            inside(Path::new("/c/sid"), Path::new("/root/.cache/labs/tentacle")),
            PathBuf::from("/c/sid/root/.cache/labs/tentacle")
        );
    }
}
