//! Running child processes with their command line echoed, so a CI log shows what ran.

use std::path::PathBuf;
use std::process::{Command, Output};

use anyhow::{Context, bail};

/// Runs `command` to completion, echoing it first, and fails if it exits unsuccessfully.
pub(crate) fn run(command: &mut Command) -> anyhow::Result<()> {
    echo(command);
    let status = command
        .status()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !status.success() {
        bail!("`{}` failed: {status}", describe(command));
    }
    Ok(())
}

/// Runs `command` to completion, echoing it first, and returns its output; fails with its standard error if it fails.
pub(crate) fn captured(command: &mut Command) -> anyhow::Result<Output> {
    echo(command);
    let output = command
        .output()
        .with_context(|| format!("could not start `{}`", describe(command)))?;
    if !output.status.success() {
        bail!(
            "`{}` failed: {}\n{}",
            describe(command),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(output)
}

/// A `cargo` command run from the workspace root.
pub(crate) fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(crate::project_root());
    command
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` when set, else `target/` in the workspace.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| crate::project_root().join("target"), PathBuf::from)
}

#[expect(clippy::print_stderr, reason = "xtask reports to the terminal")]
pub(crate) fn echo(command: &Command) {
    eprintln!("$ {}", describe(command));
}

fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}
