//! The verbs: one planning entry point per `ceph orch` command that changes the cluster.
//!
//! Each verb takes plain values and returns a [`Plan`](crate::Plan); none of them fails with `Err`, because a request that cannot be satisfied is a plan with error findings and no calls.

mod apply;
mod converge;
mod remove;
mod restart;

pub use apply::{check_spec, plan_apply};
pub use remove::plan_remove;
pub use restart::{plan_daemon_action, plan_service_action};
