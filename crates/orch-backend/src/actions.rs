//! The other verbs: `orch rm`, `orch <action> <service>`, `orch daemon <action> <daemon>`, the availability probe and the periodic refresh.
//!
//! Each write observes the cluster afresh, plans with `orch-core`, refuses an unsatisfiable plan, executes the rest and drops the cached observation.
//! A failed execution raises with what failed, what changed and what was not attempted; nothing is forgotten from the store then, so `orch rm` can simply be run again.

use std::time::Duration;

use microceph_client::execute;
use orch_core::{ServiceName, plan_daemon_action, plan_remove, plan_service_action};
use serde_json::json;

use crate::cache;
use crate::config::Config;
use crate::error::{BackendError, error_text};
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
    cache::forget(config);
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

/// `orch <action> <service_name>`: a JSON list with one line per host acted on.
pub fn service_action(
    config: &Config,
    action: &str,
    service_name: &str,
) -> Result<String, BackendError> {
    let snapshot = cache::snapshot(config, true)?;
    let plan = plan_service_action(action, service_name, &snapshot.observation.state);
    if !plan.is_satisfiable() {
        return Err(report::unsatisfiable(service_name, &plan));
    }
    let execution = block_on(execute(&config.client(), &plan))?;
    if !execution.succeeded() {
        return Err(report::failure(service_name, &execution));
    }
    let mut lines = report::done_lines(service_name, &execution);
    lines.extend(
        plan.warnings()
            .map(|finding| format!("warning: {}", finding.message)),
    );
    Ok(json!(lines).to_string())
}

/// `orch daemon <action> <daemon_name>`: one line naming the daemon and its host.
pub fn daemon_action(
    config: &Config,
    action: &str,
    daemon_name: &str,
) -> Result<String, BackendError> {
    let snapshot = cache::snapshot(config, true)?;
    let plan = plan_daemon_action(action, daemon_name, &snapshot.observation.state);
    if !plan.is_satisfiable() {
        return Err(report::unsatisfiable(daemon_name, &plan));
    }
    let execution = block_on(execute(&config.client(), &plan))?;
    if !execution.succeeded() {
        return Err(report::failure(daemon_name, &execution));
    }
    let warnings: Vec<String> = plan
        .warnings()
        .map(|finding| finding.message.clone())
        .collect();
    Ok(report::with_warnings(
        format!("{daemon_name}: {}", report::changes(&execution)),
        &warnings,
    ))
}

/// `GET /core/1.0` within `timeout`: whether MicroCeph answers and is ready, and why not.
pub fn probe(config: &Config, timeout: Duration) -> Result<(bool, String), BackendError> {
    let client = config.probe_client(timeout);
    let answer = block_on(client.server_info())?;
    Ok(match answer {
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
    })
}

/// Observes the cluster now for the cache: `{"observed_at": secs, "members": n, "problems": [str]}`.
pub fn refresh(config: &Config) -> Result<String, BackendError> {
    let snapshot = cache::observe_now(config)?;
    let problems = snapshot.problem_texts();
    Ok(json!({
        "observed_at": snapshot.observed_at_secs(),
        "members": snapshot.observation.state.members.len(),
        "problems": problems,
    })
    .to_string())
}
