//! What a plan does to the observed state, if every call succeeds.
//!
//! The property tests use it to check that re-planning after a plan ran yields no calls, and the mgr layer can use it to update its cached state optimistically after executing a plan.
//! It changes only service instances: restarts leave the state as it was.

use crate::plan::{CallBody, EnablePayload, Method, Plan, PlannedCall};
use crate::service_type::ServiceType;
use crate::state::{ObservedState, PlacedService};

/// The state after every call of `plan` succeeded on `observed`.
pub fn apply_plan(observed: &ObservedState, plan: &Plan) -> ObservedState {
    let mut next = observed.clone();
    for call in &plan.calls {
        apply_call(&mut next, call);
    }
    next
}

fn apply_call(state: &mut ObservedState, call: &PlannedCall) {
    let member = call.target.as_str();
    match (&call.method, &call.body) {
        (Method::Put, CallBody::Enable { name, payload, .. }) => {
            let placed = match payload {
                EnablePayload::Nfs {
                    cluster_id,
                    bind_address,
                    bind_port,
                    ..
                } => PlacedService::nfs(member, cluster_id, bind_address, *bind_port),
                EnablePayload::None | EnablePayload::Rgw { .. } => {
                    PlacedService::new(*name, member)
                }
            };
            if !state.services.contains(&placed) {
                state.services.push(placed);
            }
        }
        (Method::Delete, CallBody::DisableNfs { cluster_id }) => {
            state.services.retain(|placed| {
                let in_cluster = placed
                    .nfs
                    .as_ref()
                    .is_some_and(|instance| instance.cluster_id == *cluster_id);
                !(placed.service_type == ServiceType::Nfs && placed.member == member && in_cluster)
            });
        }
        (Method::Delete, CallBody::None) => {
            let service_type = call
                .path
                .last()
                .and_then(|last| ServiceType::parse(last).ok());
            if let Some(service_type) = service_type {
                state.services.retain(|placed| {
                    !(placed.service_type == service_type && placed.member == member)
                });
            }
        }
        _ => {}
    }
}
