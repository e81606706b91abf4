//! `ceph orch rm <service_name>`: disable a service on every member running it.
//!
//! Removing every mon or every mgr is refused, even with `--force`, because MicroCeph needs at least one of each.
//! Removing `mds.<fs>` only disables the MDS daemons no other mds spec needs; removing the last mds service is allowed, with a warning.

use std::collections::BTreeSet;

use super::apply::sharing_specs;
use super::converge::{Settle, settle};
use crate::ceph::CephView;
use crate::index::Index;
use crate::listing;
use crate::placement::unreachable_warning;
use crate::plan::{Finding, Plan, PlannedCall};
use crate::service_type::ServiceName;
use crate::services;
use crate::spec::ServiceSpec;
use crate::state::ObservedState;

/// Plans `ceph orch rm` of one service.
///
/// The service must be listed (stored as a spec, or running); `force` is Ceph's `--force`, which does not lift the mon and mgr refusal.
pub fn plan_remove(
    service_name: &str,
    stored_specs: &[ServiceSpec],
    observed: &ObservedState,
    force: bool,
) -> Plan {
    let name = match ServiceName::parse(service_name) {
        Ok(name) => name,
        Err(error) => return Plan::refused(vec![Finding::error(error.to_string())]),
    };
    let service_type = name.service_type;
    if !services::placeable(service_type) {
        return Plan::refused(vec![Finding::error(format!(
            "{service_type} cannot be removed with ceph orch rm: MicroCeph manages OSDs as disks; remove one with microceph disk remove <osd id>"
        ))]);
    }
    let floor = services::floor(service_type);
    if floor > 0 {
        let even = if force { " even with --force" } else { "" };
        return Plan::refused(vec![Finding::error(format!(
            "removing the {service_type} service is refused{even}: the cluster needs at least {floor} {service_type}; shrink it with ceph orch apply {service_type} <placement> instead"
        ))]);
    }
    let known: BTreeSet<String> = listing::services(observed, stored_specs, &CephView::default())
        .into_iter()
        .map(|summary| summary.service_name)
        .collect();
    let canonical = name.to_string();
    if !known.contains(&canonical) {
        let listed = if known.is_empty() {
            "none".to_owned()
        } else {
            known.into_iter().collect::<Vec<_>>().join(", ")
        };
        return Plan::refused(vec![Finding::error(format!(
            "unknown service {canonical}; services are: {listed}"
        ))]);
    }

    let index = Index::new(observed);
    let service_id = name.service_id.as_deref();
    let existing = services::running(service_type, &index, service_id);
    let shared = services::shared_placement(service_type);
    let others = if shared {
        sharing_specs(service_type, &canonical, stored_specs)
    } else {
        Vec::new()
    };
    let keep = if others.is_empty() {
        BTreeSet::new()
    } else {
        let conflicts = services::conflicts(service_type, &index, service_id);
        settle(
            &index,
            &Settle {
                service_type,
                primary: None,
                others,
                existing: &existing,
                conflicts: &conflicts,
                allow_new: false,
            },
        )
        .members
    };
    let mut findings = Vec::new();
    let calls: Vec<PlannedCall> = existing
        .difference(&keep)
        .map(|member| {
            let reason = if shared {
                format!(
                    "removing {canonical}: {service_type} runs on {member} and no other {service_type} spec needs it"
                )
            } else {
                format!("removing {canonical}: it runs on {member}")
            };
            PlannedCall::disable(
                service_type,
                member,
                services::disable_body(service_type, service_id),
                reason,
            )
        })
        .collect();
    if shared && keep.is_empty() && !calls.is_empty() {
        findings.push(Finding::warning(format!(
            "no {service_type} daemon will remain: CephFS file systems are unavailable until an {service_type} service is applied again"
        )));
    }
    findings.extend(
        calls
            .iter()
            .filter_map(|call| unreachable_warning(&index, &call.target)),
    );
    Plan::new(calls, findings)
}
