//! `status`: whether MicroCeph answers on the socket, its members and how many are online, and what of Ceph could be read.
//!
//! MicroCeph is asked with the backend's `probe`, then its members are read; Ceph is read as `ls` reads it, and every command that failed is named with `ceph`'s own error.
//! The command exits 0 when MicroCeph answers, and with `EAGAIN` when it does not, as the mgr module's `ceph microceph status` does.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::args::Format;
use crate::ceph::{Ceph, CephSide, SPEC_PREFIX, Wanted};
use crate::commands::{Context, Output, warning};
use crate::error::{CliError, EAGAIN};
use crate::pyjson;
use crate::release::Release;
use crate::views::Listing;

/// The report, as plain lines and as a JSON object, built part by part.
#[derive(Debug, Default)]
struct Report {
    text: String,
    fields: Map<String, Value>,
}

impl Report {
    fn field(&mut self, key: &str, value: Value) {
        self.fields.insert(key.to_owned(), value);
    }
}

/// Runs `status`.
pub(crate) fn run(context: &Context, out: &mut Output) -> Result<(), CliError> {
    let timeout = Duration::from_secs_f64(context.options.timeout_secs);
    let (available, reason) = orch_backend::probe(&context.config, timeout)?;
    let mut report = Report::default();
    microceph(context, available, &reason, &mut report);
    let side = context.read_ceph(Wanted::LISTINGS);
    let program = context.ceph.as_ref().map(Ceph::program);
    ceph(program, &side, &mut report);
    stored(program, &side, &mut report);
    for note in &side.unreadable_specs {
        out.notes.push(warning(note));
    }
    let fields = Value::Object(report.fields);
    out.stdout = match context.options.format {
        Format::Plain => report.text.trim_end().to_owned(),
        Format::Json => pyjson::dumps(&fields),
        Format::JsonPretty => pyjson::dumps_pretty(&fields),
    };
    if available {
        Ok(())
    } else {
        Err(CliError::Reported(EAGAIN))
    }
}

/// Whether MicroCeph answers, and its members when it does.
fn microceph(context: &Context, available: bool, reason: &str, report: &mut Report) {
    let socket = context.options.socket.display().to_string();
    report.field("socket", json!(socket));
    report.field("available", json!(available));
    if !available {
        report.field("reason", json!(reason));
        let _ = writeln!(
            report.text,
            "MicroCeph: not available on {socket}: {reason}"
        );
        return;
    }
    let _ = writeln!(report.text, "MicroCeph: answers on {socket}");
    let members = orch_backend::hosts(&context.config, true)
        .map_err(|error| error.to_string())
        .and_then(|text| Listing::parse(&text).map_err(|error| error.to_string()));
    match members {
        Ok(listing) => {
            let offline: Vec<String> = listing
                .items
                .iter()
                .filter(|host| host["status"] != "")
                .map(|host| {
                    let text = |key: &str| host[key].as_str().unwrap_or_default().to_owned();
                    format!("{} ({})", text("hostname"), text("status"))
                })
                .collect();
            let count = listing.items.len();
            let online = count - offline.len();
            report.field("members", json!(count));
            report.field("online", json!(online));
            let _ = write!(report.text, "Members: {count}, {online} online");
            if !offline.is_empty() {
                let _ = write!(report.text, "; not online: {}", offline.join(", "));
            }
            report.text.push('\n');
        }
        Err(error) => {
            report.field("members_error", json!(error));
            let _ = writeln!(report.text, "Members: not read: {error}");
        }
    }
}

/// Which of Ceph's maps were read with which program, and why the others were not.
fn ceph(program: Option<&str>, side: &CephSide, report: &mut Report) {
    let unread: Map<String, Value> = side
        .unread
        .iter()
        .map(|(command, reason)| (command.clone(), json!(reason)))
        .collect();
    report.field(
        "ceph",
        json!({"program": program, "release": side.release.name(), "read": side.read, "unread": unread}),
    );
    let Some(program) = program else {
        report.text.push_str(
            "Ceph: not read (--no-ceph): daemon statuses are unknown and applied specs are not stored\n",
        );
        return;
    };
    let commands = side.read.len() + side.unread.len();
    let _ = write!(
        report.text,
        "Ceph: {} of {commands} commands read with {program}",
        side.read.len()
    );
    if side.release != Release::Unknown {
        let _ = write!(
            report.text,
            " (the active mgr runs {})",
            side.release.name()
        );
    }
    report.text.push('\n');
    for (commands, reason) in side.unread_by_reason() {
        let _ = writeln!(
            report.text,
            "Ceph: cannot read {}: {reason}",
            commands.join(", ")
        );
    }
}

/// The stored specs by name, or why they could not be read.
fn stored(program: Option<&str>, side: &CephSide, report: &mut Report) {
    match &side.stored {
        Some(Ok(specs)) => {
            let names: Vec<String> = specs
                .iter()
                .map(|spec| orch_backend::spec_name(spec).unwrap_or_else(|| "<unnamed>".to_owned()))
                .collect();
            let _ = write!(report.text, "Stored specs: {}", names.len());
            if !names.is_empty() {
                let _ = write!(report.text, " ({})", names.join(", "));
            }
            report.field("stored_specs", json!(names));
        }
        Some(Err(reason)) => {
            let _ = write!(
                report.text,
                "Stored specs: cannot read `{} config-key dump {SPEC_PREFIX}`: {reason}",
                program.unwrap_or("ceph")
            );
            report.field("stored_specs_error", json!(reason));
        }
        None => report.text.push_str("Stored specs: not read (--no-ceph)"),
    }
}
