//! The human result strings and failure messages, produced from what a plan did.
//!
//! Results are synchronous and honest: they name what changed on which host, such as `rgw.foo: enabled rgw on node2, node3`, or say that nothing had to change and where the service already runs.
//! A failure names every host that failed with MicroCeph's own text, then what changed anyway and what was not attempted:
//! `rgw.foo: failed on node2: <MicroCeph's text>; changed: enabled rgw on node3; not attempted: disable rgw on node1`.
//! Warnings from the planner and the spec reader follow a result on lines of their own.

use std::collections::BTreeMap;

use microceph_client::{CallError, ErrorKind, ExecutionReport};
use orch_core::{CallBody, Method, Plan, PlannedCall};

use crate::error::{BackendError, error_text, kind_errno};
use crate::secrets;

/// What a report did, for a successful result: `enabled rgw on node2, node3; disabled rgw on node1`.
pub(crate) fn changes(report: &ExecutionReport) -> String {
    summarise(report.done(), Tense::Past)
}

/// What a plan will do: `enable rgw on node2, node3; disable rgw on node1`.
pub(crate) fn planned(plan: &Plan) -> String {
    summarise(plan.calls.iter(), Tense::Planned)
}

/// The result line for a fully successful execution: what changed, or `nothing to do` and where the service already runs.
pub(crate) fn success(subject: &str, report: &ExecutionReport, already_on: &[String]) -> String {
    if report.outcomes.is_empty() {
        if already_on.is_empty() {
            format!("{subject}: nothing to do")
        } else {
            format!(
                "{subject}: nothing to do (already on {})",
                already_on.join(", ")
            )
        }
    } else {
        format!("{subject}: {}", changes(report))
    }
}

/// The failure for a report with failed calls.
pub(crate) fn failure(subject: &str, report: &ExecutionReport) -> BackendError {
    let mut parts: Vec<String> = report
        .failed()
        .map(|(call, error)| {
            let text = secrets::scrub(&call_error_text(error), &call.body);
            format!("failed on {}: {text}", call.target)
        })
        .collect();
    let done = summarise(report.done(), Tense::Past);
    parts.push(if done.is_empty() {
        "nothing changed".to_owned()
    } else {
        format!("changed: {done}")
    });
    let skipped = summarise(report.skipped(), Tense::Planned);
    if !skipped.is_empty() {
        parts.push(format!("not attempted: {skipped}"));
    }
    let errno = report
        .failed()
        .next()
        .map_or(kind_errno(&ErrorKind::Other), |(_, error)| match error {
            CallError::MicroCeph(error) => kind_errno(&error.kind()),
            CallError::Unsendable { .. } => kind_errno(&ErrorKind::Other),
        });
    BackendError::Failed {
        message: format!("{subject}: {}", parts.join("; ")),
        errno,
    }
}

/// One line per call that succeeded: `mon: restarted mon on node1`.
pub(crate) fn done_lines(subject: &str, report: &ExecutionReport) -> Vec<String> {
    report
        .done()
        .map(|call| {
            format!(
                "{subject}: {} on {}",
                action(call, Tense::Past),
                call.target
            )
        })
        .collect()
}

/// The refusal of an unsatisfiable plan: every error finding, in order.
pub(crate) fn unsatisfiable(subject: &str, plan: &Plan) -> BackendError {
    let errors: Vec<&str> = plan
        .errors()
        .map(|finding| finding.message.as_str())
        .collect();
    BackendError::Unsatisfiable(format!("{subject}: {}", errors.join("; ")))
}

/// A result followed by one `warning: ...` line per warning.
pub(crate) fn with_warnings(result: String, warnings: &[String]) -> String {
    let mut text = result;
    for line in warnings {
        text.push('\n');
        text.push_str(&warning(line));
    }
    text
}

/// A warning as its own line of a result: `warning: <text>`.
pub(crate) fn warning(text: impl AsRef<str>) -> String {
    format!("warning: {}", text.as_ref())
}

/// MicroCeph's text for a failed call, verbatim when it answered with one.
fn call_error_text(error: &CallError) -> String {
    match error {
        CallError::MicroCeph(error) => error_text(error),
        CallError::Unsendable { .. } => error.to_string(),
    }
}

/// How actions are worded.
#[derive(Debug, Clone, Copy)]
enum Tense {
    /// What happened: `enabled rgw`.
    Past,
    /// What would have happened: `enable rgw`.
    Planned,
}

/// Groups calls by action and lists the hosts of each, in the order the actions first appear.
fn summarise<'c>(calls: impl Iterator<Item = &'c PlannedCall>, tense: Tense) -> String {
    let mut order: Vec<String> = Vec::new();
    let mut hosts: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for call in calls {
        let action = action(call, tense);
        if !hosts.contains_key(&action) {
            order.push(action.clone());
        }
        hosts.entry(action).or_default().push(&call.target);
    }
    order
        .into_iter()
        .map(|action| format!("{action} on {}", hosts[&action].join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `enabled rgw`, `disabled nfs cluster east`, `restarted mon`, in the given tense.
fn action(call: &PlannedCall, tense: Tense) -> String {
    let verb = match (call.method, tense) {
        (Method::Put, Tense::Past) => "enabled",
        (Method::Put, Tense::Planned) => "enable",
        (Method::Delete, Tense::Past) => "disabled",
        (Method::Delete, Tense::Planned) => "disable",
        (Method::Post, Tense::Past) => "restarted",
        (Method::Post, Tense::Planned) => "restart",
    };
    let what = match &call.body {
        CallBody::Enable { name, .. } => name.to_string(),
        CallBody::DisableNfs { cluster_id } => format!("nfs cluster {cluster_id}"),
        CallBody::Restart { services } => services
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        CallBody::None => call.path.last().cloned().unwrap_or_default(),
    };
    format!("{verb} {what}")
}

#[cfg(test)]
mod tests {
    use microceph_client::{CallOutcome, CallStatus};
    use orch_core::{EnablePayload, ServiceType};

    use super::*;

    fn call(method: Method, target: &str) -> PlannedCall {
        let body = match method {
            Method::Put => CallBody::Enable {
                name: ServiceType::Rgw,
                wait: true,
                payload: EnablePayload::None,
            },
            Method::Delete => CallBody::None,
            Method::Post => CallBody::Restart {
                services: vec![ServiceType::Rgw],
            },
        };
        PlannedCall {
            method,
            path: vec!["1.0".into(), "services".into(), "rgw".into()],
            target: target.into(),
            body,
            reason: "test".into(),
        }
    }

    fn report(outcomes: Vec<(PlannedCall, CallStatus)>) -> ExecutionReport {
        ExecutionReport {
            outcomes: outcomes
                .into_iter()
                .map(|(call, status)| CallOutcome { call, status })
                .collect(),
        }
    }

    fn unsendable() -> CallStatus {
        CallStatus::Failed(CallError::Unsendable {
            call: "PUT /1.0/services/rgw?target=node2".into(),
            reason: "no route".into(),
        })
    }

    #[test]
    fn successes_group_hosts_by_action() {
        let done = report(vec![
            (call(Method::Put, "node2"), CallStatus::Done),
            (call(Method::Put, "node3"), CallStatus::Done),
            (call(Method::Delete, "node1"), CallStatus::Done),
        ]);
        assert_eq!(
            success("rgw.foo", &done, &[]),
            "rgw.foo: enabled rgw on node2, node3; disabled rgw on node1"
        );
        let nothing = report(Vec::new());
        assert_eq!(
            success("rgw.foo", &nothing, &["node1".into(), "node2".into()]),
            "rgw.foo: nothing to do (already on node1, node2)"
        );
        assert_eq!(success("mgr", &nothing, &[]), "mgr: nothing to do");
        assert_eq!(
            done_lines(
                "rgw.foo",
                &report(vec![(call(Method::Post, "node1"), CallStatus::Done)])
            ),
            ["rgw.foo: restarted rgw on node1"]
        );
    }

    #[test]
    fn failures_name_each_host_what_changed_and_what_was_not_attempted() {
        let partial = report(vec![
            (call(Method::Put, "node2"), unsendable()),
            (call(Method::Put, "node3"), CallStatus::Done),
            (call(Method::Delete, "node1"), CallStatus::Skipped),
        ]);
        let error = failure("rgw.foo", &partial);
        assert_eq!(
            error.to_string(),
            "rgw.foo: failed on node2: cannot send PUT /1.0/services/rgw?target=node2: no route; changed: enabled rgw on node3; not attempted: disable rgw on node1"
        );
        assert_eq!(error.errno(), 5);
        let total = report(vec![(call(Method::Put, "node2"), unsendable())]);
        assert!(
            failure("rgw.foo", &total)
                .to_string()
                .ends_with("; nothing changed")
        );
    }

    #[test]
    fn warnings_follow_on_their_own_lines() {
        assert_eq!(
            with_warnings("mgr: nothing to do".into(), &["a".into(), "b".into()]),
            "mgr: nothing to do\nwarning: a\nwarning: b"
        );
    }
}
