//! The single integration harness of `orch-backend`: the verbs the ceph-mgr module calls, without Python.
//!
//! `spec_json.rs` reads the spec shapes Ceph writes (`ceph-orch-interface.md` §3); `verbs.rs` and `listings.rs` drive apply, remove, the actions and the listings against an in-process `fake-microceph` and check the exact result and error texts.
//! The Python side is checked by the pytest harness, which loads the built module into Ceph's real Python.

mod health;
mod listings;
mod progress;
mod recorded_maps;
mod restarts;
mod spec_json;
mod stale;
mod support;
mod verbs;
