//! `microceph-orch`: the MicroCeph orchestrator's listings and apply as a command, talking to the MicroCeph daemon's socket without ceph-mgr.
//!
//! It serves when the mgr is down and for scripts, and it runs the same code as the ceph-mgr module `microceph`: the verbs, listings and messages of `orch-backend`.
//! Ceph's side (its maps, the specs the module stores) is read and written with the `ceph` command, when there is one (`ceph.rs`).
//! Its JSON output is what `ceph orch ... --format json` prints for the same data, byte for byte (`views.rs`, `pyjson.rs`).
//!
//! Architecture invariant: this crate decides nothing about placement and words no result of a verb; it reads arguments, files and `ceph`'s output, calls `orch-backend`, and prints.
//! It depends on `orch-backend` and `orch-core` only, never on the mgr module's binding or Python.
//!
//! Where to start: `commands.rs` for what each command does, `args.rs` for the command line.

mod args;
mod ceph;
mod ceph_spec;
mod commands;
mod error;
mod export;
mod process;
mod pyjson;
mod release;
mod spec_file;
mod status;
mod tables;
mod time;
mod views;

use std::io::Write as _;
use std::process::ExitCode;

use crate::args::{CEPH_VARIABLE, Environment, Parsed, SOCKET_VARIABLE};
use crate::commands::{Context, Output};
use crate::error::CliError;

fn main() -> ExitCode {
    let mut out = Output::default();
    let result = run(&mut out);
    let mut stdout = std::io::stdout().lock();
    if !out.stdout.is_empty() {
        let _ = writeln!(stdout, "{}", out.stdout);
    }
    let _ = stdout.flush();
    let mut stderr = std::io::stderr().lock();
    for note in &out.notes {
        let _ = writeln!(stderr, "{note}");
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if let Some(report) = error.report() {
                let _ = writeln!(stderr, "{report}");
            }
            ExitCode::from(error.exit_status())
        }
    }
}

fn run(out: &mut Output) -> Result<(), CliError> {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| {
            arg.into_string().map_err(|arg| {
                CliError::Usage(format!("the argument {} is not valid UTF-8", arg.display()))
            })
        })
        .collect::<Result<Vec<String>, CliError>>()?;
    let environment = Environment {
        socket: std::env::var(SOCKET_VARIABLE).ok(),
        ceph: std::env::var(CEPH_VARIABLE).ok(),
    };
    let (options, command) = match args::parse(&args, &environment)? {
        Parsed::Help => {
            args::help().trim_end().clone_into(&mut out.stdout);
            return Ok(());
        }
        Parsed::Run(options, command) => (options, command),
    };
    let context = Context::new(options)?;
    let mut stdin = std::io::stdin();
    orch_backend::guarded(|| Ok(commands::run(&context, &command, &mut stdin, out)))?
}
