//! The health checks the module raises in `ceph health`, from what the cache holds and Ceph's maps.
//!
//! | check | raised while | cleared when |
//! |---|---|---|
//! | `MICROCEPH_API_UNREACHABLE` | the last observation or probe of MicroCeph failed | an observation succeeds |
//! | `MICROCEPH_MEMBER_OFFLINE` | a member is not `ONLINE` in the last observation | every member is `ONLINE` |
//! | `MICROCEPH_SERVICE_BELOW_SPEC` | a service applied through the orchestrator has fewer daemons than its placement asks for, or Ceph says one of them is stopped or failed | the service is whole again |
//!
//! While MicroCeph is unreachable, only the first check is raised: which members are online is not known then.
//! The result is the JSON object ceph-mgr's `set_health_checks` takes: `{name: {severity, summary, count, detail}}`.

use std::fmt::Write as _;

use orch_core::CephView;
use orch_core::listing;
use orch_core::liveness::DaemonStatus;
use serde_json::{Map, Value, json};

use crate::cache::{self, Snapshot};
use crate::config::Config;
use crate::error::BackendError;
use crate::spec_json::stored_specs;

/// The health checks for the configured socket, as JSON text.
pub fn health_checks(
    config: &Config,
    stored_json: &str,
    ceph: &CephView,
) -> Result<String, BackendError> {
    Ok(checks(config, stored_json, ceph)?.to_string())
}

/// The health checks for the configured socket.
pub(crate) fn checks(
    config: &Config,
    stored_json: &str,
    ceph: &CephView,
) -> Result<Value, BackendError> {
    let stored = stored_specs(stored_json)?;
    let mut checks = Map::new();
    let snapshot = cache::cached(config);
    if let Some(failure) = cache::failure(config) {
        let age = match &snapshot {
            Some(_) => {
                "`ceph orch` listings show the last state observed; REFRESHED says how old it is"
            }
            None => "no cluster state has been observed yet",
        };
        checks.insert(
            "MICROCEPH_API_UNREACHABLE".to_owned(),
            check(
                &format!(
                    "MicroCeph API at {} is unreachable",
                    config.socket.display()
                ),
                &[failure.text, age.to_owned()],
            ),
        );
        if let Some(snapshot) = &snapshot {
            below_spec(&mut checks, snapshot, &stored, ceph);
        }
        return Ok(Value::Object(checks));
    }
    let Some(snapshot) = snapshot else {
        return Ok(Value::Object(checks));
    };
    let offline: Vec<String> = snapshot
        .observation
        .state
        .members
        .iter()
        .filter(|member| !member.is_online())
        .map(|member| format!("{} is {}", member.name, member.status))
        .collect();
    if !offline.is_empty() {
        let summary = match offline.len() {
            1 => "1 MicroCeph member is not online".to_owned(),
            count => format!("{count} MicroCeph members are not online"),
        };
        checks.insert(
            "MICROCEPH_MEMBER_OFFLINE".to_owned(),
            check(&summary, &offline),
        );
    }
    below_spec(&mut checks, &snapshot, &stored, ceph);
    Ok(Value::Object(checks))
}

/// Adds `MICROCEPH_SERVICE_BELOW_SPEC` when a stored, managed spec is not met.
fn below_spec(
    checks: &mut Map<String, Value>,
    snapshot: &Snapshot,
    stored: &[crate::spec_json::ParsedSpec],
    ceph: &CephView,
) {
    let specs: Vec<_> = stored.iter().map(|parsed| parsed.spec.clone()).collect();
    let state = &snapshot.observation.state;
    let daemons = listing::daemons(state, &specs, ceph);
    let mut details = Vec::new();
    for service in listing::services(state, &specs, ceph) {
        let managed = specs
            .iter()
            .any(|spec| spec.service_name() == service.service_name && !spec.unmanaged);
        if !managed {
            continue;
        }
        let own: Vec<_> = daemons
            .iter()
            .filter(|daemon| daemon.service_name == service.service_name)
            .collect();
        let failing: Vec<String> = own
            .iter()
            .filter(|daemon| {
                matches!(
                    daemon.liveness.status,
                    DaemonStatus::Stopped | DaemonStatus::Error
                )
            })
            .map(|daemon| format!("{} {}", daemon.daemon_name(), daemon.liveness.description()))
            .collect();
        if own.len() >= service.size && failing.is_empty() {
            continue;
        }
        let mut detail = format!(
            "{}: {}/{} running",
            service.service_name, service.running, service.size
        );
        if own.len() < service.size {
            let _ = write!(detail, "; {} of {} placed", own.len(), service.size);
        }
        for failed in failing {
            detail.push_str("; ");
            detail.push_str(&failed);
        }
        details.push(detail);
    }
    if details.is_empty() {
        return;
    }
    let summary = match details.len() {
        1 => "1 service runs below its applied spec".to_owned(),
        count => format!("{count} services run below their applied specs"),
    };
    checks.insert(
        "MICROCEPH_SERVICE_BELOW_SPEC".to_owned(),
        check(&summary, &details),
    );
}

/// One health check at warning severity.
fn check(summary: &str, detail: &[String]) -> Value {
    json!({
        "severity": "warning",
        "summary": summary,
        "count": detail.len(),
        "detail": detail,
    })
}
