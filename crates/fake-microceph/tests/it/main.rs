//! Integration tests: the fake on a temporary unix socket, spoken to in raw HTTP/1.1.
//!
//! Each module covers one area of `microceph-api.md`; `support.rs` starts fakes and sends requests.

mod binary;
mod cluster_files;
mod control_api;
mod disable;
mod enable;
mod envelope;
mod faults;
mod locking;
mod restart;
mod routing;
mod support;
mod targeting;
