//! `cargo xtask module --out DIR`: build the extension and assemble the loadable mgr module in `DIR/microceph/`.
//!
//! It builds `mgr-binding`'s library in release mode with `PYO3_BUILD_EXTENSION_MODULE` set, so the extension does not link libpython, and strips its symbols.
//! The module directory holds the Python files of `crates/mgr-binding/python/microceph/` and the extension as `_native.abi3.so`, and nothing else: ceph-mgr needs no other file at run time.
//! The directory is assembled next to its final place and renamed into it, so a running mgr never sees half a module.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::flags::ModuleFlags;
use crate::process::{self, cargo};

/// The package directory's name, which is the mgr module's name.
pub(crate) const MODULE_NAME: &str = "microceph";

/// The extension's file name inside the package; `abi3` marks it as loadable by every Python from 3.9 on.
pub(crate) const EXTENSION_NAME: &str = "_native.abi3.so";

/// The package's Python sources, relative to the workspace root.
pub(crate) const PYTHON_SOURCES: &str = "crates/mgr-binding/python/microceph";

pub(crate) fn run(flags: &ModuleFlags) -> anyhow::Result<()> {
    let module_dir = build(&flags.out)?;
    report(&module_dir);
    Ok(())
}

/// Builds the extension and assembles `out/microceph/`, returning that directory.
pub(crate) fn build(out: &Path) -> anyhow::Result<PathBuf> {
    let extension = build_extension()?;
    let sources = crate::project_root().join(PYTHON_SOURCES);
    assemble(out, &sources, &extension)
}

/// The files of the module directory, relative to it and sorted: every `.py` file of the package and the extension.
///
/// This is the one list of what ships: `assemble` copies exactly these, `cargo xtask dist` archives them, and a tidy test holds `snap/snapcraft-part.yaml` to them.
pub(crate) fn module_layout() -> anyhow::Result<Vec<String>> {
    layout_of(&crate::project_root().join(PYTHON_SOURCES))
}

/// The layout for the Python package in `sources`.
fn layout_of(sources: &Path) -> anyhow::Result<Vec<String>> {
    let entries =
        fs::read_dir(sources).with_context(|| format!("cannot read {}", sources.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|extension| extension == "py") {
            let name = path.file_name().expect("a file has a name");
            names.push(name.to_string_lossy().into_owned());
        }
    }
    if names.is_empty() {
        bail!("{} holds no Python files", sources.display());
    }
    names.push(EXTENSION_NAME.to_owned());
    names.sort();
    Ok(names)
}

/// Builds the extension and returns the path cargo wrote it to.
fn build_extension() -> anyhow::Result<PathBuf> {
    process::run(
        cargo()
            .args([
                "build",
                "--release",
                "--locked",
                "-p",
                "mgr-binding",
                "--lib",
            ])
            .env("PYO3_BUILD_EXTENSION_MODULE", "1")
            .env("CARGO_PROFILE_RELEASE_STRIP", "symbols"),
    )?;
    let built = process::target_dir().join("release").join("lib_native.so");
    if !built.is_file() {
        bail!("cargo built mgr-binding but {} is missing", built.display());
    }
    Ok(built)
}

/// Assembles `out/microceph/` from the Python sources and the extension, replacing any previous one; it holds exactly `layout_of(sources)`.
pub(crate) fn assemble(out: &Path, sources: &Path, extension: &Path) -> anyhow::Result<PathBuf> {
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let out = out
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", out.display()))?;
    let final_dir = out.join(MODULE_NAME);
    let staging = out.join(format!(".{MODULE_NAME}.new-{}", std::process::id()));
    let retired = out.join(format!(".{MODULE_NAME}.old-{}", std::process::id()));
    remove_if_present(&staging)?;
    fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    let copied = layout_of(sources).and_then(|layout| {
        layout.iter().try_for_each(|name| {
            let from = if name == EXTENSION_NAME {
                extension.to_path_buf()
            } else {
                sources.join(name)
            };
            copy_file(&from, &staging.join(name))
        })
    });
    if let Err(error) = copied {
        let _ = fs::remove_dir_all(&staging);
        return Err(error);
    }
    if final_dir.exists() {
        fs::rename(&final_dir, &retired)
            .with_context(|| format!("cannot move the old {} aside", final_dir.display()))?;
    }
    fs::rename(&staging, &final_dir)
        .with_context(|| format!("cannot move {} into place", staging.display()))?;
    remove_if_present(&retired)?;
    Ok(final_dir)
}

fn copy_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    fs::copy(from, to)
        .map(drop)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        fs::remove_dir_all(path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

#[expect(
    clippy::print_stdout,
    reason = "the module directory is the command's output, for scripts to read"
)]
fn report(module_dir: &Path) {
    println!("{}", module_dir.display());
}

#[cfg(test)]
mod tests {
    use super::assemble;

    #[test]
    fn assembles_python_files_and_the_extension_and_replaces_old_modules() {
        let root = std::env::temp_dir().join(format!("xtask-module-{}", std::process::id()));
        let sources = root.join("src");
        let out = root.join("out");
        std::fs::create_dir_all(sources.join("__pycache__")).unwrap();
        std::fs::write(sources.join("__init__.py"), "from .module import M\n").unwrap();
        std::fs::write(sources.join("module.py"), "class M: pass\n").unwrap();
        std::fs::write(sources.join("notes.txt"), "not shipped").unwrap();
        std::fs::write(sources.join("__pycache__/module.cpython-311.pyc"), "x").unwrap();
        let extension = root.join("lib_native.so");
        std::fs::write(&extension, "ELF").unwrap();
        std::fs::create_dir_all(out.join("microceph")).unwrap();
        std::fs::write(out.join("microceph/stale.py"), "old").unwrap();

        let module_dir = assemble(&out, &sources, &extension).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&module_dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["__init__.py", "_native.abi3.so", "module.py"]);
        assert_eq!(super::layout_of(&sources).unwrap(), names);
        let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(
            leftovers.len(),
            1,
            "no staging or retired directory is left"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
