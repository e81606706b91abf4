//! The single integration harness of `microceph-orch`: the built command, run against an in-process `fake-microceph` and a fake `ceph` program.
//!
//! `listings.rs` checks the four listings and `status` in plain and JSON, with Ceph's maps read, not read and partly failing; `apply.rs` checks `apply` and `plan apply` with spec files; `command_line.rs` checks usage errors, help and an absent MicroCeph.
//! Outputs are compared as exact text, with timestamps and ages masked (`support::masked`).

mod apply;
mod command_line;
mod listings;
mod maps;
mod support;
