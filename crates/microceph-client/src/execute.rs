//! Executing a plan: every planned call sent to its member, in phases, with the outcome of each call reported.
//!
//! The calls run in three phases: enables, then disables, then restarts, each phase only if every call of the phases before it succeeded.
//! Within a phase, calls on different members run in parallel (at most [`Client::host_concurrency`] members at a time) and calls on the same member run one after another.
//! Disables and restarts of monitors are the exception: they run strictly one at a time across the whole cluster, so that the monitors never lose quorum to this module, and the first failure stops them.
//! In any sequence, the calls after a failed one are skipped.
//!
//! Every call is checked against the client's typed requests before anything is sent; a plan with a call that does not map is not run at all.
//! The report lists every call in plan order with what happened to it, keeping MicroCeph's error text.
//! [`execute_watched`] also tells a [`CallWatcher`] about each call as soon as MicroCeph has answered it, so a caller can show progress while the plan runs.
//! As with every write, a failed or timed-out call may have partly happened: observe again before planning again.

use std::collections::BTreeMap;
use std::sync::Arc;

use orch_core::{Method, Plan, PlannedCall};

use crate::client::Client;
use crate::error::Error;
use crate::parallel::run_bounded;
use crate::planned::Request;

/// What happened to each call of a plan, in plan order.
#[derive(Debug)]
pub struct ExecutionReport {
    /// One outcome per planned call, in the plan's order.
    pub outcomes: Vec<CallOutcome>,
}

/// One planned call and what happened to it.
#[derive(Debug)]
pub struct CallOutcome {
    /// The call as planned; its `target` is the member it acted on.
    pub call: PlannedCall,
    /// What happened.
    pub status: CallStatus,
}

/// What happened to one call.
#[derive(Debug)]
pub enum CallStatus {
    /// MicroCeph answered with success.
    Done,
    /// The call failed; for a write, it may have partly happened.
    Failed(CallError),
    /// The call was not sent because a call it depends on failed.
    Skipped,
}

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// MicroCeph refused the request, or it did not reach MicroCeph; the error keeps MicroCeph's text.
    #[error(transparent)]
    MicroCeph(#[from] Error),
    /// The planned call does not map onto a request this client can send, so nothing of the plan was sent.
    #[error("cannot send {call}: {reason}")]
    Unsendable {
        /// The call, as its method, path and target.
        call: String,
        /// Why it does not map.
        reason: String,
    },
}

impl ExecutionReport {
    /// Whether every call succeeded.
    pub fn succeeded(&self) -> bool {
        self.outcomes
            .iter()
            .all(|outcome| matches!(outcome.status, CallStatus::Done))
    }

    /// The calls that succeeded, in plan order.
    pub fn done(&self) -> impl Iterator<Item = &PlannedCall> {
        self.outcomes
            .iter()
            .filter(|outcome| matches!(outcome.status, CallStatus::Done))
            .map(|outcome| &outcome.call)
    }

    /// The calls that failed, with their errors, in plan order.
    pub fn failed(&self) -> impl Iterator<Item = (&PlannedCall, &CallError)> {
        self.outcomes
            .iter()
            .filter_map(|outcome| match &outcome.status {
                CallStatus::Failed(error) => Some((&outcome.call, error)),
                CallStatus::Done | CallStatus::Skipped => None,
            })
    }

    /// The calls that were not sent, in plan order.
    pub fn skipped(&self) -> impl Iterator<Item = &PlannedCall> {
        self.outcomes
            .iter()
            .filter(|outcome| matches!(outcome.status, CallStatus::Skipped))
            .map(|outcome| &outcome.call)
    }
}

/// Told the plan index of each call MicroCeph has answered, and whether it succeeded, while a plan runs.
pub type CallWatcher = Arc<dyn Fn(usize, bool) + Send + Sync>;

/// Runs a plan's calls and reports the outcome of each; it never fails as a whole.
pub async fn execute(client: &Client, plan: &Plan) -> ExecutionReport {
    execute_watched(client, plan, Arc::new(|_, _| {})).await
}

/// [`execute`], telling `watcher` about each call once MicroCeph has answered it.
pub async fn execute_watched(
    client: &Client,
    plan: &Plan,
    watcher: CallWatcher,
) -> ExecutionReport {
    let mut statuses: Vec<Option<CallStatus>> = plan.calls.iter().map(|_| None).collect();
    let mut requests = Vec::with_capacity(plan.calls.len());
    for (call_idx, call) in plan.calls.iter().enumerate() {
        match Request::from_call(call) {
            Ok(request) => requests.push(request),
            Err(reason) => {
                let error = CallError::Unsendable {
                    call: format!(
                        "{} /{}?target={}",
                        call.method.as_str(),
                        call.path.join("/"),
                        call.target
                    ),
                    reason,
                };
                statuses[call_idx] = Some(CallStatus::Failed(error));
                return report(plan, statuses);
            }
        }
    }
    let mut failed = false;
    for method in [Method::Put, Method::Delete, Method::Post] {
        let in_phase: Vec<usize> = (0..plan.calls.len())
            .filter(|call_idx| plan.calls[*call_idx].method == method)
            .collect();
        if failed {
            continue;
        }
        let lanes = lanes(method, &in_phase, plan, &requests);
        for (call_idx, status) in run_lanes(client, lanes, &watcher).await {
            failed |= !matches!(status, CallStatus::Done);
            statuses[call_idx] = Some(status);
        }
    }
    report(plan, statuses)
}

/// One sequence of calls that run one after another: `(call index, target, request)`.
type Lane = Vec<(usize, String, Request)>;

/// Groups a phase's calls into lanes: one per member, and one for all monitor calls when they must not overlap.
fn lanes(method: Method, in_phase: &[usize], plan: &Plan, requests: &[Request]) -> Vec<Lane> {
    let serial_mon = method != Method::Put;
    let mut by_key: BTreeMap<(bool, String), Lane> = BTreeMap::new();
    for &call_idx in in_phase {
        let call = &plan.calls[call_idx];
        let request = &requests[call_idx];
        let key = if serial_mon && request.touches_mon() {
            (true, String::new())
        } else {
            (false, call.target.clone())
        };
        by_key
            .entry(key)
            .or_default()
            .push((call_idx, call.target.clone(), request.clone()));
    }
    by_key.into_values().collect()
}

/// Runs the lanes in parallel, each in order and stopping at its first failure.
async fn run_lanes(
    client: &Client,
    lanes: Vec<Lane>,
    watcher: &CallWatcher,
) -> Vec<(usize, CallStatus)> {
    let per_lane = run_bounded(lanes, client.host_concurrency(), |lane| {
        let client = client.clone();
        let watcher = Arc::clone(watcher);
        async move {
            let mut statuses = Vec::with_capacity(lane.len());
            let mut stopped = false;
            for (call_idx, target, request) in lane {
                if stopped {
                    statuses.push((call_idx, CallStatus::Skipped));
                    continue;
                }
                let status = match request.send(&client, &target).await {
                    Ok(()) => CallStatus::Done,
                    Err(error) => {
                        stopped = true;
                        CallStatus::Failed(CallError::MicroCeph(error))
                    }
                };
                watcher(call_idx, matches!(status, CallStatus::Done));
                statuses.push((call_idx, status));
            }
            statuses
        }
    })
    .await;
    per_lane.into_iter().flatten().collect()
}

/// The report in plan order, with every call that never ran marked skipped.
fn report(plan: &Plan, statuses: Vec<Option<CallStatus>>) -> ExecutionReport {
    let outcomes = plan
        .calls
        .iter()
        .zip(statuses)
        .map(|(call, status)| CallOutcome {
            call: call.clone(),
            status: status.unwrap_or(CallStatus::Skipped),
        })
        .collect();
    ExecutionReport { outcomes }
}

#[cfg(test)]
mod tests {
    use orch_core::{CallBody, EnablePayload, ServiceType};

    use super::*;

    fn call(method: Method, service: ServiceType, target: &str) -> PlannedCall {
        let body = match method {
            Method::Put => CallBody::Enable {
                name: service,
                wait: true,
                payload: EnablePayload::None,
            },
            Method::Delete => CallBody::None,
            Method::Post => CallBody::Restart {
                services: vec![service],
            },
        };
        let last = if method == Method::Post {
            "restart".to_owned()
        } else {
            service.to_string()
        };
        PlannedCall {
            method,
            path: vec!["1.0".into(), "services".into(), last],
            target: target.into(),
            body,
            reason: "test".into(),
        }
    }

    fn check_lanes(calls: Vec<PlannedCall>, method: Method, expected: &[&[usize]]) {
        let plan = Plan::new(calls, Vec::new());
        let requests: Vec<Request> = plan
            .calls
            .iter()
            .map(|call| Request::from_call(call).unwrap())
            .collect();
        let in_phase: Vec<usize> = (0..plan.calls.len())
            .filter(|call_idx| plan.calls[*call_idx].method == method)
            .collect();
        let grouped: Vec<Vec<usize>> = lanes(method, &in_phase, &plan, &requests)
            .into_iter()
            .map(|lane| lane.into_iter().map(|(call_idx, _, _)| call_idx).collect())
            .collect();
        assert_eq!(grouped, expected);
    }

    #[test]
    fn enables_run_per_member_even_for_monitors() {
        check_lanes(
            vec![
                call(Method::Put, ServiceType::Mon, "node2"),
                call(Method::Put, ServiceType::Mon, "node1"),
                call(Method::Delete, ServiceType::Mon, "node3"),
            ],
            Method::Put,
            &[&[1], &[0]],
        );
    }

    #[test]
    fn monitor_disables_and_restarts_share_one_lane() {
        check_lanes(
            vec![
                call(Method::Delete, ServiceType::Mon, "node2"),
                call(Method::Delete, ServiceType::Mon, "node1"),
                call(Method::Delete, ServiceType::Mgr, "node1"),
            ],
            Method::Delete,
            &[&[2], &[0, 1]],
        );
        check_lanes(
            vec![
                call(Method::Post, ServiceType::Mon, "node1"),
                call(Method::Post, ServiceType::Rgw, "node1"),
                call(Method::Post, ServiceType::Mon, "node2"),
            ],
            Method::Post,
            &[&[1], &[0, 2]],
        );
    }

    #[tokio::test]
    async fn an_unsendable_call_stops_the_whole_plan() {
        let mut bad = call(Method::Delete, ServiceType::Mgr, "node2");
        bad.body = CallBody::DisableNfs {
            cluster_id: "east".into(),
        };
        let plan = Plan::new(
            vec![call(Method::Put, ServiceType::Mgr, "node1"), bad],
            Vec::new(),
        );
        let client = Client::unix("/nonexistent/socket");
        let report = execute(&client, &plan).await;
        assert!(!report.succeeded());
        assert_eq!(report.skipped().count(), 1);
        let (failed, error) = report.failed().next().unwrap();
        assert_eq!(failed.target, "node2");
        assert_eq!(
            error.to_string(),
            "cannot send DELETE /1.0/services/mgr?target=node2: the path /1.0/services/mgr does not match the request, which goes to /1.0/services/nfs"
        );
    }

    #[tokio::test]
    async fn a_failed_enable_skips_the_disables() {
        let plan = Plan::new(
            vec![
                call(Method::Put, ServiceType::Mgr, "node1"),
                call(Method::Delete, ServiceType::Mgr, "node2"),
            ],
            Vec::new(),
        );
        let client = Client::unix("/nonexistent/socket");
        let report = execute(&client, &plan).await;
        let statuses: Vec<String> = report
            .outcomes
            .iter()
            .map(|outcome| match &outcome.status {
                CallStatus::Done => "done".to_owned(),
                CallStatus::Failed(error) => format!("failed: {error}"),
                CallStatus::Skipped => "skipped".to_owned(),
            })
            .collect();
        assert_eq!(
            statuses,
            [
                "failed: microceph socket /nonexistent/socket does not exist: is the microceph snap installed and its daemon running? (check `snap services microceph.daemon`)",
                "skipped",
            ]
        );
    }
}
