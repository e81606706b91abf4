//! `ceph orch apply` and its `--dry-run` preview: specs in, changes made, results and specs to store out.
//!
//! [`apply`] takes every spec of one `apply` call and handles them in order, each against the specs stored so far (earlier specs of the same call included) and a fresh observation after every spec that changed something.
//! For each spec it takes back certificate material a shown spec left out (see `secrets.rs`), refuses what `orch_core::check_spec` finds wrong before reading anything from MicroCeph, plans with `orch-core`, refuses an unsatisfiable plan, executes the rest and reports what changed on which host.
//! The spec is to be stored whenever its plan was satisfiable and it was not a preview, even if executing failed: it is what the operator asked for, and `orch ls` then compares it with what runs.
//! With `no_overwrite`, a spec whose name is already stored is skipped.
//! The first failure ends the call unless `continue_on_error` is set; then every spec is tried and the failures are reported together at the end.
//!
//! The result is `{"results": [str], "store": [{"service_name", "spec"}], "failure": null | {"message", "errno", "validation"}}`: the shim stores the specs first, then raises the failure, so a partly applied spec is never lost.
//! [`preview`] gives the items of Ceph's `SERVICESPEC PREVIEW` table without executing anything.

use std::sync::Arc;

use microceph_client::{CallWatcher, ExecutionReport, execute, execute_watched};
use orch_core::{CephView, Method, Plan, ServiceSpec, apply_plan, listing, plan_apply};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::cache::{self, Snapshot};
use crate::config::Config;
use crate::error::BackendError;
use crate::events::{self, Level};
use crate::progress::Tracker;
use crate::report;
use crate::runtime::block_on;
use crate::secrets;
use crate::spec_json::{ParsedSpec, parse_spec, spec_list, spec_name, stored_specs};

/// The flags of one `apply` call.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApplyOptions {
    /// Ceph's `--no-overwrite`: leave an already stored spec of the same name alone.
    pub no_overwrite: bool,
    /// Ceph's `--continue-on-error` (tentacle): try every spec even after one failed.
    pub continue_on_error: bool,
}

impl ApplyOptions {
    /// Reads `{"no_overwrite": bool, "continue_on_error": bool}`.
    pub fn from_json(text: &str) -> Result<Self, BackendError> {
        serde_json::from_str(text)
            .map_err(|error| BackendError::InvalidInput(format!("invalid apply options: {error}")))
    }
}

/// Applies every spec of one `ceph orch apply` call.
pub fn apply(
    config: &Config,
    specs_json: &str,
    stored_json: &str,
    options: ApplyOptions,
) -> Result<String, BackendError> {
    apply_tracked(config, specs_json, stored_json, options, None).map(|result| result.to_string())
}

/// [`apply`], telling `tracker` about the progress of each service's MicroCeph calls.
pub(crate) fn apply_tracked(
    config: &Config,
    specs_json: &str,
    stored_json: &str,
    options: ApplyOptions,
    tracker: Option<&Arc<Tracker>>,
) -> Result<Value, BackendError> {
    let specs = spec_list(specs_json, "the specs to apply")?;
    let stored_values = spec_list(stored_json, "the stored specs")?;
    let mut stored: Vec<ServiceSpec> = stored_specs(stored_json)?
        .into_iter()
        .map(|parsed| parsed.spec)
        .collect();
    let mut snapshot = None;
    let mut results = Vec::new();
    let mut store = Vec::new();
    let mut lines = Vec::new();
    let mut failures: Vec<BackendError> = Vec::new();
    let mut attempted = 0;
    for value in &specs {
        attempted += 1;
        let parsed = secrets::restore(value, &stored_values).and_then(|value| {
            parse_spec(&value).map_err(|error| named(error, &value, attempted - 1))
        });
        let outcome = match parsed {
            Ok(parsed) => apply_one(
                config,
                &parsed,
                &mut stored,
                &mut snapshot,
                options,
                tracker,
            ),
            Err(error) => SpecOutcome::failed(error),
        };
        store.extend(outcome.store);
        if let Some(result) = outcome.result {
            lines.push(result.clone());
            results.push(result);
        }
        if let Some(error) = outcome.error {
            lines.push(error.to_string());
            failures.push(error);
            if !options.continue_on_error {
                break;
            }
        }
    }
    let not_attempted: Vec<String> = specs[attempted..]
        .iter()
        .enumerate()
        .map(|(offset, value)| spec_label(value, attempted + offset))
        .collect();
    let failure = failure(&failures, &results, &lines, &not_attempted, options);
    Ok(json!({"results": results, "store": store, "failure": failure}))
}

/// The failure of an `apply` call, if a spec failed.
///
/// With `continue_on_error` it lists every spec's outcome in order under a count of the failures.
/// Otherwise it is the one failure, followed by what the specs before it did and which specs were not attempted.
/// Its errno and its class (validation or not) are the first failure's.
fn failure(
    failures: &[BackendError],
    results: &[String],
    lines: &[String],
    not_attempted: &[String],
    options: ApplyOptions,
) -> Value {
    let Some(first) = failures.first() else {
        return Value::Null;
    };
    let mut message = if options.continue_on_error && lines.len() > 1 {
        format!(
            "{} of {} specs failed:\n{}",
            failures.len(),
            lines.len(),
            lines.join("\n")
        )
    } else {
        first.to_string()
    };
    if !options.continue_on_error && !results.is_empty() {
        message.push_str("\napplied before this failure:\n");
        message.push_str(&results.join("\n"));
    }
    if !not_attempted.is_empty() {
        message.push_str("\nnot attempted: ");
        message.push_str(&not_attempted.join(", "));
    }
    json!({
        "message": message,
        "errno": first.errno(),
        "validation": first.is_validation(),
    })
}

/// A spec's name for messages: its name (see [`spec_name`]), else its position.
fn spec_label(value: &Value, spec_idx: usize) -> String {
    spec_name(value).unwrap_or_else(|| format!("spec {}", spec_idx + 1))
}

/// A spec that does not read, named like every other failure (`nfs.east: spec field 'port' must be ...`), so the operator can tell which of several specs it was.
/// Only invalid input is named: a refusal, such as that of a `host` spec, names its subject already.
fn named(error: BackendError, value: &Value, spec_idx: usize) -> BackendError {
    match error {
        BackendError::InvalidInput(message) => {
            BackendError::InvalidInput(format!("{}: {message}", spec_label(value, spec_idx)))
        }
        other => other,
    }
}

/// The items of Ceph's `SERVICESPEC PREVIEW` table: `{service_type, service_name, add, remove}` per spec, plus `{warning}` and `{error}` items.
pub fn preview(
    config: &Config,
    specs_json: &str,
    stored_json: &str,
) -> Result<String, BackendError> {
    let specs = spec_list(specs_json, "the specs to preview")?;
    let stored_values = spec_list(stored_json, "the stored specs")?;
    let mut stored: Vec<ServiceSpec> = stored_specs(stored_json)?
        .into_iter()
        .map(|parsed| parsed.spec)
        .collect();
    let mut state = cache::snapshot(config, false)?.observation.state.clone();
    let mut items = Vec::new();
    for (spec_idx, value) in specs.iter().enumerate() {
        let parsed = secrets::restore(value, &stored_values)
            .and_then(|value| parse_spec(&value).map_err(|error| named(error, &value, spec_idx)));
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                items.push(json!({"error": error.to_string()}));
                continue;
            }
        };
        let plan = plan_apply(&parsed.spec, &stored, &state);
        let service_name = parsed.spec.service_name();
        for warning in plan
            .warnings()
            .map(|finding| &finding.message)
            .chain(&parsed.warnings)
        {
            items.push(json!({"warning": format!("{service_name}: {warning}\n")}));
        }
        if !plan.is_satisfiable() {
            items.push(json!({"error": report::unsatisfiable(&service_name, &plan).to_string()}));
            continue;
        }
        let members = |method: Method| -> Vec<&str> {
            plan.calls
                .iter()
                .filter(|call| call.method == method)
                .map(|call| call.target.as_str())
                .collect()
        };
        items.push(json!({
            "service_type": parsed.spec.service_type,
            "service_name": service_name,
            "add": members(Method::Put),
            "remove": members(Method::Delete),
        }));
        state = apply_plan(&state, &plan);
        replace_stored(&mut stored, parsed.spec);
    }
    Ok(Value::Array(items).to_string())
}

/// What one spec did: its result line, the spec to store, and the error when it failed.
#[derive(Debug, Default)]
struct SpecOutcome {
    result: Option<String>,
    store: Option<Value>,
    error: Option<BackendError>,
}

impl SpecOutcome {
    fn failed(error: BackendError) -> Self {
        SpecOutcome {
            error: Some(error),
            ..SpecOutcome::default()
        }
    }

    fn done(result: String, store: Option<Value>) -> Self {
        SpecOutcome {
            result: Some(result),
            store,
            error: None,
        }
    }
}

/// Applies one spec against the stored specs and the current observation, which it refreshes after changing anything.
fn apply_one(
    config: &Config,
    parsed: &ParsedSpec,
    stored: &mut Vec<ServiceSpec>,
    snapshot: &mut Option<Snapshot>,
    options: ApplyOptions,
    tracker: Option<&Arc<Tracker>>,
) -> SpecOutcome {
    let spec = &parsed.spec;
    let service_name = spec.service_name();
    if options.no_overwrite
        && stored
            .iter()
            .any(|known| known.service_name() == service_name)
    {
        return SpecOutcome::done(
            format!(
                "{service_name}: skipped, a spec of that name is stored and --no-overwrite was given"
            ),
            None,
        );
    }
    // What can be refused without the cluster is refused before anything is read from MicroCeph.
    let errors = orch_core::check_spec(spec);
    if !errors.is_empty() {
        return SpecOutcome::failed(report::unsatisfiable(&service_name, &Plan::refused(errors)));
    }
    let current = match snapshot {
        Some(current) => current.clone(),
        None => match cache::snapshot(config, true) {
            Ok(fresh) => snapshot.insert(fresh).clone(),
            Err(error) => return SpecOutcome::failed(error),
        },
    };
    let plan = plan_apply(spec, stored, &current.observation.state);
    if !plan.is_satisfiable() {
        return SpecOutcome::failed(report::unsatisfiable(&service_name, &plan));
    }
    let warnings: Vec<String> = plan
        .warnings()
        .map(|finding| finding.message.clone())
        .chain(parsed.warnings.iter().cloned())
        .collect();
    if parsed.preview_only {
        let result = format!(
            "{service_name}: preview only, nothing changed ({} call(s) planned)",
            plan.calls.len()
        );
        return SpecOutcome::done(report::with_warnings(result, &warnings), None);
    }
    let to_store = Some(json!({"service_name": service_name, "spec": parsed.stored_form}));
    replace_stored(stored, spec.clone());
    let already_on = running_members(&current, stored, &service_name);
    let execution = match execute_plan(config, &plan, &service_name, tracker) {
        Ok(execution) => execution,
        Err(error) => return SpecOutcome::failed(error),
    };
    if !plan.is_empty() {
        cache::after_write(config, &execution);
        *snapshot = None;
    }
    if execution.succeeded() {
        let result = if spec.unmanaged {
            format!(
                "{service_name}: stored as unmanaged; the orchestrator leaves its daemons alone"
            )
        } else {
            report::success(&service_name, &execution, &already_on)
        };
        if !plan.is_empty() {
            events::record(&config.socket, &service_name, Level::Info, &result);
        }
        SpecOutcome::done(report::with_warnings(result, &warnings), to_store)
    } else {
        let error = report::failure(&service_name, &execution);
        events::record(
            &config.socket,
            &service_name,
            Level::Error,
            &error.to_string(),
        );
        SpecOutcome {
            result: None,
            store: to_store,
            error: Some(error),
        }
    }
}

/// Executes a spec's plan, telling `tracker` how its calls progress when there is one and the plan has calls.
fn execute_plan(
    config: &Config,
    plan: &Plan,
    service_name: &str,
    tracker: Option<&Arc<Tracker>>,
) -> Result<ExecutionReport, BackendError> {
    let Some(tracker) = tracker.filter(|_| !plan.is_empty()) else {
        return block_on(execute(&config.client(), plan));
    };
    tracker.begin(
        service_name,
        plan.calls.len(),
        format!("Updating {service_name}: {}", report::planned(plan)),
    );
    let watcher: CallWatcher = {
        let tracker = Arc::clone(tracker);
        let service_name = service_name.to_owned();
        Arc::new(move |_, _| tracker.answered(&service_name))
    };
    let execution = block_on(execute_watched(&config.client(), plan, watcher))?;
    let failure =
        (!execution.succeeded()).then(|| report::failure(service_name, &execution).to_string());
    tracker.end(service_name, failure);
    Ok(execution)
}

/// Puts `spec` among the stored specs, replacing one of the same name.
fn replace_stored(stored: &mut Vec<ServiceSpec>, spec: ServiceSpec) {
    let name = spec.service_name();
    stored.retain(|known| known.service_name() != name);
    stored.push(spec);
}

/// The members a service's daemons run on, for `nothing to do (already on ...)`.
fn running_members(snapshot: &Snapshot, stored: &[ServiceSpec], service_name: &str) -> Vec<String> {
    let mut members: Vec<String> =
        listing::daemons(&snapshot.observation.state, stored, &CephView::default())
            .into_iter()
            .filter(|daemon| daemon.service_name == service_name)
            .map(|daemon| daemon.hostname)
            .collect();
    members.sort();
    members.dedup();
    members
}
