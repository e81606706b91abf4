//! A typed async client for the MicroCeph daemon's local REST API.
//!
//! This crate is the only place in the workspace that speaks HTTP to MicroCeph.
//! It turns each endpoint the orchestrator needs into one async method on [`Client`] with typed requests and responses, and it turns every failure into one [`Error`] whose [`Error::kind`] says what a caller can branch on.
//! The reference for every wire detail is `microceph-api.md` in the shared reference folder.
//!
//! It is also the executor side of the planner: [`observe()`] turns MicroCeph's listings into `orch-core`'s observed state, and [`execute()`] runs a plan's calls through the typed requests.
//! The client never decides anything about placement; it executes what a plan asks for and reports what happened to each call.
//!
//! What this crate must not depend on: the `PyO3` binding or the `fake-microceph` test double.
//! Dependencies point one way, from the binding to this crate to the planner (`orch-core`), and the endpoint tests use wiremock rather than the fake so that a bug cannot be mirrored on both sides.
//!
//! Where to start reading:
//! - [`Client`] in `client.rs` lists every endpoint, one method each.
//! - [`Error`] and [`ErrorKind`] in `error.rs` describe the failure model; `classify.rs` maps MicroCeph's error texts to kinds.
//! - `envelope.rs` decodes the response envelope shared by every endpoint.
//! - `url.rs` builds every request path and query string, percent-encoding all caller-provided text.
//! - The `types` module holds the request and response types.
//! - `observe.rs` and `convert.rs` build an [`orch_core::ObservedState`]; `execute.rs` and `planned.rs` run an [`orch_core::Plan`].
//!
//! The client never retries a request, because several MicroCeph calls (enabling a service above all) are not idempotent.
//! A caller that sees an error after a write should observe the cluster again before deciding what to do next.
//!
//! ```no_run
//! use microceph_client::{Client, EnableRequest, ErrorKind, PlainService};
//!
//! # async fn example() -> Result<(), microceph_client::Error> {
//! let client = Client::unix(Client::DEFAULT_SOCKET_PATH);
//! let members = client.cluster_members().await?;
//! let services = client.services(None).await?;
//! let request = EnableRequest::Plain { service: PlainService::Mon, wait: true };
//! match client.enable_service(Some("node2"), &request).await {
//!     Ok(()) => {}
//!     Err(err) if err.kind() == ErrorKind::AlreadyActive => {}
//!     Err(err) => return Err(err),
//! }
//! # let _ = (members, services);
//! # Ok(())
//! # }
//! ```

mod classify;
mod client;
mod convert;
mod envelope;
mod error;
mod execute;
#[doc(hidden)]
pub mod fuzzing;
mod observe;
mod parallel;
mod planned;
mod timeouts;
mod types;
mod url;

pub use client::Client;
pub use envelope::DecodeError;
pub use error::{Error, ErrorKind, RequestLine};
pub use execute::{
    CallError, CallOutcome, CallStatus, CallWatcher, ExecutionReport, execute, execute_watched,
};
pub use observe::{HostProblem, Observation, observe, observe_placement};
pub use timeouts::Timeouts;
pub use types::{
    BlockDevice, ClusterMember, DisableRequest, DiskPartition, EnableRequest, InvalidNfsInfo,
    MemberStatus, NfsInfo, NfsParams, OsdDisk, ParseServiceError, PlainService, Resources,
    RestartService, RgwParams, RgwSsl, ServerInfo, ServiceInstance, ServiceType,
};
