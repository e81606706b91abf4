//! After MicroCeph restarted daemons, waiting until Ceph's maps show them back (see `orch_core::comeback`).
//!
//! A restart returns a [`Pending`] confirmation instead of a result: the marks taken before the restart, the deadline, and the lines MicroCeph's answers gave.
//! The caller, which can read Ceph's maps, reads them again every [`POLL`] and calls [`confirm`] until it gets the result.
//! The pending state travels as JSON text the caller keeps without looking into it, so the backend holds nothing between calls.
//!
//! The result names each daemon Ceph shows back; a daemon Ceph had no record of is named in a warning, since nothing can confirm it.
//! When the deadline passes with a daemon not back, the restart fails naming the daemons Ceph does not show back and why, what MicroCeph did, and what came back.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use orch_core::comeback::{Comeback, Mark, comeback, mark};
use orch_core::{CephView, ServiceType};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cache::unix_secs;
use crate::error::BackendError;
use crate::events::{self, Level};
use crate::report;

/// How often the caller reads Ceph's maps again while a confirmation is pending.
pub(crate) const POLL: Duration = Duration::from_secs(1);

/// The parts of Ceph's maps a confirmation reads (see `ceph_maps.rs`).
pub(crate) const PARTS: [&str; 3] = ["mon_status", "osd_map", "service_map"];

/// A restart waiting for Ceph to show its daemons back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Pending {
    /// The service or daemon name the operator gave.
    subject: String,
    /// The MicroCeph socket, and the service whose events record the outcome, for a service restart.
    events: Option<(PathBuf, String)>,
    /// What MicroCeph did, one line per host.
    lines: Vec<String>,
    /// What MicroCeph did, in one phrase, such as `restarted mon on node1, node2`.
    done: String,
    /// Warnings of the plan.
    warnings: Vec<String>,
    /// When to give up, in seconds since the Unix epoch.
    deadline: f64,
    /// The bound in seconds.
    timeout_secs: f64,
    /// The restarted daemons and their marks.
    daemons: Vec<Restarted>,
}

/// One restarted daemon.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Restarted {
    daemon_type: String,
    daemon_id: String,
    member: String,
    mark: MarkJson,
}

/// [`Mark`] as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum MarkJson {
    Mon { election_epoch: u64 },
    Osd { up_from: u64 },
    Registered { gid: u64 },
    NoRecord { why: String },
}

impl Pending {
    /// Marks the daemons `(daemon_type, daemon_id, member)` in `ceph`, before they are restarted.
    pub(crate) fn mark(
        subject: &str,
        daemons: &[(ServiceType, String, String)],
        ceph: &CephView,
        timeout: Duration,
    ) -> Self {
        Pending {
            subject: subject.to_owned(),
            events: None,
            lines: Vec::new(),
            done: String::new(),
            warnings: Vec::new(),
            deadline: unix_secs(SystemTime::now() + timeout),
            timeout_secs: timeout.as_secs_f64(),
            daemons: daemons
                .iter()
                .map(|(daemon_type, daemon_id, member)| Restarted {
                    daemon_type: daemon_type.to_string(),
                    daemon_id: daemon_id.clone(),
                    member: member.clone(),
                    mark: mark(ceph, *daemon_type, daemon_id, member).into(),
                })
                .collect(),
        }
    }

    /// Records the outcome as an event of `service_name` of the cluster behind `socket`.
    pub(crate) fn recorded_on(mut self, socket: &Path, service_name: &str) -> Self {
        self.events = Some((socket.to_owned(), service_name.to_owned()));
        self
    }

    /// Adds what MicroCeph did (per host, and in one phrase) and the plan's warnings, and restarts the clock.
    pub(crate) fn restarted(
        mut self,
        lines: Vec<String>,
        done: String,
        warnings: Vec<String>,
    ) -> Self {
        self.lines = lines;
        self.done = done;
        self.warnings = warnings;
        self.deadline =
            unix_secs(SystemTime::now() + Duration::from_secs_f64(self.timeout_secs.max(0.0)));
        self
    }
}

/// Checks a pending restart against `ceph`: `{"lines": [...]}` when every daemon is settled, else `{"pending": <text>, "wait": secs, "read": [parts]}`.
pub fn confirm(pending_json: &str, ceph: &CephView) -> Result<String, BackendError> {
    let pending: Pending = serde_json::from_str(pending_json).map_err(|error| {
        BackendError::InvalidInput(format!("not a pending restart confirmation: {error}"))
    })?;
    check(&pending, ceph)
}

/// Checks a pending restart now.
pub(crate) fn check(pending: &Pending, ceph: &CephView) -> Result<String, BackendError> {
    let mut back = Vec::new();
    let mut waiting = Vec::new();
    let mut unconfirmable = Vec::new();
    for daemon in &pending.daemons {
        let name = format!("{}.{}", daemon.daemon_type, daemon.daemon_id);
        let Ok(daemon_type) = ServiceType::parse(&daemon.daemon_type) else {
            unconfirmable.push(format!("{name}: not a daemon type"));
            continue;
        };
        let mark = Mark::from(daemon.mark.clone());
        match comeback(&mark, ceph, daemon_type, &daemon.daemon_id, &daemon.member) {
            Comeback::Returned => back.push(name),
            Comeback::Waiting(why) => waiting.push(format!("{name} ({why})")),
            Comeback::Unconfirmable(why) => unconfirmable.push(format!("{name}: {why}")),
        }
    }
    let now = unix_secs(SystemTime::now());
    if !waiting.is_empty() && now < pending.deadline {
        let text = serde_json::to_string(pending)
            .map_err(|error| BackendError::Internal(format!("cannot keep a restart: {error}")))?;
        return Ok(json!({"pending": text, "wait": POLL.as_secs_f64(), "read": PARTS}).to_string());
    }
    if !waiting.is_empty() {
        let mut details = String::new();
        if !back.is_empty() {
            let _ = write!(details, "; back: {}", back.join(", "));
        }
        if !unconfirmable.is_empty() {
            let _ = write!(details, "; not confirmed: {}", unconfirmable.join("; "));
        }
        for warning in &pending.warnings {
            details.push('\n');
            details.push_str(&report::warning(warning));
        }
        let error = BackendError::NotConfirmed(format!(
            "{}: Ceph does not show {} back within {} s after MicroCeph {}{details}",
            pending.subject,
            waiting.join(", "),
            pending.timeout_secs,
            pending.done
        ));
        if let Some((socket, service_name)) = &pending.events {
            events::record(socket, service_name, Level::Error, &error.to_string());
        }
        return Err(error);
    }
    let mut lines = pending.lines.clone();
    if !back.is_empty() {
        lines.push(format!(
            "{}: Ceph shows {} back",
            pending.subject,
            back.join(", ")
        ));
    }
    for line in &unconfirmable {
        lines.push(report::warning(format!("restart not confirmed for {line}")));
    }
    lines.extend(pending.warnings.iter().map(report::warning));
    if let Some((socket, service_name)) = &pending.events {
        events::record(socket, service_name, Level::Info, &lines.join("\n"));
    }
    Ok(json!({"lines": lines}).to_string())
}

impl From<Mark> for MarkJson {
    fn from(mark: Mark) -> Self {
        match mark {
            Mark::Mon { election_epoch } => MarkJson::Mon { election_epoch },
            Mark::Osd { up_from } => MarkJson::Osd { up_from },
            Mark::Registered { gid } => MarkJson::Registered { gid },
            Mark::NoRecord(why) => MarkJson::NoRecord { why },
        }
    }
}

impl From<MarkJson> for Mark {
    fn from(mark: MarkJson) -> Self {
        match mark {
            MarkJson::Mon { election_epoch } => Mark::Mon { election_epoch },
            MarkJson::Osd { up_from } => Mark::Osd { up_from },
            MarkJson::Registered { gid } => Mark::Registered { gid },
            MarkJson::NoRecord { why } => Mark::NoRecord(why),
        }
    }
}
