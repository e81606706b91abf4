//! Tidy tests: project-wide rules that plain `cargo test` enforces.
//!
//! They read the source tree and `cargo metadata`, never the network.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::project_root;

/// Library crates of the workspace, from the bottom of the dependency order up.
const LIBRARY_CRATES: &[&str] = &["orch-core", "microceph-client", "mgr-binding"];

/// Which of the workspace's crates each crate may depend on, outside of dev-dependencies.
const ALLOWED_INTERNAL_DEPENDENCIES: &[(&str, &[&str])] = &[
    ("orch-core", &[]),
    ("microceph-client", &["orch-core"]),
    ("mgr-binding", &["orch-core", "microceph-client"]),
    ("fake-microceph", &[]),
    ("xtask", &[]),
];

#[test]
fn every_crate_is_in_the_architecture_codemap() {
    let architecture = read(&project_root().join("ARCHITECTURE.md"));
    let missing: Vec<String> = crate_dirs()
        .into_iter()
        .filter(|name| !architecture.contains(&format!("`crates/{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md has no section naming these crates (write `crates/<name>`): {missing:?}"
    );
}

#[test]
fn every_rust_source_file_starts_with_a_module_doc_comment() {
    let mut missing = Vec::new();
    for root in source_roots() {
        for file in rust_files(&root) {
            let text = read(&file);
            let first = text
                .lines()
                .find(|line| !line.trim().is_empty())
                .unwrap_or("");
            if !first.starts_with("//!") {
                missing.push(
                    file.strip_prefix(project_root())
                        .unwrap_or(&file)
                        .to_path_buf(),
                );
            }
        }
    }
    assert!(
        missing.is_empty(),
        "these files do not start with a `//!` comment: {missing:?}"
    );
}

#[test]
fn crate_dependencies_point_one_way() {
    let dependencies = internal_dependencies();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED_INTERNAL_DEPENDENCIES.iter().copied().collect();
    for (package, depends_on) in &dependencies {
        let permitted = allowed.get(package.as_str()).unwrap_or_else(|| {
            panic!("crate `{package}` is missing from ALLOWED_INTERNAL_DEPENDENCIES")
        });
        for dependency in depends_on {
            assert!(
                permitted.contains(&dependency.as_str()),
                "`{package}` depends on `{dependency}`, which breaks the one-way order {LIBRARY_CRATES:?}; \
                 allowed for it: {permitted:?}"
            );
        }
    }
}

/// Each workspace package's normal and build dependencies on other workspace packages.
fn internal_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let output =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(project_root())
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .output()
            .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"]
        .as_array()
        .expect("packages is an array");
    let names: BTreeSet<&str> = packages
        .iter()
        .filter_map(|package| package["name"].as_str())
        .collect();
    packages
        .iter()
        .map(|package| {
            let depends_on = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|dependency| dependency["kind"].as_str() != Some("dev"))
                .filter_map(|dependency| dependency["name"].as_str())
                .filter(|name| names.contains(name))
                .map(str::to_owned)
                .collect();
            (
                package["name"].as_str().unwrap_or_default().to_owned(),
                depends_on,
            )
        })
        .collect()
}

fn crate_dirs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project_root().join("crates"))
        .expect("crates/ exists")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn source_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = crate_dirs()
        .into_iter()
        .map(|name| project_root().join("crates").join(name).join("src"))
        .collect();
    roots.push(project_root().join("xtask").join("src"));
    roots
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}
