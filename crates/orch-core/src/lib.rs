//! The sans-IO planner of the MicroCeph orchestrator backend: it decides, the client executes.
//!
//! Plain owned values go in: the service specs Ceph passes to the backend ([`ServiceSpec`]) and the cluster state MicroCeph reports ([`ObservedState`]).
//! Plain values come out: a [`Plan`] of MicroCeph API calls with the reason for each and the findings about the request, or a projection for one of Ceph's listings.
//!
//! Architecture invariants:
//! this crate does no IO, reads no clock, draws no random numbers and starts no threads;
//! it does not depend on tokio, hyper, hyperlocal, pyo3 or the file system, and it never sees JSON (the client crate turns MicroCeph's replies into an [`ObservedState`] and a plan's calls into requests).
//! Ties are broken by sorting on member names, so equal inputs give equal plans.
//! A request that cannot be satisfied is not an `Err`: it is a plan with error findings and no calls.
//!
//! Where to start: the verbs [`plan_apply`], [`plan_remove`], [`plan_service_action`] and [`plan_daemon_action`], then [`Plan`] and its rendering.
//! Placement rules are in `placement/`, what differs per service type is in `services/` (one file per type), and the listings are in [`listing`].
//! MicroCeph runs one bare instance of each service per member, and its enable calls are not idempotent, so every planned call comes from a check of the observed state.
//!
//! Executing a plan: enables come first, then disables, then restarts, and each phase starts only when every call before it succeeded.
//! Calls on one member run in plan order; different members may run in parallel, except that mon removals and restarts run strictly one at a time and stop at the first failure.
//! After any failure, observe again and plan again; never resume a half-executed plan.
//! [`apply_plan`] gives the state a fully successful plan leads to.

#![deny(missing_docs)]

mod ceph;
pub mod comeback;
mod error;
mod fnmatch;
mod index;
pub mod listing;
pub mod liveness;
mod pem;
mod placement;
mod plan;
mod render;
mod service_type;
mod services;
mod shape;
mod simulate;
mod spec;
mod state;
mod verbs;

pub use ceph::{
    CephView, DaemonMetadata, MdsDaemon, MgrView, MonView, OsdState, ServiceDaemon, same_host,
};
pub use error::NameError;
pub use plan::{CallBody, EnablePayload, Finding, Method, Plan, PlannedCall, Severity};
pub use service_type::{ServiceName, ServiceType};
pub use services::ADOPTED_SERVICE_ID;
pub use shape::plan_shape_violation;
pub use simulate::apply_plan;
pub use spec::{NfsSettings, PlacementSpec, RgwSettings, ServiceSpec};
pub use state::{
    BlockDevice, Member, MemberStatus, NfsInstance, ObservedState, OsdDisk, PlacedService,
    address_without_port,
};
pub use verbs::{check_spec, plan_apply, plan_daemon_action, plan_remove, plan_service_action};
