//! Project automation, run as `cargo xtask <command>`.
//!
//! Each command lives in its own module with a `run` function; flag parsing is in `flags.rs`.
//! `cargo xtask ci` runs exactly what CI runs, and `.ci/run` calls nothing else.
//! This crate depends on none of the project's library crates: it drives them through `cargo`.

mod bench;
mod ceph_python;
mod ci;
mod demo;
mod dist;
mod docs;
mod e2e;
mod flags;
mod fuzz;
mod lab;
mod module;
mod process;
mod soak;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match flags::parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln_usage(&message);
            return ExitCode::from(2);
        }
    };
    let result = match command {
        flags::Command::Help => {
            eprintln_usage("");
            Ok(())
        }
        flags::Command::Ci => ci::run(),
        flags::Command::Docs => docs::run(),
        flags::Command::Dist(dist_flags) => dist::run(&dist_flags),
        flags::Command::Demo(demo_flags) => demo::run(&demo_flags),
        flags::Command::E2e(e2e_flags) => e2e::run(&e2e_flags),
        flags::Command::Module(module_flags) => module::run(&module_flags),
        flags::Command::CephPython(ceph_python_flags) => ceph_python::run(&ceph_python_flags),
        flags::Command::Lab(lab_flags) => lab::run(&lab_flags),
        flags::Command::Bench(bench_flags) => bench::run(&bench_flags),
        flags::Command::Soak(soak_flags) => soak::run(&soak_flags),
        flags::Command::Fuzz(fuzz_flags) => fuzz::run(&fuzz_flags),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report_error(&error);
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, found from this crate's manifest directory.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

#[expect(clippy::print_stderr, reason = "xtask reports to the terminal")]
fn eprintln_usage(message: &str) {
    if !message.is_empty() {
        eprintln!("error: {message}\n");
    }
    eprintln!("{}", flags::USAGE);
}

#[expect(clippy::print_stderr, reason = "xtask reports to the terminal")]
fn report_error(error: &anyhow::Error) {
    eprintln!("xtask: error: {error:#}");
}
