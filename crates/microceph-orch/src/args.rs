//! The command line: global options, one command and its arguments, read without a parser crate.
//!
//! Options take their value as `--name VALUE` or `--name=VALUE`; the global options may stand before or after the command.
//! Options spelt with underscores, as Ceph's CLI spells them (`--service_name`), are accepted too.
//! Anything else is a usage error that names the bad argument and what is accepted.

use std::fmt::Write as _;
use std::path::PathBuf;

use orch_backend::DaemonFilter;

use crate::error::CliError;

/// MicroCeph's control socket, where the snap puts it.
pub(crate) const DEFAULT_SOCKET: &str = "/var/snap/microceph/common/state/control.socket";

/// Environment variables that give defaults to `--socket` and `--ceph`.
pub(crate) const SOCKET_VARIABLE: &str = "MICROCEPH_ORCH_SOCKET";
pub(crate) const CEPH_VARIABLE: &str = "MICROCEPH_ORCH_CEPH";

/// How long MicroCeph reads and `ceph` commands may take, when `--timeout` is not given.
const DEFAULT_TIMEOUT_SECS: f64 = 15.0;

/// The longest `--timeout` accepted: one day.
const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// The commands, each with its arguments, for the help and for usage errors.
const COMMANDS: [(&str, &str); 8] = [
    (
        "status",
        "whether MicroCeph answers, its members, and what of Ceph could be read",
    ),
    ("hosts", "the members, like `ceph orch host ls`"),
    (
        "ls [SERVICE_TYPE] [--service-name NAME] [--export]",
        "the services, like `ceph orch ls`",
    ),
    (
        "ps [HOST] [--service-name NAME] [--daemon-type TYPE] [--daemon-id ID]",
        "the daemons, like `ceph orch ps`",
    ),
    ("devices [HOST...]", "the disks, like `ceph orch device ls`"),
    (
        "plan apply FILE",
        "what applying FILE would change, like `ceph orch apply -i FILE --dry-run`",
    ),
    (
        "apply FILE",
        "applies the specs of FILE (`-` for standard input), like `ceph orch apply -i FILE`",
    ),
    ("help", "this text"),
];

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Aligned tables, as Ceph's CLI prints them.
    Plain,
    /// `ceph ... --format json`.
    Json,
    /// `ceph ... --format json-pretty`.
    JsonPretty,
}

/// The global options.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Options {
    /// MicroCeph's control socket.
    pub socket: PathBuf,
    /// The `ceph` program, or `None` with `--no-ceph`.
    pub ceph: Option<String>,
    /// How results are printed.
    pub format: Format,
    /// How long each MicroCeph read and each `ceph` command may take, in seconds.
    pub timeout_secs: f64,
}

/// One command with its arguments.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    Status,
    Hosts,
    Ls {
        service_type: Option<String>,
        service_name: Option<String>,
        export: bool,
    },
    Ps(DaemonFilter),
    Devices(Vec<String>),
    Plan(String),
    Apply(String),
}

/// What the command line asks for.
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    Help,
    Run(Options, Command),
}

/// The environment variables that give defaults, as read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Environment {
    pub socket: Option<String>,
    pub ceph: Option<String>,
}

/// Reads the command line (without the program name).
pub(crate) fn parse(args: &[String], environment: &Environment) -> Result<Parsed, CliError> {
    let mut reader = Reader { args, at: 0 };
    let mut socket = None;
    let mut ceph = None;
    let mut no_ceph = false;
    let mut format = Format::Plain;
    let mut timeout_secs = DEFAULT_TIMEOUT_SECS;
    let mut words = Vec::new();
    let mut flags = Vec::new();
    while let Some(arg) = reader.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if arg.starts_with("--") => (name.replace('_', "-"), Some(value)),
            _ if arg.starts_with("--") => (arg.replace('_', "-"), None),
            _ => (arg.to_owned(), None),
        };
        match name.as_str() {
            "--help" | "-h" => return Ok(Parsed::Help),
            "--socket" => {
                let value =
                    reader.value(&name, inline, "the path of MicroCeph's control socket")?;
                socket = Some(value);
            }
            "--ceph" => {
                ceph = Some(reader.value(&name, inline, "the path of the `ceph` program")?);
            }
            "--no-ceph" => no_ceph = true,
            "--format" => {
                format =
                    parse_format(&reader.value(&name, inline, "plain, json or json-pretty")?)?;
            }
            "--timeout" => {
                timeout_secs =
                    parse_timeout(&reader.value(&name, inline, "a number of seconds")?)?;
            }
            "--service-name" | "--daemon-type" | "--daemon-id" => {
                let value = reader.value(&name, inline, "a name")?;
                flags.push((name, Some(value)));
            }
            _ if name.starts_with('-') && name != "-" => {
                flags.push((name, inline.map(str::to_owned)));
            }
            _ => words.push(arg.to_owned()),
        }
    }
    if no_ceph && ceph.is_some() {
        return Err(CliError::Usage(
            "give --ceph or --no-ceph, not both".to_owned(),
        ));
    }
    let Some((command, rest)) = words.split_first() else {
        return Err(CliError::Usage(format!(
            "no command given; the commands are {}",
            command_names()
        )));
    };
    if command == "help" {
        return Ok(Parsed::Help);
    }
    let command = parse_command(command, rest, &flags)?;
    let nonempty = |value: &Option<String>| value.clone().filter(|value| !value.is_empty());
    let options = Options {
        socket: PathBuf::from(
            socket
                .or_else(|| nonempty(&environment.socket))
                .unwrap_or_else(|| DEFAULT_SOCKET.to_owned()),
        ),
        ceph: if no_ceph {
            None
        } else {
            Some(
                ceph.or_else(|| nonempty(&environment.ceph))
                    .unwrap_or_else(|| "ceph".to_owned()),
            )
        },
        format,
        timeout_secs,
    };
    Ok(Parsed::Run(options, command))
}

/// The help text.
pub(crate) fn help() -> String {
    let mut text = String::from(
        "microceph-orch: the MicroCeph orchestrator's listings and apply, without ceph-mgr\n\nusage: microceph-orch [OPTIONS] COMMAND [ARGS]\n\ncommands:\n",
    );
    for (usage, what) in COMMANDS {
        let _ = writeln!(text, "  {usage}\n      {what}");
    }
    let options = [
        ("--socket PATH", format!("MicroCeph's control socket (default: ${SOCKET_VARIABLE}, else {DEFAULT_SOCKET})")),
        ("--ceph PROGRAM", format!("the `ceph` program that reads Ceph's maps and stores specs (default: ${CEPH_VARIABLE}, else ceph)")),
        ("--no-ceph", "run no `ceph` command: daemon statuses are unknown and specs are not stored".to_owned()),
        ("--format FORMAT", "plain, json or json-pretty (default: plain); json prints what `ceph orch ... --format json` prints".to_owned()),
        ("--timeout SECS", format!("how long each MicroCeph read and each `ceph` command may take (default: {DEFAULT_TIMEOUT_SECS})")),
        ("-h, --help", "this text".to_owned()),
    ];
    text.push_str("\noptions:\n");
    for (option, what) in options {
        let _ = writeln!(text, "  {option:<18}  {what}");
    }
    text
}

/// The arguments, read one by one.
struct Reader<'a> {
    args: &'a [String],
    at: usize,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let arg = self.args.get(self.at)?;
        self.at += 1;
        Some(arg)
    }

    /// An option's value: after `=`, else the next argument.
    fn value(
        &mut self,
        name: &str,
        inline: Option<&str>,
        accepted: &str,
    ) -> Result<String, CliError> {
        match inline
            .map(str::to_owned)
            .or_else(|| self.next().map(str::to_owned))
        {
            Some(value) if !value.is_empty() => Ok(value),
            _ => Err(CliError::Usage(format!(
                "option {name} needs a value: {accepted}"
            ))),
        }
    }
}

fn parse_command(
    command: &str,
    rest: &[String],
    flags: &[(String, Option<String>)],
) -> Result<Command, CliError> {
    let usage = COMMANDS
        .iter()
        .map(|(usage, _)| *usage)
        .find(|usage| usage.split(' ').next() == Some(command));
    let Some(usage) = usage else {
        return Err(CliError::Usage(format!(
            "unknown command '{command}'; the commands are {}",
            command_names()
        )));
    };
    let mut options = CommandOptions {
        command,
        usage,
        flags,
        used: vec![false; flags.len()],
    };
    let parsed = match command {
        "status" | "hosts" => {
            options.words(rest, 0)?;
            if command == "status" {
                Command::Status
            } else {
                Command::Hosts
            }
        }
        "ls" => {
            options.words(rest, 1)?;
            Command::Ls {
                service_type: rest.first().cloned(),
                service_name: options.value("--service-name"),
                export: options.flag("--export")?,
            }
        }
        "ps" => {
            options.words(rest, 1)?;
            Command::Ps(DaemonFilter {
                host: rest.first().cloned(),
                service_name: options.value("--service-name"),
                daemon_type: options.value("--daemon-type"),
                daemon_id: options.value("--daemon-id"),
            })
        }
        "devices" => Command::Devices(rest.to_vec()),
        "plan" => match rest {
            [verb, file] if verb == "apply" => Command::Plan(file.clone()),
            [verb] if verb == "apply" => return Err(missing_file(usage)),
            _ => {
                return Err(CliError::Usage(format!(
                    "plan takes the command apply and a spec file: microceph-orch {usage}"
                )));
            }
        },
        _ => match rest {
            [file] => Command::Apply(file.clone()),
            [] => return Err(missing_file(usage)),
            [_, extra, ..] => return Err(unexpected(extra, usage)),
        },
    };
    options.finish()?;
    Ok(parsed)
}

/// The options given after a command, checked against what it takes.
struct CommandOptions<'a> {
    command: &'a str,
    usage: &'a str,
    flags: &'a [(String, Option<String>)],
    used: Vec<bool>,
}

impl CommandOptions<'_> {
    fn words(&self, rest: &[String], at_most: usize) -> Result<(), CliError> {
        match rest.get(at_most) {
            Some(extra) => Err(unexpected(extra, self.usage)),
            None => Ok(()),
        }
    }

    fn value(&mut self, name: &str) -> Option<String> {
        let flag_idx = self.flags.iter().position(|(flag, _)| flag == name)?;
        self.used[flag_idx] = true;
        self.flags[flag_idx].1.clone()
    }

    fn flag(&mut self, name: &str) -> Result<bool, CliError> {
        let Some(flag_idx) = self.flags.iter().position(|(flag, _)| flag == name) else {
            return Ok(false);
        };
        self.used[flag_idx] = true;
        match &self.flags[flag_idx].1 {
            None => Ok(true),
            Some(_) => Err(CliError::Usage(format!("option {name} takes no value"))),
        }
    }

    fn finish(&self) -> Result<(), CliError> {
        match self.flags.iter().zip(&self.used).find(|(_, used)| !**used) {
            Some(((flag, _), _)) => Err(CliError::Usage(format!(
                "unknown option '{flag}' for {}; usage: microceph-orch {}; global options: --socket, --ceph, --no-ceph, --format, --timeout",
                self.command, self.usage
            ))),
            None => Ok(()),
        }
    }
}

fn parse_format(value: &str) -> Result<Format, CliError> {
    match value {
        "plain" => Ok(Format::Plain),
        "json" => Ok(Format::Json),
        "json-pretty" => Ok(Format::JsonPretty),
        other => Err(CliError::Usage(format!(
            "--format '{other}' is not one of plain, json, json-pretty"
        ))),
    }
}

fn parse_timeout(value: &str) -> Result<f64, CliError> {
    match value.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS => Ok(secs),
        _ => Err(CliError::Usage(format!(
            "--timeout '{value}' is not a number of seconds above 0 and at most {MAX_TIMEOUT_SECS}"
        ))),
    }
}

fn command_names() -> String {
    "status, hosts, ls, ps, devices, plan apply, apply and help".to_owned()
}

fn unexpected(extra: &str, usage: &str) -> CliError {
    CliError::Usage(format!(
        "unexpected argument '{extra}'; usage: microceph-orch {usage}"
    ))
}

fn missing_file(usage: &str) -> CliError {
    CliError::Usage(format!(
        "a spec file is needed: microceph-orch {usage} (`-` reads standard input)"
    ))
}
