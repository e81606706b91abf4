//! The integration harness of `orch-core`: decision tables rendered as insta snapshots, and proptest properties (`properties.rs`, and `hostile.rs` for hostile names and extreme placements).
//!
//! Snapshots live in `snapshots/`, one per case, named after the shape and the case; review changes with `cargo insta review`.
//! The cluster shapes are described in `shapes.rs`.

mod apply;
mod hostile;
mod listing;
mod liveness;
mod properties;
mod remove;
mod restart;
mod shapes;
