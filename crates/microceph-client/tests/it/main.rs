//! The single integration harness of `microceph-client`: the real client against real HTTP servers.
//!
//! Most tests run the client over TCP against wiremock (`Client::http`), asserting the exact request each endpoint sends and the decoding of responses taken from `microceph-api.md`.
//! Transport failures that wiremock cannot produce (a stalled body, a dropped connection, unix sockets) use the tiny one-shot servers in `raw.rs`.
//! The contract suite in `contract.rs` runs the client against the real `fake-microceph` binary over a unix socket; it drives the binary as a child process and never links the fake.
//! `responses.rs` needs no server: its properties feed generated bodies to the client's decoding.

mod contract;
mod endpoints;
mod errors;
mod fan_out;
mod plans;
mod raw;
mod responses;
mod support;
mod transport;
