//! The orchestrator backend's verbs over MicroCeph, shared by the ceph-mgr module and the `microceph-orch` command.
//!
//! Ceph's side arrives as JSON text: service specs as `ServiceSpec.to_json()` writes them, stored specs, and the module's options.
//! Everything that decides lives here or below: reading Ceph's spec JSON (`spec_json.rs`), observing and caching the cluster (`cache.rs`), planning with `orch-core` and executing with `microceph-client` (`apply.rs`, `actions.rs`), projecting the listings (`listings.rs`) and telling when a built listing is still current (`generation.rs`) and wording every result and error (`report.rs`, `unsupported.rs`).
//! Results are JSON text or plain strings, and every failure is one [`BackendError`] whose message an operator can act on.
//!
//! Architecture invariants:
//! this crate knows nothing of Python: the PyO3 extension (`mgr-binding`) and the command (`microceph-orch`) are thin faces over it.
//! Every call that waits on MicroCeph runs on one tokio runtime created once per process, through [`runtime::block_on`]; callers call in from their own threads and never from inside the runtime.
//! Dependencies point one way: this crate uses `microceph-client` and `orch-core`, and only the two faces depend on it.
//!
//! Where to start: `apply.rs` for the main verb, then `listings.rs` and `actions.rs`.

mod actions;
mod apply;
mod cache;
mod ceph_maps;
pub mod ceph_time;
mod config;
mod confirm;
mod error;
mod events;
mod generation;
mod health;
mod listings;
mod placement_json;
mod progress;
mod report;
mod runtime;
mod secrets;
mod spec_json;
mod unsupported;

pub use actions::{available, daemon_action, probe, remove, serve_tick, service_action};
pub use apply::{ApplyOptions, apply, preview};
pub use cache::{ceph_view, update_ceph_view};
pub use ceph_maps::{
    PARTS as CEPH_MAP_PARTS, parts_for as ceph_map_parts_for, update as update_ceph_maps,
};
pub use config::{Config, seconds};
pub use confirm::confirm as confirm_restart;
pub use error::BackendError;
pub use generation::listing_token;
pub use health::health_checks;
pub use listings::{DaemonFilter, daemons, hosts, inventory, services};
pub use progress::{apply_start, apply_wait};
pub use runtime::guarded;
pub use spec_json::{ParsedSpec, parse_spec, spec_list, spec_name, stored_specs};
pub use unsupported::{OPERATIONS, refusal};
