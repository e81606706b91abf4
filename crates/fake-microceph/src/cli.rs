//! Command-line parsing for the `fake-microceph` binary, kept in the library so it can be tested.
//!
//! Flags take their value as the next argument or after `=`.
//! A usage error names the bad flag and what is accepted; the binary prints it with [`USAGE`] and exits with status 2.

use std::fmt;
use std::path::PathBuf;

/// The largest cluster `--members` accepts.
pub const MAX_MEMBERS: usize = 10_000;

/// The binary's usage text.
pub const USAGE: &str = "\
usage:
  fake-microceph serve --socket PATH [--members N | --cluster FILE.json] [--realistic]
                       [--restart-hook PROGRAM]
  fake-microceph describe [--members N]
  fake-microceph --help

serve     serve the MicroCeph local API for a whole emulated cluster on the unix socket PATH
          until SIGTERM or SIGINT; the socket belongs to the cluster's local member.
          --members N          emulate N generated members, node1..nodeN (1 to 10000, default 3)
          --cluster FILE.json  emulate the cluster described in FILE.json (format: README.md)
          --realistic          take 10 s per service enable, like MicroCeph's post-placement check
          --restart-hook PROGRAM  run `PROGRAM MEMBER SERVICE` after each service restart, before
                               answering it; a failing PROGRAM fails the restart
describe  print the cluster description that `serve --members N` emulates (default 3)
";

/// What the binary was asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Serve a cluster on a socket.
    Serve(ServeArgs),
    /// Print the generated cluster description of this many members.
    Describe {
        /// How many members.
        members: usize,
    },
    /// Print the usage text.
    Help,
}

/// The arguments of `serve`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeArgs {
    /// The unix socket to serve on.
    pub socket: PathBuf,
    /// Which cluster to emulate.
    pub cluster: ClusterSource,
    /// Whether enables take MicroCeph's realistic 10 s.
    pub realistic: bool,
    /// The program run after each service restart.
    pub restart_hook: Option<PathBuf>,
}

/// Where the emulated cluster comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterSource {
    /// `--members N`: a generated cluster.
    Members(usize),
    /// `--cluster FILE.json`: a cluster description file.
    File(PathBuf),
}

/// A command line the binary cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(String);

impl fmt::Display for UsageError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((command, rest)) = args.split_first() else {
        return Err(UsageError(
            "missing command; expected serve, describe or --help".to_owned(),
        ));
    };
    match command.as_str() {
        "--help" | "-h" | "help" => Ok(Command::Help),
        "serve" => parse_serve(rest),
        "describe" => parse_describe(rest),
        other => Err(UsageError(format!(
            "unknown command {other:?}; expected serve, describe or --help"
        ))),
    }
}

fn parse_serve(args: &[String]) -> Result<Command, UsageError> {
    let mut socket = None;
    let mut members = None;
    let mut cluster_file = None;
    let mut realistic = false;
    let mut restart_hook = None;
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        match flag.as_str() {
            "--socket" => socket = Some(PathBuf::from(flags.value(&flag, "a socket path")?)),
            "--members" => members = Some(parse_members(&flags.value(&flag, "a member count")?)?),
            "--cluster" => {
                cluster_file = Some(PathBuf::from(flags.value(&flag, "a cluster file path")?));
            }
            "--realistic" => realistic = flags.no_value(&flag)?,
            "--restart-hook" => {
                restart_hook = Some(PathBuf::from(flags.value(&flag, "a program")?));
            }
            "--help" | "-h" => return Ok(Command::Help),
            other => {
                return Err(UsageError(format!(
                    "unknown flag {other} for serve; accepted: --socket PATH, --members N, --cluster FILE.json, --realistic, --restart-hook PROGRAM"
                )));
            }
        }
    }
    let socket = socket.ok_or_else(|| UsageError("serve needs --socket PATH".to_owned()))?;
    let cluster = match (members, cluster_file) {
        (Some(_), Some(_)) => {
            return Err(UsageError(
                "--members and --cluster cannot be combined; pass one of them".to_owned(),
            ));
        }
        (_, Some(path)) => ClusterSource::File(path),
        (members, None) => ClusterSource::Members(members.unwrap_or(3)),
    };
    Ok(Command::Serve(ServeArgs {
        socket,
        cluster,
        realistic,
        restart_hook,
    }))
}

fn parse_describe(args: &[String]) -> Result<Command, UsageError> {
    let mut members = 3;
    let mut flags = Flags::new(args);
    while let Some(flag) = flags.next_flag()? {
        match flag.as_str() {
            "--members" => members = parse_members(&flags.value(&flag, "a member count")?)?,
            "--help" | "-h" => return Ok(Command::Help),
            other => {
                return Err(UsageError(format!(
                    "unknown flag {other} for describe; accepted: --members N"
                )));
            }
        }
    }
    Ok(Command::Describe { members })
}

fn parse_members(text: &str) -> Result<usize, UsageError> {
    text.parse::<usize>()
        .ok()
        .filter(|count| (1..=MAX_MEMBERS).contains(count))
        .ok_or_else(|| {
            UsageError(format!(
                "--members accepts a whole number from 1 to {MAX_MEMBERS}, got {text:?}"
            ))
        })
}

/// Walks `--flag value` and `--flag=value` arguments.
struct Flags<'a> {
    args: std::slice::Iter<'a, String>,
    inline_value: Option<String>,
}

impl<'a> Flags<'a> {
    fn new(args: &'a [String]) -> Self {
        Self {
            args: args.iter(),
            inline_value: None,
        }
    }

    fn next_flag(&mut self) -> Result<Option<String>, UsageError> {
        let Some(arg) = self.args.next() else {
            return Ok(None);
        };
        if !arg.starts_with('-') {
            return Err(UsageError(format!(
                "unexpected argument {arg:?}; flags start with --"
            )));
        }
        if let Some((flag, value)) = arg.split_once('=') {
            self.inline_value = Some(value.to_owned());
            Ok(Some(flag.to_owned()))
        } else {
            self.inline_value = None;
            Ok(Some(arg.clone()))
        }
    }

    fn value(&mut self, flag: &str, what: &str) -> Result<String, UsageError> {
        if let Some(value) = self.inline_value.take() {
            return Ok(value);
        }
        self.args
            .next()
            .cloned()
            .ok_or_else(|| UsageError(format!("{flag} needs a value: {what}")))
    }

    fn no_value(&mut self, flag: &str) -> Result<bool, UsageError> {
        match self.inline_value.take() {
            None => Ok(true),
            Some(_) => Err(UsageError(format!("{flag} takes no value"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Command, String> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args).map_err(|error| error.to_string())
    }

    fn serve(socket: &str, cluster: ClusterSource, realistic: bool) -> Command {
        Command::Serve(ServeArgs {
            socket: PathBuf::from(socket),
            cluster,
            realistic,
            restart_hook: None,
        })
    }

    #[test]
    fn serve_flags_parse() {
        assert_eq!(
            parse_line("serve --socket /s"),
            Ok(serve("/s", ClusterSource::Members(3), false))
        );
        assert_eq!(
            parse_line("serve --members=5 --socket /s --realistic"),
            Ok(serve("/s", ClusterSource::Members(5), true))
        );
        assert_eq!(
            parse_line("serve --cluster c.json --socket /s"),
            Ok(serve(
                "/s",
                ClusterSource::File(PathBuf::from("c.json")),
                false
            ))
        );
        assert_eq!(
            parse_line("serve --socket /s --restart-hook /lab/hook"),
            Ok(Command::Serve(ServeArgs {
                restart_hook: Some(PathBuf::from("/lab/hook")),
                ..ServeArgs {
                    socket: PathBuf::from("/s"),
                    cluster: ClusterSource::Members(3),
                    realistic: false,
                    restart_hook: None,
                }
            }))
        );
        assert_eq!(parse_line("--help"), Ok(Command::Help));
        assert_eq!(
            parse_line("describe --members 2"),
            Ok(Command::Describe { members: 2 })
        );
    }

    #[test]
    fn usage_errors_name_the_flag() {
        assert_eq!(
            parse_line("serve --socket /s --members 0").unwrap_err(),
            "--members accepts a whole number from 1 to 10000, got \"0\""
        );
        assert_eq!(
            parse_line("serve --socket /s --members 10001").unwrap_err(),
            "--members accepts a whole number from 1 to 10000, got \"10001\""
        );
        assert_eq!(
            parse_line("serve --port 1").unwrap_err(),
            "unknown flag --port for serve; accepted: --socket PATH, --members N, --cluster FILE.json, --realistic, --restart-hook PROGRAM"
        );
        assert_eq!(
            parse_line("serve").unwrap_err(),
            "serve needs --socket PATH"
        );
        assert_eq!(
            parse_line("serve --socket").unwrap_err(),
            "--socket needs a value: a socket path"
        );
        assert_eq!(
            parse_line("serve --socket /s --members 2 --cluster c.json").unwrap_err(),
            "--members and --cluster cannot be combined; pass one of them"
        );
        assert_eq!(
            parse_line("serve --socket /s --realistic=1").unwrap_err(),
            "--realistic takes no value"
        );
    }
}
