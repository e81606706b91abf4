//! The commands: each reads what it needs of MicroCeph (through the backend's verbs) and of Ceph (with `ceph`), and prints what Ceph's CLI would.
//!
//! A one-shot process has no cache, so every listing observes MicroCeph afresh (`refresh = true`).
//! `ls` and `ps` read Ceph's maps and the stored specs, `plan apply` and `apply` the stored specs only, `hosts` and `devices` nothing of Ceph.
//! What a command could not read is said on standard error, one `warning:` line each, and the command goes on with what it has.

use std::io::Read;
use std::time::Duration;

use orch_backend::{ApplyOptions, Config, DaemonFilter};
use serde_json::{Value, json};

use crate::args::{Command, Format, Options};
use crate::ceph::{Ceph, CephSide, SPEC_PREFIX, Wanted};
use crate::error::{CliError, file_error};
use crate::release::Release;
use crate::views::{self, Listing};
use crate::{export, pyjson, spec_file, status, tables, time};

/// What a command prints: standard output, and lines for standard error.
#[derive(Debug, Default)]
pub(crate) struct Output {
    pub stdout: String,
    pub notes: Vec<String>,
}

/// What every command works with.
#[derive(Debug)]
pub(crate) struct Context {
    pub options: Options,
    pub config: Config,
    pub ceph: Option<Ceph>,
}

impl Context {
    pub(crate) fn new(options: Options) -> Result<Self, CliError> {
        let config = Config::from_json(
            &json!({
                "socket": options.socket.to_string_lossy(),
                "read_timeout": options.timeout_secs,
            })
            .to_string(),
        )?;
        let timeout = Duration::from_secs_f64(options.timeout_secs);
        let ceph = options
            .ceph
            .clone()
            .map(|program| Ceph::new(program, timeout));
        Ok(Context {
            options,
            config,
            ceph,
        })
    }

    /// Reads Ceph's side: nothing with `--no-ceph`.
    pub(crate) fn read_ceph(&self, wanted: Wanted) -> CephSide {
        self.ceph
            .as_ref()
            .map(|ceph| ceph.read(wanted))
            .unwrap_or_default()
    }
}

/// Runs one command.
pub(crate) fn run(
    context: &Context,
    command: &Command,
    stdin: &mut dyn Read,
    out: &mut Output,
) -> Result<(), CliError> {
    match command {
        Command::Status => status::run(context, out),
        Command::Hosts => {
            let listing = Listing::parse(&orch_backend::hosts(&context.config, true)?)?;
            warn_problems(&listing, out);
            let hosts = views::hosts(&listing);
            print_list(context, out, &hosts, || tables::hosts(&hosts));
            Ok(())
        }
        Command::Ls {
            service_type,
            service_name,
            export,
        } => ls(
            context,
            service_type.as_deref(),
            service_name.as_deref(),
            *export,
            out,
        ),
        Command::Ps(filter) => ps(context, filter, out),
        Command::Devices(hosts) => {
            let hosts = (!hosts.is_empty()).then_some(hosts.as_slice());
            let listing = Listing::parse(&orch_backend::inventory(
                &context.config,
                hosts,
                None,
                true,
            )?)?;
            warn_problems(&listing, out);
            // Only the JSON of a device differs between releases.
            let release = match context.options.format {
                Format::Plain => Release::Unknown,
                Format::Json | Format::JsonPretty => context.read_ceph(Wanted::RELEASE).release,
            };
            let inventory = views::inventory(&listing, release);
            print_list(context, out, &inventory, || {
                tables::devices(&inventory, time::now())
            });
            Ok(())
        }
        Command::Plan(file) => plan(context, &read_specs(file, stdin)?, out),
        Command::Apply(file) => apply(context, &read_specs(file, stdin)?, out),
    }
}

fn ls(
    context: &Context,
    service_type: Option<&str>,
    service_name: Option<&str>,
    export: bool,
    out: &mut Output,
) -> Result<(), CliError> {
    let side = context.read_ceph(Wanted::LISTINGS);
    warn_ceph(context, &side, out);
    let listing = Listing::parse(&orch_backend::services(
        &context.config,
        &side.stored_json(),
        service_type,
        service_name,
        true,
        &side.view,
    )?)?;
    warn_problems(&listing, out);
    if listing.items.is_empty() {
        "No services reported".clone_into(&mut out.stdout);
        return Ok(());
    }
    if export {
        let specs = views::exported_specs(&listing, side.release);
        print_list(context, out, &specs, || export::documents(&specs));
    } else {
        let services = views::services(&listing, side.release);
        print_list(context, out, &services, || {
            tables::services(&services, time::now())
        });
    }
    Ok(())
}

fn ps(context: &Context, filter: &DaemonFilter, out: &mut Output) -> Result<(), CliError> {
    let side = context.read_ceph(Wanted::LISTINGS);
    warn_ceph(context, &side, out);
    let listing = Listing::parse(&orch_backend::daemons(
        &context.config,
        &side.stored_json(),
        filter,
        true,
        &side.view,
    )?)?;
    warn_problems(&listing, out);
    let daemons = views::daemons(&listing, side.release);
    if daemons.is_empty() && context.options.format == Format::Plain {
        "No daemons reported".clone_into(&mut out.stdout);
        return Ok(());
    }
    print_list(context, out, &daemons, || {
        tables::daemons(&daemons, time::now())
    });
    Ok(())
}

/// `plan apply`: the backend's preview, which changes nothing and stores nothing.
fn plan(context: &Context, specs: &Value, out: &mut Output) -> Result<(), CliError> {
    let side = context.read_ceph(Wanted::SPECS);
    warn_ceph(context, &side, out);
    let preview = orch_backend::preview(&context.config, &specs.to_string(), &side.stored_json())?;
    let items: Vec<Value> = serde_json::from_str(&preview).unwrap_or_default();
    for warning in items.iter().filter_map(|item| item["warning"].as_str()) {
        out.notes.push(format!("warning: {}", warning.trim_end()));
    }
    let errors: Vec<&str> = items
        .iter()
        .filter_map(|item| item["error"].as_str())
        .collect();
    let planned = items.iter().any(|item| item.get("service_name").is_some());
    if planned || context.options.format != Format::Plain {
        print_list(context, out, &items, || tables::preview(&items));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CliError::Invalid(errors.join("\n")))
    }
}

/// `apply`: the backend's apply, then each spec it asks to keep is stored where the mgr module keeps it.
///
/// Without the stored specs, a spec would be planned as if no other service had one, so `apply` refuses when `ceph` cannot read them; `--no-ceph` applies without them, knowingly.
fn apply(context: &Context, specs: &Value, out: &mut Output) -> Result<(), CliError> {
    let side = context.read_ceph(Wanted::SPECS);
    for note in &side.unreadable_specs {
        out.notes.push(warning(note));
    }
    if let (Some(ceph), Some(Err(reason))) = (&context.ceph, &side.stored) {
        return Err(CliError::Ceph(format!(
            "cannot read the stored specs with `{} config-key dump {SPEC_PREFIX}`: {reason}; nothing was applied, since the plan depends on them; once ceph answers, try again, or give --no-ceph to apply without them (the spec is then not stored)",
            ceph.program()
        )));
    }
    let outcome: Value = serde_json::from_str(&orch_backend::apply(
        &context.config,
        &specs.to_string(),
        &side.stored_json(),
        ApplyOptions::default(),
    )?)
    .unwrap_or_default();
    let mut not_stored = 0;
    for entry in outcome["store"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let name = entry["service_name"].as_str().unwrap_or_default();
        let how = format!(
            "ceph config-key set {SPEC_PREFIX}{name} {}",
            shell_quote(&pyjson::dumps(&entry["spec"]))
        );
        match &context.ceph {
            None => out.notes.push(warning(&format!(
                "{name}: applied but not stored, as --no-ceph was given; store it where the mgr module keeps it with: {how}"
            ))),
            Some(ceph) => {
                if let Err(reason) = ceph.store(name, &entry["spec"]) {
                    not_stored += 1;
                    out.notes.push(warning(&format!(
                        "{name}: applied but not stored: `{} config-key set` failed: {reason}; store it with: {how}",
                        ceph.program()
                    )));
                }
            }
        }
    }
    let results: Vec<&str> = outcome["results"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    out.stdout = results.join("\n");
    if let Some(failure) = outcome["failure"].as_object() {
        return Err(CliError::Failed {
            message: failure["message"].as_str().unwrap_or_default().to_owned(),
            errno: failure["errno"]
                .as_i64()
                .and_then(|errno| i32::try_from(errno).ok())
                .unwrap_or(crate::error::EIO),
        });
    }
    if not_stored > 0 {
        return Err(CliError::Ceph(format!(
            "{not_stored} applied spec(s) could not be stored where the mgr module keeps them; the warnings above say how to store them"
        )));
    }
    Ok(())
}

/// The specs of FILE, or of standard input for `-`.
fn read_specs(file: &str, stdin: &mut dyn Read) -> Result<Value, CliError> {
    let (text, source) = if file == "-" {
        let mut text = String::new();
        stdin.read_to_string(&mut text).map_err(|error| {
            file_error(
                format!("cannot read the specs from standard input: {error}"),
                &error,
            )
        })?;
        (text, "standard input".to_owned())
    } else {
        let text = std::fs::read_to_string(file).map_err(|error| {
            file_error(format!("cannot read the spec file {file}: {error}"), &error)
        })?;
        (text, file.to_owned())
    };
    spec_file::specs(&text, &source)
}

/// Prints a list as JSON, or as `plain` renders it.
fn print_list(context: &Context, out: &mut Output, list: &[Value], plain: impl FnOnce() -> String) {
    let value = Value::Array(list.to_vec());
    out.stdout = match context.options.format {
        Format::Plain => plain(),
        Format::Json => pyjson::dumps(&value),
        Format::JsonPretty => pyjson::dumps_pretty(&value),
    };
}

/// A `warning:` line for standard error.
pub(crate) fn warning(text: &str) -> String {
    format!("warning: {text}")
}

/// The listing's problems, as warnings.
fn warn_problems(listing: &Listing, out: &mut Output) {
    for problem in &listing.problems {
        out.notes.push(warning(&format!("MicroCeph: {problem}")));
    }
}

/// What could not be read of Ceph, as warnings, one per reason; nothing with `--no-ceph`, which asked for it.
fn warn_ceph(context: &Context, side: &CephSide, out: &mut Output) {
    let Some(ceph) = &context.ceph else {
        return;
    };
    let program = ceph.program();
    for (commands, reason) in side.unread_by_reason() {
        let commands: Vec<String> = commands
            .iter()
            .map(|command| format!("`{program} {command}`"))
            .collect();
        out.notes.push(warning(&format!(
            "cannot read {}: {reason}; what Ceph's maps would tell is shown as unknown",
            commands.join(", ")
        )));
    }
    if let Some(Err(reason)) = &side.stored {
        out.notes.push(warning(&format!(
            "cannot read the stored specs with `{program} config-key dump {SPEC_PREFIX}`: {reason}; services are shown as MicroCeph runs them"
        )));
    }
    for note in &side.unreadable_specs {
        out.notes.push(warning(note));
    }
}

/// A word quoted for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
