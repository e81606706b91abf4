//! The PyO3 extension `microceph._native` behind the ceph-mgr orchestrator module `microceph`.
//!
//! Ceph's orchestrator calls arrive in the Python shim (`python/microceph/`), which turns Ceph's objects into JSON text and calls the module-level functions of `python.rs`.
//! Each function hands its plain arguments to `orch-backend`, where every decision and every message is made.
//! The shim only maps the JSON back onto Ceph's classes, keeps the applied specs in the mgr store, and turns this crate's exceptions into Ceph's.
//!
//! Architecture invariants:
//! no Python object crosses into Rust and no Rust object crosses into Python: arguments and results are strings, booleans and lists of strings.
//! Every call that may wait on MicroCeph runs with the GIL released, on the backend's one tokio runtime whose threads never call into Python.
//! Every entry point catches panics, and exactly one conversion (`py_error` in `python.rs`) turns Rust errors into Python exceptions.
//! Dependencies point one way: this crate uses `orch-backend`, and nothing of ours depends on it.
//!
//! Where to start: the entry points in `python.rs`, then `orch-backend`.

mod python;
