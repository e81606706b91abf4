//! The PyO3 extension `microceph._native` behind the ceph-mgr orchestrator module `microceph`.
//!
//! Ceph's orchestrator calls arrive in the Python shim (`python/microceph/`), which turns Ceph's objects into JSON text and calls the module-level functions of `python.rs`.
//! Everything that decides lives here or below: reading Ceph's spec JSON (`spec_json.rs`), observing and caching the cluster (`cache.rs`), planning with `orch-core` and executing with `microceph-client` (`apply.rs`, `actions.rs`), projecting the listings (`listings.rs`) and wording every result and error (`report.rs`, `unsupported.rs`).
//! The shim only maps the JSON back onto Ceph's classes, keeps the applied specs in the mgr store, and turns this crate's exceptions into Ceph's.
//!
//! Architecture invariants:
//! no Python object crosses into Rust and no Rust object crosses into Python: arguments and results are strings, booleans and lists of strings.
//! Every call that may wait on MicroCeph runs with the GIL released, on one tokio runtime created once per process whose threads never call into Python.
//! Every entry point catches panics, and exactly one conversion (`From<BindingError> for PyErr` in `python.rs`) turns Rust errors into Python exceptions.
//! Dependencies point one way: this crate uses `microceph-client` and `orch-core`, and nothing of ours depends on it.
//!
//! Where to start: the entry points in `python.rs`, then `apply.rs` for the main verb.
//! The Rust functions behind the entry points are public so that the tests can call them without Python.

mod actions;
mod apply;
mod cache;
mod config;
mod error;
mod listings;
mod placement_json;
mod python;
mod report;
mod runtime;
mod spec_json;
mod unsupported;

pub use actions::{daemon_action, probe, refresh, remove, service_action};
pub use apply::{ApplyOptions, apply, preview};
pub use config::Config;
pub use error::BindingError;
pub use listings::{DaemonFilter, daemons, hosts, inventory, services};
pub use runtime::guarded;
pub use spec_json::{ParsedSpec, parse_spec, spec_list, stored_specs};
pub use unsupported::{OPERATIONS, refusal};
