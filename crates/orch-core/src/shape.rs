//! What every plan must satisfy, whatever verb made it, as one check the property tests and the fuzz targets share.
//!
//! A plan that cannot be satisfied has no calls; enables come before disables; every call goes to a cluster member; nothing already running on a member is enabled there again; and a cluster that runs a mon or an mgr still runs one after the plan.

use std::collections::BTreeSet;

use crate::plan::{CallBody, Method, Plan};
use crate::service_type::ServiceType;
use crate::simulate::apply_plan;
use crate::state::ObservedState;

/// The first rule `plan` breaks on `observed`, in words with the rendered plan, or `None`.
pub fn plan_shape_violation(observed: &ObservedState, plan: &Plan) -> Option<String> {
    if !plan.is_satisfiable() && !plan.calls.is_empty() {
        return Some(format!("unsatisfiable plan has calls:\n{plan}"));
    }
    let first_disable = plan
        .calls
        .iter()
        .position(|call| call.method == Method::Delete);
    let last_enable = plan
        .calls
        .iter()
        .rposition(|call| call.method == Method::Put);
    if let (Some(first_disable), Some(last_enable)) = (first_disable, last_enable)
        && last_enable > first_disable
    {
        return Some(format!("enable after disable:\n{plan}"));
    }
    for call in &plan.calls {
        if observed.member(&call.target).is_none() {
            return Some(format!("call to a non-member:\n{plan}"));
        }
        if let CallBody::Enable { name, .. } = &call.body {
            let already = observed
                .services
                .iter()
                .any(|placed| placed.member == call.target && placed.service_type == *name);
            if already {
                return Some(format!(
                    "enable of {name} already on {}:\n{plan}",
                    call.target
                ));
            }
        }
    }
    let after = apply_plan(observed, plan);
    for floored in [ServiceType::Mon, ServiceType::Mgr] {
        let before = instances(observed, floored);
        if before > 0 && instances(&after, floored) == 0 {
            return Some(format!("{floored} dropped from {before} to zero:\n{plan}"));
        }
    }
    None
}

/// The number of cluster members running a service.
fn instances(observed: &ObservedState, service_type: ServiceType) -> usize {
    observed
        .services
        .iter()
        .filter(|placed| placed.service_type == service_type)
        .filter(|placed| observed.member(&placed.member).is_some())
        .map(|placed| placed.member.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}
