//! The merged mgr module directory `mgr-modules/` that the lab's `mgr_module_path` names.
//!
//! `mgr_module_path` takes exactly one directory, and the mgr needs Ceph's own modules from it
//! too (the always-on ones, and `mgr_module.py` itself). So the directory links to every entry of
//! the release's `/usr/share/ceph/mgr`, plus `microceph` to the module `cargo xtask module` built.
//! Entries the snap patch changes are copied instead of linked and patched with `patch` (see
//! `snap/README.md`). On releases whose `mgr_util.py` imports `bcrypt` at the top (Debian 13's
//! reef), that file is copied too and the import is deferred: python3-bcrypt is a single-phase
//! PyO3 extension that refuses a second interpreter, which makes every module fail to load.
//!
//! Every link is absolute and resolves inside the chroot, where the lab directory has its own
//! path.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use super::Lab;
use crate::process;

/// Where Debian installs the mgr's Python modules, inside the chroot or on the host.
pub(super) const SYSTEM_MODULES: &str = "/usr/share/ceph/mgr";

/// The snap's patch to the orchestrator module, relative to the workspace root.
const SNAP_PATCH: &str = "snap/orchestrator-allow-microceph-backend.patch";

/// Our module's name, which is its directory's name.
const MODULE: &str = "microceph";

/// The lab-only stand-in for `import bcrypt` in `mgr_util.py`.
const DEFERRED_BCRYPT: &str = "\
class _ImportOnFirstUse:
    # Added by `cargo xtask lab` (see snap/README.md in microceph-orch): the module named here is
    # imported when an attribute is first read, not when mgr_util is imported.
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        import importlib
        return getattr(importlib.import_module(self._name), attribute)


bcrypt = _ImportOnFirstUse('bcrypt')
";

/// Builds `mgr-modules/` in the lab directory and returns notes on what it changed.
pub(super) fn build(lab: &Lab) -> anyhow::Result<Vec<String>> {
    let merged = lab.path("mgr-modules");
    let system = lab.system_modules();
    let patch_file = crate::project_root().join(SNAP_PATCH);
    let patch_text = std::fs::read_to_string(&patch_file)
        .with_context(|| format!("cannot read {}", patch_file.display()))?;
    let targets = patch_targets(&patch_text);
    if targets.is_empty() {
        bail!("{} changes no file", patch_file.display());
    }
    let mut copied = copied_entries(&targets);
    let mgr_util = std::fs::read_to_string(system.join("mgr_util.py"))
        .with_context(|| format!("cannot read {}", system.join("mgr_util.py").display()))?;
    let deferred = defer_bcrypt_import(&mgr_util);
    if deferred.is_some() {
        copied.insert("mgr_util.py".to_owned());
    }

    std::fs::create_dir_all(&merged)
        .with_context(|| format!("cannot create {}", merged.display()))?;
    let mut entries: Vec<String> = std::fs::read_dir(&system)
        .with_context(|| format!("cannot read {}", system.display()))?
        .map(|entry| entry.map(|entry| entry.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for name in &entries {
        if name == MODULE || name == "__pycache__" {
            continue;
        }
        let target = merged.join(name);
        if copied.contains(name) {
            process::run(
                Command::new("cp")
                    .arg("-R")
                    .arg(system.join(name))
                    .arg(&target),
            )?;
        } else {
            link(&Path::new(SYSTEM_MODULES).join(name), &target)?;
        }
    }
    process::run(
        Command::new("patch")
            .args([
                "--batch",
                "--forward",
                "--fuzz=0",
                "--no-backup-if-mismatch",
                "-p1",
                "-d",
            ])
            .arg(&merged)
            .arg("-i")
            .arg(&patch_file),
    )
    .context("the snap patch does not apply to this release's orchestrator module")?;
    let mut notes = vec![format!(
        "applied {SNAP_PATCH} to the copies of {}",
        targets.join(", ")
    )];
    if let Some(text) = deferred {
        std::fs::write(merged.join("mgr_util.py"), text)
            .with_context(|| format!("cannot write {}", merged.join("mgr_util.py").display()))?;
        notes.push("deferred mgr_util.py's `import bcrypt` (lab-only workaround)".to_owned());
    }
    link(&lab.path("module").join(MODULE), &merged.join(MODULE))?;
    Ok(notes)
}

fn link(original: &Path, link: &Path) -> anyhow::Result<()> {
    std::os::unix::fs::symlink(original, link)
        .with_context(|| format!("cannot link {} to {}", link.display(), original.display()))
}

/// The files a unified diff changes, from its `+++ b/<path>` lines with the first component
/// stripped as `patch -p1` does.
fn patch_targets(patch: &str) -> Vec<String> {
    patch
        .lines()
        .filter_map(|line| line.strip_prefix("+++ "))
        .filter_map(|header| {
            let name = header.split('\t').next()?.trim();
            let stripped = PathBuf::from(name)
                .components()
                .skip(1)
                .collect::<PathBuf>();
            let stripped = stripped.to_string_lossy().into_owned();
            (!stripped.is_empty()).then_some(stripped)
        })
        .collect()
}

/// The top-level entries of the module directory that hold the patched files, which must be
/// copies rather than links so the patch leaves the release's own files alone.
fn copied_entries(targets: &[String]) -> BTreeSet<String> {
    targets
        .iter()
        .filter_map(|target| target.split('/').next())
        .map(str::to_owned)
        .collect()
}

/// `mgr_util.py` with its top-level `import bcrypt` replaced by an import on first use, or `None`
/// when it has no such line.
fn defer_bcrypt_import(source: &str) -> Option<String> {
    let mut found = false;
    let mut out = String::with_capacity(source.len() + DEFERRED_BCRYPT.len());
    for line in source.split_inclusive('\n') {
        if !found && line.trim_end() == "import bcrypt" {
            found = true;
            out.push_str(DEFERRED_BCRYPT);
        } else {
            out.push_str(line);
        }
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{SNAP_PATCH, copied_entries, defer_bcrypt_import, patch_targets};

    #[test]
    fn the_snap_patch_changes_only_the_orchestrator_module() {
        let patch = std::fs::read_to_string(crate::project_root().join(SNAP_PATCH)).unwrap();
        let targets = patch_targets(&patch);
        assert_eq!(targets, ["orchestrator/module.py"]);
        assert_eq!(
            copied_entries(&targets).into_iter().collect::<Vec<_>>(),
            ["orchestrator"]
        );
        let added: Vec<&str> = patch
            .lines()
            .filter(|line| line.starts_with('+') && !line.starts_with("+++"))
            .collect();
        assert_eq!(added.len(), 1);
        assert!(added[0].contains("enum_allowed=[") && added[0].contains("'microceph'"));
    }

    #[test]
    fn targets_drop_the_first_component_and_any_timestamp() {
        let patch = "--- a/x/y.py\t2024-01-01\n+++ b/x/y.py\t2024-01-01\n@@ -1 +1 @@\n\
                     --- a/z.py\n+++ b/z.py\n";
        assert_eq!(patch_targets(patch), ["x/y.py", "z.py"]);
        assert_eq!(
            copied_entries(&patch_targets(patch))
                .into_iter()
                .collect::<Vec<_>>(),
            ["x", "z.py"]
        );
    }

    #[test]
    fn only_a_top_level_bcrypt_import_is_deferred() {
        let source = "import os\n\nimport bcrypt\nimport cephfs\n\ndef f():\n    import bcrypt\n";
        let deferred = defer_bcrypt_import(source).unwrap();
        assert!(deferred.starts_with("import os\n\nclass _ImportOnFirstUse:\n"));
        assert!(deferred.contains("\nbcrypt = _ImportOnFirstUse('bcrypt')\nimport cephfs\n"));
        assert!(deferred.ends_with("def f():\n    import bcrypt\n"));
        assert_eq!(defer_bcrypt_import("import os\n"), None);
    }
}
