//! Tidy tests: project-wide rules that plain `cargo test` enforces.
//!
//! They read the source tree and `cargo metadata`, never the network.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::project_root;

/// The product's crates, from the bottom of the dependency order up; the last two are the backend's faces, the mgr module and the command, which depend on nothing of each other.
const LIBRARY_CRATES: &[&str] = &[
    "orch-core",
    "microceph-client",
    "orch-backend",
    "mgr-binding",
    "microceph-orch",
];

/// Which of the workspace's crates each crate may depend on, outside of dev-dependencies.
const ALLOWED_INTERNAL_DEPENDENCIES: &[(&str, &[&str])] = &[
    ("orch-core", &[]),
    ("microceph-client", &["orch-core"]),
    ("orch-backend", &["orch-core", "microceph-client"]),
    ("mgr-binding", &["orch-backend"]),
    ("microceph-orch", &["orch-backend", "orch-core"]),
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

/// Crates kept out of the workspace on purpose, by directory: each builds only with a tool of its own.
const OUTSIDE_WORKSPACE: &[&str] = &["fuzz"];

#[test]
fn crates_outside_the_workspace_are_excluded_and_documented() {
    let root = project_root();
    let mut found: Vec<String> = std::fs::read_dir(&root)
        .expect("the project root lists")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "xtask" && name != "target")
        .collect();
    found.sort();
    assert_eq!(
        found, OUTSIDE_WORKSPACE,
        "a crate at the top level that is not `xtask` must be listed in OUTSIDE_WORKSPACE"
    );
    let manifest = read(&root.join("Cargo.toml"));
    let architecture = read(&root.join("ARCHITECTURE.md"));
    for name in OUTSIDE_WORKSPACE {
        assert!(
            manifest.contains(&format!("exclude = [\"{name}\"]")),
            "the workspace's Cargo.toml must exclude `{name}`"
        );
        assert!(
            architecture.contains(&format!("`{name}/`")),
            "ARCHITECTURE.md has no section naming `{name}/`"
        );
        assert!(
            root.join(name).join("README.md").is_file(),
            "`{name}/` needs a README.md saying how to build and run it"
        );
    }
}

#[test]
fn every_fuzz_target_runs_in_ci() {
    let manifest = read(&project_root().join("fuzz").join("Cargo.toml"));
    let mut declared = Vec::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(name) = line.strip_prefix("name = ") {
            declared.push(name.trim_matches('"').to_owned());
        }
    }
    assert_eq!(
        declared,
        crate::fuzz::TARGETS,
        "fuzz/Cargo.toml's targets and `cargo xtask fuzz`'s TARGETS differ"
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

#[test]
fn the_command_runs_without_python() {
    let closure = runtime_dependency_closure("microceph-orch");
    let found: Vec<&String> = closure
        .iter()
        .filter(|name| ["pyo3", "mgr-binding"].contains(&name.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "microceph-orch runs without ceph-mgr, so it must not pull in {found:?}"
    );
}

/// Standard library and crate paths that would give `orch-core` IO, a clock or randomness.
/// `std::net`'s address types are pure values and stay allowed; its sockets are not.
const FORBIDDEN_PATHS: &[&str] = &[
    "std::fs",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "UnixStream",
    "UnixListener",
    "std::process",
    "std::thread",
    "std::time",
    "std::env",
    "std::io",
    "rand::",
];

#[test]
fn orch_core_stays_sans_io() {
    const FORBIDDEN_CRATES: &[&str] = &[
        "tokio",
        "hyper",
        "hyperlocal",
        "hyper-util",
        "pyo3",
        "mio",
        "socket2",
    ];
    let closure = runtime_dependency_closure("orch-core");
    let found: Vec<&String> = closure
        .iter()
        .filter(|name| FORBIDDEN_CRATES.contains(&name.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "orch-core must not depend on IO crates, but pulls in {found:?}"
    );

    let mut offences = Vec::new();
    for file in rust_files(&project_root().join("crates/orch-core/src")) {
        for (line_idx, line) in read(&file).lines().enumerate() {
            for path in FORBIDDEN_PATHS {
                if line.contains(path) {
                    offences.push(format!("{}:{}: {path}", file.display(), line_idx + 1));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "orch-core is sans-IO (no files, network, processes, threads, clock or environment): {offences:?}"
    );
}

/// Names of every package `package` depends on at run time (normal dependencies, transitively).
fn runtime_dependency_closure(package: &str) -> BTreeSet<String> {
    let metadata = cargo_metadata(&["--offline"]);
    let packages = metadata["packages"]
        .as_array()
        .expect("packages is an array");
    let name_of = |id: &str| -> String {
        packages
            .iter()
            .find(|candidate| candidate["id"].as_str() == Some(id))
            .and_then(|candidate| candidate["name"].as_str())
            .unwrap_or(id)
            .to_owned()
    };
    let nodes = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes is an array");
    let root = packages
        .iter()
        .find(|candidate| candidate["name"].as_str() == Some(package))
        .and_then(|candidate| candidate["id"].as_str())
        .unwrap_or_else(|| panic!("package `{package}` is not in the workspace"));
    let mut seen = BTreeSet::new();
    let mut pending = vec![root.to_owned()];
    while let Some(id) = pending.pop() {
        let Some(node) = nodes
            .iter()
            .find(|node| node["id"].as_str() == Some(id.as_str()))
        else {
            continue;
        };
        for dependency in node["deps"].as_array().into_iter().flatten() {
            let is_runtime = dependency["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|kind| kind["kind"].is_null());
            let Some(dependency_id) = dependency["pkg"].as_str() else {
                continue;
            };
            if is_runtime && seen.insert(name_of(dependency_id)) {
                pending.push(dependency_id.to_owned());
            }
        }
    }
    seen
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

fn cargo_metadata(extra_args: &[&str]) -> serde_json::Value {
    let output =
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(project_root())
            .args(["metadata", "--format-version", "1"])
            .args(extra_args)
            .output()
            .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
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
    roots.push(project_root().join("fuzz").join("fuzz_targets"));
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
