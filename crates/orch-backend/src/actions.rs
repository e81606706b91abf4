//! The other verbs: `orch rm`, `orch <action> <service>`, `orch daemon <action> <daemon>`, the availability probe and the periodic refresh.
//!
//! Each write observes the cluster afresh, plans with `orch-core`, refuses an unsatisfiable plan, executes the rest and drops the cached observation.
//! A failed execution raises with what failed, what changed and what was not attempted; nothing is forgotten from the store then, so `orch rm` can simply be run again.

use std::time::Duration;

use microceph_client::{ExecutionReport, execute};
use orch_core::comeback::restarted_daemons;
use orch_core::{
    CephView, Plan, ServiceName, ServiceType, plan_daemon_action, plan_remove, plan_service_action,
};
use serde_json::json;

use crate::cache;
use crate::config::Config;
use crate::confirm::{self, Pending};
use crate::error::{BackendError, error_text};
use crate::health;
use crate::report;
use crate::runtime::block_on;
use crate::spec_json::stored_specs;

/// `orch rm <service_name>`: `{"result": str, "forget": <service name to drop from the store> | null}`.
pub fn remove(
    config: &Config,
    service_name: &str,
    stored_json: &str,
    force: bool,
) -> Result<String, BackendError> {
    let stored: Vec<_> = stored_specs(stored_json)?
        .into_iter()
        .map(|parsed| parsed.spec)
        .collect();
    let snapshot = cache::snapshot(config, true)?;
    let plan = plan_remove(service_name, &stored, &snapshot.observation.state, force);
    if !plan.is_satisfiable() {
        return Err(report::unsatisfiable(service_name, &plan));
    }
    let canonical = ServiceName::parse(service_name)
        .map_or_else(|_| service_name.to_owned(), |name| name.to_string());
    let execution = block_on(execute(&config.client(), &plan))?;
    if !plan.is_empty() {
        cache::after_write(config, &execution);
    }
    if !execution.succeeded() {
        return Err(report::failure(&canonical, &execution));
    }
    let changes = report::changes(&execution);
    let result = if changes.is_empty() {
        format!("{canonical}: removed; no daemon of it ran")
    } else {
        format!("{canonical}: removed; {changes}")
    };
    let warnings: Vec<String> = plan
        .warnings()
        .map(|finding| finding.message.clone())
        .collect();
    let forget = stored
        .iter()
        .any(|spec| spec.service_name() == canonical)
        .then_some(canonical);
    Ok(json!({
        "result": report::with_warnings(result, &warnings),
        "forget": forget,
    })
    .to_string())
}

/// `orch <action> <service_name>`: see [`restart`].
pub fn service_action(
    config: &Config,
    action: &str,
    service_name: &str,
    ceph: &CephView,
) -> Result<String, BackendError> {
    let snapshot = cache::snapshot(config, true)?;
    let plan = plan_service_action(action, service_name, &snapshot.observation.state);
    restart(
        config,
        service_name,
        &plan,
        &snapshot,
        ceph,
        true,
        |execution| report::done_lines(service_name, execution),
    )
}

/// `orch daemon <action> <daemon_name>`: see [`restart`].
pub fn daemon_action(
    config: &Config,
    action: &str,
    daemon_name: &str,
    ceph: &CephView,
) -> Result<String, BackendError> {
    let snapshot = cache::snapshot(config, true)?;
    let plan = plan_daemon_action(action, daemon_name, &snapshot.observation.state);
    restart(
        config,
        daemon_name,
        &plan,
        &snapshot,
        ceph,
        false,
        |execution| vec![format!("{daemon_name}: {}", report::changes(execution))],
    )
}

/// Runs a restart plan, then checks in Ceph's maps that the daemons came back.
///
/// JSON `{"lines": [...]}` when Ceph already shows every daemon back (or has no record of them), else a pending confirmation to pass to [`confirm::confirm`] (see `confirm.rs`).
/// The outcome of a service restart (`is_service`) is recorded among the service's events.
fn restart(
    config: &Config,
    subject: &str,
    plan: &Plan,
    snapshot: &cache::Snapshot,
    ceph: &CephView,
    is_service: bool,
    lines: impl Fn(&ExecutionReport) -> Vec<String>,
) -> Result<String, BackendError> {
    if !plan.is_satisfiable() {
        return Err(report::unsatisfiable(subject, plan));
    }
    let daemons: Vec<(ServiceType, String, String)> = plan
        .calls
        .iter()
        .flat_map(|call| {
            restarted_daemons(call, &snapshot.observation.state)
                .into_iter()
                .map(|(daemon_type, daemon_id)| (daemon_type, daemon_id, call.target.clone()))
        })
        .collect();
    let mut pending = Pending::mark(subject, &daemons, ceph, config.restart_confirm_timeout);
    if is_service {
        pending = pending.recorded_on(&config.socket, subject);
    }
    let execution = block_on(execute(&config.client(), plan))?;
    if !execution.succeeded() {
        return Err(report::failure(subject, &execution));
    }
    let warnings: Vec<String> = plan
        .warnings()
        .map(|finding| finding.message.clone())
        .collect();
    let pending = pending.restarted(lines(&execution), report::changes(&execution), warnings);
    confirm::check(&pending, ceph)
}

/// `GET /core/1.0` within `timeout`: whether MicroCeph answers and is ready, and why not.
pub fn probe(config: &Config, timeout: Duration) -> Result<(bool, String), BackendError> {
    let client = config.probe_client(timeout);
    let answer = block_on(client.server_info())?;
    let (available, reason) = match answer {
        Ok(info) if info.ready => (true, String::new()),
        Ok(info) => (
            false,
            format!(
                "MicroCeph member {} at {} is not ready: its cluster database is not open yet",
                info.name,
                config.socket.display()
            ),
        ),
        Err(error) => (false, error_text(&error)),
    };
    cache::remember_probe(
        config,
        cache::Probe {
            available,
            reason: reason.clone(),
        },
    );
    Ok((available, reason))
}

/// One pass of the mgr module's `serve()` loop: probe MicroCeph, observe the cluster when it answers, and work out the health checks.
///
/// JSON `{"health": {<check>: {...}}, "problems": [str]}`: the checks for `set_health_checks`, and what could not be observed, to log.
pub fn serve_tick(
    config: &Config,
    stored_json: &str,
    probe_timeout: Duration,
    ceph: &CephView,
) -> Result<String, BackendError> {
    let (available, reason) = probe(config, probe_timeout)?;
    let mut problems = Vec::new();
    if available {
        match cache::observe_now(config) {
            Ok(snapshot) => problems = snapshot.problem_texts(),
            Err(error) => problems.push(error.to_string()),
        }
    } else {
        cache::remember_failure(config, reason.clone());
        problems.push(format!("MicroCeph is not available: {reason}"));
    }
    let health = health::checks(config, stored_json, ceph)?;
    Ok(json!({"health": health, "problems": problems}).to_string())
}

/// Whether MicroCeph is available, without waiting on its daemon.
///
/// The dashboard and `orch status` ask often, so this answers from one `connect` to the socket, which says at once when the socket is missing or nobody listens, and otherwise from the last probe.
/// It probes now only when there was no probe yet, or the last one failed and the socket accepts connections again.
pub fn available(config: &Config, probe_timeout: Duration) -> Result<(bool, String), BackendError> {
    if let Err(error) = config.client().reachable() {
        let reason = error_text(&error);
        cache::remember_probe(
            config,
            cache::Probe {
                available: false,
                reason: reason.clone(),
            },
        );
        return Ok((false, reason));
    }
    match cache::last_probe(config) {
        Some(last) if last.available => Ok((true, last.reason)),
        _ => probe(config, probe_timeout),
    }
}
