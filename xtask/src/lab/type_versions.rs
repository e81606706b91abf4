//! A lab-only workaround for Debian 13's reef: a `sitecustomize.py` that gives each of the mgr's
//! Python sub-interpreters its own range of type version tags.
//!
//! Before squid, ceph-mgr runs every module in its own sub-interpreter and hands Python objects
//! from one to another as they are: `ceph orch ls` gets our module's `ServiceDescription` objects
//! in the orchestrator module's interpreter, and our module gets the orchestrator's specs. From
//! Python 3.12 on, each interpreter numbers the version tags of its classes with its own counter,
//! and the attribute cache is looked up by tag and name, so an interpreter that looks up an
//! attribute of another interpreter's class may find an entry for one of its own classes with the
//! same tag. Ceph then fails with errors such as `descriptor '__dict__' for 'PrettyTable' objects
//! doesn't apply to a 'MONSpec' object`, depending on which classes happened to get which tags.
//! Ceph's own `test_orchestrator` backend fails the same way. pacific (Python 3.11, whose tags are
//! numbered process-wide) and tentacle (which loads modules into the main interpreter) are not
//! affected, and neither is the MicroCeph snap's reef, which runs Python 3.10.
//!
//! The file runs at the start of every interpreter, before any Ceph class exists, and advances that
//! interpreter's counter by its interpreter id times `SPAN` tags. Each interpreter then numbers its
//! classes in a range no other interpreter uses, so a cache entry can only be for the class it was
//! made for. Nothing else about the mgr changes. See `snap/README.md`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Lab;

/// The lab directory's entry that holds the file and is put on the mgr's `PYTHONPATH`.
pub(super) const DIR: &str = "python";

/// How many tags each interpreter's range holds. reef's mgr makes one interpreter per installed
/// module (29 in the lab, ids up to 28), and the busiest assigned about 1600 tags in its first
/// minute, so this leaves a margin of 40. Reserving all the ranges adds about 2 s to each start.
const SPAN: u32 = 1 << 16;

/// The file's text; `{span}` is replaced by `SPAN`.
const SITECUSTOMIZE: &str = r"# Written by `cargo xtask lab` (see snap/README.md in microceph-orch): gives this Python
# interpreter its own range of type version tags, so that objects ceph-mgr hands from one module's
# sub-interpreter to another are never mistaken for another class in the attribute cache.
def _reserve_type_versions(span):
    import collections
    import itertools
    try:
        import _interpreters
        interpreter = _interpreters.get_current()[0]
    except Exception:
        return
    left = interpreter * span
    while left > 0:
        # A class takes at most 1000 tags in its life, so each one here takes 999.
        step = min(left, 999)
        holder = type('_VersionHolder', (), {'x': 0})
        # Setting an attribute drops the class's tag and reading one gives it the next.
        collections.deque(zip(
            map(setattr, itertools.repeat(holder, step), itertools.repeat('x'), range(step)),
            map(getattr, itertools.repeat(holder, step), itertools.repeat('x'))), maxlen=0)
        left -= step


_reserve_type_versions({span})
del _reserve_type_versions
";

/// Whether the release's mgr needs the workaround: it runs every module in a sub-interpreter and
/// its Python numbers type version tags per interpreter (3.12 and later).
pub(super) fn needed(lab: &Lab) -> anyhow::Result<bool> {
    if !lab.release.modules_in_subinterpreters {
        return Ok(false);
    }
    let lib = lab.host_path(Path::new("/usr/lib"));
    let entries =
        std::fs::read_dir(&lib).with_context(|| format!("cannot read {}", lib.display()))?;
    let newest = entries
        .filter_map(Result::ok)
        .filter_map(|entry| python_minor(&entry.file_name().to_string_lossy()))
        .max();
    Ok(newest.is_some_and(|minor| minor >= 12))
}

/// Writes `python/sitecustomize.py` into the lab directory and returns the directory.
pub(super) fn write(lab: &Lab) -> anyhow::Result<PathBuf> {
    let dir = lab.path(DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join("sitecustomize.py");
    std::fs::write(&file, render()).with_context(|| format!("cannot write {}", file.display()))?;
    Ok(dir)
}

fn render() -> String {
    SITECUSTOMIZE.replace("{span}", &SPAN.to_string())
}

/// The minor version of a `python3.N` directory name.
fn python_minor(name: &str) -> Option<u32> {
    name.strip_prefix("python3.")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{python_minor, render};

    #[test]
    fn only_python_directories_name_a_minor_version() {
        assert_eq!(python_minor("python3.13"), Some(13));
        assert_eq!(python_minor("python3.11"), Some(11));
        assert_eq!(python_minor("python3"), None);
        assert_eq!(python_minor("python3.13-config"), None);
    }

    #[test]
    fn the_file_reserves_a_range_per_interpreter() {
        let text = render();
        assert!(text.contains("\n_reserve_type_versions(65536)\n"));
        assert!(!text.contains("{span}"));
        assert!(text.contains("left = interpreter * span"));
    }
}
