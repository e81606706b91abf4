//! `ceph orch <action> <service_name>` and `ceph orch daemon <action> <daemon_name>`.
//!
//! MicroCeph can only restart, and only mon, rgw and osd (its restart handlers), so every other action and type is refused with a message saying what is supported.
//! A service restart targets every member running the service; a daemon restart targets the one member its daemon id names (for `osd.<n>`, the member owning OSD n).
//! The id of `rgw.<id>` is not checked against the stored specs: MicroCeph runs one RGW per member, so any rgw service name means those daemons.

use crate::index::Index;
use crate::placement::unreachable_warning;
use crate::plan::{Finding, Plan, PlannedCall};
use crate::service_type::{ServiceName, ServiceType};
use crate::services;
use crate::state::ObservedState;

/// The only action MicroCeph supports.
const RESTART: &str = "restart";

/// Plans `ceph orch <action> <service_name>`.
pub fn plan_service_action(action: &str, service_name: &str, observed: &ObservedState) -> Plan {
    if let Some(refusal) = check_action(action) {
        return Plan::refused(vec![refusal]);
    }
    let name = match ServiceName::parse(service_name) {
        Ok(name) => name,
        Err(error) => return Plan::refused(vec![Finding::error(error.to_string())]),
    };
    let service_type = name.service_type;
    if let Some(refusal) = check_type(service_type) {
        return Plan::refused(vec![refusal]);
    }
    let index = Index::new(observed);
    let members = services::running(service_type, &index, name.service_id.as_deref());
    if members.is_empty() {
        return Plan::refused(vec![Finding::error(format!(
            "{name} runs on no member; there is nothing to restart"
        ))]);
    }
    let calls: Vec<PlannedCall> = members
        .iter()
        .map(|member| {
            PlannedCall::restart(
                service_type,
                member,
                format!("restart {name}: it runs on {member}"),
            )
        })
        .collect();
    let mut findings = Vec::new();
    services::restart_warnings(service_type, &mut findings);
    findings.extend(
        calls
            .iter()
            .filter_map(|call| unreachable_warning(&index, &call.target)),
    );
    Plan::new(calls, findings)
}

/// Plans `ceph orch daemon <action> <daemon_name>`, where a daemon name is `<daemon_type>.<daemon_id>` as the daemon listing shows it.
pub fn plan_daemon_action(action: &str, daemon_name: &str, observed: &ObservedState) -> Plan {
    if let Some(refusal) = check_action(action) {
        return Plan::refused(vec![refusal]);
    }
    let Some((type_text, daemon_id)) = daemon_name.split_once('.') else {
        return Plan::refused(vec![Finding::error(format!(
            "'{daemon_name}' is not a valid daemon name: expected <daemon_type>.<daemon_id>, such as mon.node1 or osd.3"
        ))]);
    };
    let service_type = match ServiceType::parse(type_text) {
        Ok(service_type) => service_type,
        Err(error) => return Plan::refused(vec![Finding::error(error.to_string())]),
    };
    if let Some(refusal) = check_type(service_type) {
        return Plan::refused(vec![refusal]);
    }
    let index = Index::new(observed);
    let member = match services::daemon_member(service_type, &index, daemon_id) {
        Ok(member) => member,
        Err(problem) => {
            return Plan::refused(vec![Finding::error(format!(
                "unknown daemon {daemon_name}: {problem}"
            ))]);
        }
    };
    let call = PlannedCall::restart(
        service_type,
        &member,
        format!("restart {daemon_name}: it runs on {member}"),
    );
    let mut findings = Vec::new();
    services::restart_warnings(service_type, &mut findings);
    findings.extend(unreachable_warning(&index, &member));
    Plan::new(vec![call], findings)
}

fn check_action(action: &str) -> Option<Finding> {
    (action != RESTART).then(|| {
        Finding::error(format!(
            "action '{action}' is not supported by MicroCeph; supported actions: restart (for {})",
            services::restartable_list()
        ))
    })
}

fn check_type(service_type: ServiceType) -> Option<Finding> {
    (!services::restart_supported(service_type)).then(|| {
        Finding::error(format!(
            "restarting {service_type} is not supported by MicroCeph; restart is supported for {}",
            services::restartable_list()
        ))
    })
}
