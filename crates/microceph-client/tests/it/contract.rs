//! The contract suite: the client against the real `fake-microceph` binary over a real unix socket.
//!
//! Where the wiremock tests pin what the client sends and how it decodes canned answers, these tests check that the client and the fake, written independently from `microceph-api.md`, agree with each other.
//! Every test starts its own fake process on its own socket (see `fake.rs`), drives it with the client, and checks the outcome three ways: the decoded values, the cluster state the fake reports (`GET /fake/1.0/state`), and the exact requests the fake recorded (`GET /fake/1.0/requests`).
//! The fake is driven as a binary, never linked, so that a bug cannot be mirrored on both sides.

mod endpoints;
mod errors;
pub(crate) mod fake;
mod hostile;
mod round_trip;
