//! The control API over HTTP: `/fake/1.0/...` on the fake's own socket, answered in MicroCeph's envelope.
//!
//! Bodies are read strictly; a bad one gets 400 with a message naming the field.
//! Unknown paths, members and fault ids get 404, and a known path with an unsupported method gets 405.
//! The crate's README documents every route.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::cluster::{Cluster, MemberStatus, ServiceName};
use crate::control::{Control, ControlError, DaemonUpdate, MemberUpdate};
use crate::envelope::Outcome;
use crate::faults::{Fault, FaultAction};
use crate::json_fields::{Fields, index_path, parse_choice};
use crate::schema::ClusterFile;
use crate::state::{DaemonState, DatabaseStatus, Timing};
use crate::target::decode_path;

/// The prefix of every control route.
pub(crate) const PREFIX: &str = "/fake/";

/// Serves one control API request.
pub(crate) fn handle(control: &Control, method: &str, raw_path: &str, body: &[u8]) -> Outcome {
    let segments: Vec<&str> = raw_path.split('/').skip(1).collect();
    let result = match (method, segments.as_slice()) {
        ("GET", ["fake", "1.0", "state"]) => {
            Ok(Outcome::success(&ClusterFile::new(&control.cluster())))
        }
        ("PUT", ["fake", "1.0", "state"]) => put_state(control, body),
        ("PUT", ["fake", "1.0", "members", name]) => put_member(control, &decode_path(name), body),
        ("POST", ["fake", "1.0", "members", name, "block-devices"]) => {
            post_block_device(control, &decode_path(name), body)
        }
        ("GET", ["fake", "1.0", "timing"]) => {
            Ok(Outcome::success(&TimingJson::from(control.timing())))
        }
        ("PUT", ["fake", "1.0", "timing"]) => put_timing(control, body),
        ("GET", ["fake", "1.0", "daemon"]) => {
            Ok(Outcome::success(&DaemonJson::from(control.daemon())))
        }
        ("PUT", ["fake", "1.0", "daemon"]) => put_daemon(control, body),
        ("GET", ["fake", "1.0", "faults"]) => Ok(Outcome::success(&control.faults())),
        ("POST", ["fake", "1.0", "faults"]) => post_fault(control, body),
        ("DELETE", ["fake", "1.0", "faults"]) => {
            control.clear_faults();
            Ok(Outcome::null())
        }
        ("DELETE", ["fake", "1.0", "faults", id]) => Ok(delete_fault(control, id)),
        ("GET", ["fake", "1.0", "requests"]) => Ok(Outcome::success(&control.requests())),
        ("GET", ["fake", "1.0", "concurrency"]) => Ok(Outcome::success(&control.concurrency())),
        ("DELETE", ["fake", "1.0", "concurrency"]) => {
            control.reset_concurrency();
            Ok(Outcome::null())
        }
        ("DELETE", ["fake", "1.0", "requests"]) => {
            control.clear_requests();
            Ok(Outcome::null())
        }
        ("GET", ["fake", "1.0", "log"]) => Ok(Outcome::success(&control.log())),
        ("DELETE", ["fake", "1.0", "log"]) => {
            control.clear_log();
            Ok(Outcome::null())
        }
        (_, path) if is_control_route(path) => Ok(Outcome::status_text(405)),
        _ => Ok(Outcome::status_text(404)),
    };
    result.unwrap_or_else(|message| Outcome::error(400, message))
}

/// The timing knobs as the control API spells them.
#[derive(Debug, Serialize)]
#[expect(
    clippy::struct_field_names,
    reason = "the control API spells every knob in milliseconds"
)]
struct TimingJson {
    request_latency_ms: u128,
    hop_latency_ms: u128,
    enable_duration_ms: u128,
    disable_duration_ms: u128,
    restart_duration_ms: u128,
}

impl From<Timing> for TimingJson {
    fn from(timing: Timing) -> Self {
        Self {
            request_latency_ms: timing.request_latency.as_millis(),
            hop_latency_ms: timing.hop_latency.as_millis(),
            enable_duration_ms: timing.enable_duration.as_millis(),
            disable_duration_ms: timing.disable_duration.as_millis(),
            restart_duration_ms: timing.restart_duration.as_millis(),
        }
    }
}

/// The daemon switches as the control API spells them.
#[derive(Debug, Serialize)]
struct DaemonJson {
    database: &'static str,
    ready: bool,
    shutting_down: bool,
}

impl From<DaemonState> for DaemonJson {
    fn from(daemon: DaemonState) -> Self {
        Self {
            database: daemon.database.as_str(),
            ready: daemon.ready,
            shutting_down: daemon.shutting_down,
        }
    }
}

fn is_control_route(segments: &[&str]) -> bool {
    matches!(
        segments,
        [
            "fake",
            "1.0",
            "state" | "timing" | "daemon" | "faults" | "requests" | "concurrency" | "log"
        ] | ["fake", "1.0", "members" | "faults", _]
            | ["fake", "1.0", "members", _, "block-devices"]
    )
}

fn parse_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|error| format!("body: invalid JSON: {error}"))
}

fn put_state(control: &Control, body: &[u8]) -> Result<Outcome, String> {
    let cluster = Cluster::from_value(&parse_body(body)?).map_err(|error| error.to_string())?;
    control
        .replace_cluster(cluster)
        .map_err(|error| error.to_string())?;
    Ok(Outcome::null())
}

fn put_member(control: &Control, name: &str, body: &[u8]) -> Result<Outcome, String> {
    let value = parse_body(body)?;
    let mut fields = Fields::new(&value, "")?;
    let status = fields.choice("status", &MemberStatus::ALL)?;
    let path = fields.path_of("failing_services");
    let failing_services = fields
        .strings("failing_services")?
        .map(|names| {
            names
                .iter()
                .enumerate()
                .map(|(index, name)| {
                    parse_choice(&index_path(&path, index), name, &ServiceName::ALL)
                })
                .collect::<Result<BTreeSet<_>, _>>()
        })
        .transpose()?;
    fields.finish()?;
    match control.update_member(
        name,
        MemberUpdate {
            status,
            failing_services,
        },
    ) {
        Ok(()) => Ok(Outcome::null()),
        Err(error @ ControlError::UnknownMember(_)) => Ok(Outcome::error(404, error.to_string())),
        Err(error) => Err(error.to_string()),
    }
}

fn post_block_device(control: &Control, name: &str, body: &[u8]) -> Result<Outcome, String> {
    let device = crate::schema::read_block_device(&parse_body(body)?, "")?;
    match control.add_block_device(name, device) {
        Ok(()) => Ok(Outcome::null()),
        Err(error @ ControlError::UnknownMember(_)) => Ok(Outcome::error(404, error.to_string())),
        Err(error) => Err(error.to_string()),
    }
}

fn put_timing(control: &Control, body: &[u8]) -> Result<Outcome, String> {
    let value = parse_body(body)?;
    let mut fields = Fields::new(&value, "")?;
    let mut timing = control.timing();
    let knobs: [(&'static str, &mut Duration); 5] = [
        ("request_latency_ms", &mut timing.request_latency),
        ("hop_latency_ms", &mut timing.hop_latency),
        ("enable_duration_ms", &mut timing.enable_duration),
        ("disable_duration_ms", &mut timing.disable_duration),
        ("restart_duration_ms", &mut timing.restart_duration),
    ];
    for (key, knob) in knobs {
        if let Some(millis) = fields.u64(key)? {
            *knob = Duration::from_millis(millis);
        }
    }
    fields.finish()?;
    control.set_timing(timing);
    Ok(Outcome::success(&TimingJson::from(timing)))
}

fn put_daemon(control: &Control, body: &[u8]) -> Result<Outcome, String> {
    let value = parse_body(body)?;
    let mut fields = Fields::new(&value, "")?;
    let update = DaemonUpdate {
        database: fields.choice("database", &DatabaseStatus::ALL)?,
        ready: fields.bool("ready")?,
        shutting_down: fields.bool("shutting_down")?,
    };
    fields.finish()?;
    Ok(Outcome::success(&DaemonJson::from(
        control.update_daemon(update),
    )))
}

fn post_fault(control: &Control, body: &[u8]) -> Result<Outcome, String> {
    #[derive(Serialize)]
    struct Created {
        id: u64,
    }
    let value = parse_body(body)?;
    let mut fields = Fields::new(&value, "")?;
    let method = fields
        .string("method")?
        .map(|method| method.to_ascii_uppercase());
    let path = fields.required_string("path")?;
    if !path.starts_with('/') {
        return Err(format!(
            "path: expected an absolute request path starting with '/', found {path:?}"
        ));
    }
    let target = fields.string("target")?;
    let count = fields.u64("count")?.unwrap_or(1);
    if count == 0 {
        return Err("count: expected at least 1".to_owned());
    }
    let action_value = fields
        .value("action")
        .ok_or_else(|| fields.missing("action"))?;
    let action = read_action(action_value)?;
    fields.finish()?;
    let id = control.add_fault(Fault {
        method,
        path,
        target,
        count,
        action,
    });
    Ok(Outcome::success(&Created { id }))
}

fn read_action(value: &Value) -> Result<FaultAction, String> {
    #[derive(Clone, Copy)]
    enum Kind {
        Error,
        Malformed,
        Drop,
        Delay,
    }
    let kinds = [
        ("error", Kind::Error),
        ("malformed", Kind::Malformed),
        ("drop", Kind::Drop),
        ("delay", Kind::Delay),
    ];
    let mut fields = Fields::new(value, "action")?;
    let kind = fields
        .choice("kind", &kinds)?
        .ok_or_else(|| fields.missing("kind"))?;
    let action = match kind {
        Kind::Error => {
            let status = fields.u64("status")?.unwrap_or(500);
            let status = u16::try_from(status)
                .ok()
                .filter(|status| (400..=599).contains(status))
                .ok_or_else(|| format!("action.status: expected an HTTP error status from 400 to 599, found {status}"))?;
            let message = fields.required_string("error")?;
            FaultAction::Error { status, message }
        }
        Kind::Malformed => FaultAction::Malformed,
        Kind::Drop => FaultAction::Drop,
        Kind::Delay => {
            let millis = fields.u64("ms")?.ok_or_else(|| fields.missing("ms"))?;
            FaultAction::Delay(Duration::from_millis(millis))
        }
    };
    fields.finish()?;
    Ok(action)
}

fn delete_fault(control: &Control, id: &str) -> Outcome {
    let Ok(id) = id.parse::<u64>() else {
        return Outcome::error(404, format!("no pending fault with id {id:?}"));
    };
    match control.remove_fault(id) {
        Ok(()) => Outcome::null(),
        Err(error) => Outcome::error(404, error.to_string()),
    }
}
