//! `ceph orch apply`: converge one service to its resolved placement.
//!
//! The plan enables the service where the placement wants it and it does not run, then disables it where it runs and the placement does not want it, and does nothing where it is already right.
//! Enables come before disables, so a moved service never has fewer instances than it ends with.
//! The executor runs disables only after every enable succeeded and runs mon removals one after another, and the plan never leaves fewer instances than the type's floor (one mon, one mgr).

use std::collections::BTreeSet;

use super::converge::{Settle, SpecPlacement, settle};
use crate::index::Index;
use crate::placement::{check_placement, unreachable_warning};
use crate::plan::{EnablePayload, Finding, Plan, PlannedCall};
use crate::service_type::{ServiceName, ServiceType};
use crate::services::{self, SpecContext};
use crate::spec::ServiceSpec;
use crate::state::ObservedState;

/// Plans `ceph orch apply` of one spec.
///
/// `stored_specs` are the specs the orchestrator already stores; they matter for mds (whose placement is the union of every mds spec) and rgw (of which one service may exist at a time).
/// A stored spec with the same service name as `spec` is the one being replaced.
pub fn plan_apply(
    spec: &ServiceSpec,
    stored_specs: &[ServiceSpec],
    observed: &ObservedState,
) -> Plan {
    let mut findings = Vec::new();
    let (service_type, service_id, service_name) = match name_spec(spec, &mut findings) {
        Ok(named) => named,
        Err(error) => return Plan::refused(vec![error]),
    };
    if spec.unmanaged {
        return Plan::new(Vec::new(), findings);
    }
    let index = Index::new(observed);
    let payload = services::enable_payload(service_type, spec, service_id, &mut findings);
    // The checks against stored specs and running daemons come next in the findings, but they
    // run once the placement is settled, so their warnings name only the members it keeps.
    let stored_findings_at = findings.len();

    let existing = services::running(service_type, &index, service_id);
    let conflicts = services::conflicts(service_type, &index, service_id);
    let others = if services::shared_placement(service_type) {
        sharing_specs(service_type, &service_name, stored_specs)
    } else {
        Vec::new()
    };
    let settled = settle(
        &index,
        &Settle {
            service_type,
            primary: Some(SpecPlacement {
                service_name: service_name.clone(),
                placement: &spec.placement,
                unmanaged: false,
            }),
            others,
            existing: &existing,
            conflicts: &conflicts,
            allow_new: true,
        },
    );
    findings.extend(settled.findings);
    let desired = settled.members;
    let context = SpecContext {
        spec,
        service_name: &service_name,
        payload: &payload,
        stored: stored_specs,
        index: &index,
        desired: &desired,
    };
    let mut stored_findings = Vec::new();
    services::check_stored(service_type, &context, &mut stored_findings);
    findings.splice(stored_findings_at..stored_findings_at, stored_findings);
    if findings.iter().any(Finding::is_error) {
        return Plan::refused(findings);
    }
    services::placement_warnings(service_type, &desired, &mut findings);
    check_floor(&index, service_type, &existing, &desired, &mut findings);

    let target = Target {
        service_type,
        service_id,
        service_name: &service_name,
        shared: services::shared_placement(service_type),
    };
    let calls = converge_calls(&target, &existing, &desired, &payload);
    findings.extend(
        calls
            .iter()
            .filter_map(|call| unreachable_warning(&index, &call.target)),
    );
    Plan::new(calls, findings)
}

/// The errors [`plan_apply`] finds in `spec` without looking at the cluster: its type and name, its type-specific fields and the shape of its placement.
///
/// A caller can refuse a spec with these before it reads anything from MicroCeph; `plan_apply` finds the same errors, in the same order, and possibly more that depend on the cluster.
pub fn check_spec(spec: &ServiceSpec) -> Vec<Finding> {
    let mut findings = Vec::new();
    let (service_type, service_id, service_name) = match name_spec(spec, &mut findings) {
        Ok(named) => named,
        Err(error) => return vec![error],
    };
    if spec.unmanaged {
        return Vec::new();
    }
    services::enable_payload(service_type, spec, service_id, &mut findings);
    findings.extend(check_placement(
        &service_name,
        service_type,
        &spec.placement,
    ));
    findings.retain(Finding::is_error);
    findings
}

/// The spec's type, id and name; a warning for an id its type does not take; the error that refuses it.
fn name_spec<'s>(
    spec: &'s ServiceSpec,
    findings: &mut Vec<Finding>,
) -> Result<(ServiceType, Option<&'s str>, String), Finding> {
    let service_type = ServiceType::parse(&spec.service_type)
        .map_err(|error| Finding::error(error.to_string()))?;
    if !services::placeable(service_type) {
        return Err(Finding::error(format!(
            "applying {service_type} specs is not supported: MicroCeph manages OSDs as disks (microceph disk add); supported types are: {}",
            placeable_list()
        )));
    }
    let given_id = spec.service_id.as_deref();
    let service_id = if service_type.takes_service_id() {
        given_id
    } else {
        if let Some(id) = given_id {
            findings.push(Finding::warning(format!(
                "service id '{id}' is ignored: {service_type} takes no service id (only mds, rgw and nfs do)"
            )));
        }
        None
    };
    let service_name = ServiceName::from_parts(service_type, service_id)
        .map_err(|error| Finding::error(error.to_string()))?
        .to_string();
    Ok((service_type, service_id, service_name))
}

/// What the calls act on.
#[derive(Debug)]
struct Target<'a> {
    service_type: ServiceType,
    service_id: Option<&'a str>,
    service_name: &'a str,
    shared: bool,
}

/// The stored specs of the same type under another name, which share the placement.
pub(super) fn sharing_specs<'s>(
    service_type: ServiceType,
    service_name: &str,
    stored_specs: &'s [ServiceSpec],
) -> Vec<SpecPlacement<'s>> {
    stored_specs
        .iter()
        .filter(|stored| stored.service_type == service_type.as_str())
        .filter(|stored| stored.service_name() != service_name)
        .map(|stored| SpecPlacement {
            service_name: stored.service_name(),
            placement: &stored.placement,
            unmanaged: stored.unmanaged,
        })
        .collect()
}

/// Refuses a plan that leaves a floored type with too few instances, or with none on an online member.
fn check_floor(
    index: &Index<'_>,
    service_type: ServiceType,
    existing: &BTreeSet<String>,
    desired: &BTreeSet<String>,
    findings: &mut Vec<Finding>,
) {
    let floor = services::floor(service_type);
    if floor == 0 || existing.is_subset(desired) {
        return;
    }
    if desired.len() < floor {
        findings.push(Finding::error(format!(
            "refusing to remove the last {service_type}: the cluster needs at least {floor}"
        )));
    } else if !desired.iter().any(|member| index.is_online(member)) {
        findings.push(Finding::error(format!(
            "refusing to remove {service_type} from {}: every member left running it ({}) is unreachable, which could leave the cluster without a working {service_type}",
            services::member_list(&existing.difference(desired).cloned().collect()),
            services::member_list(desired)
        )));
    }
}

fn converge_calls(
    target: &Target<'_>,
    existing: &BTreeSet<String>,
    desired: &BTreeSet<String>,
    payload: &EnablePayload,
) -> Vec<PlannedCall> {
    let name = target.service_name;
    let enables = desired.difference(existing).map(|member| {
        PlannedCall::enable(
            target.service_type,
            member,
            payload.clone(),
            format!("{name} is placed on {member} and does not run there"),
        )
    });
    let disables = existing.difference(desired).map(|member| {
        let reason = if target.shared {
            format!(
                "{} runs on {member}, which no {} spec places it on",
                target.service_type, target.service_type
            )
        } else {
            format!("{name} runs on {member}, which is not in its placement")
        };
        PlannedCall::disable(
            target.service_type,
            member,
            services::disable_body(target.service_type, target.service_id),
            reason,
        )
    });
    enables.chain(disables).collect()
}

fn placeable_list() -> String {
    ServiceType::ALL
        .into_iter()
        .filter(|service_type| services::placeable(*service_type))
        .map(ServiceType::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
