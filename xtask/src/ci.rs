//! `cargo xtask ci`: every check CI runs, in the order that fails fastest.

use crate::process::{self, cargo};

pub(crate) fn run() -> anyhow::Result<()> {
    process::run(cargo().args(["fmt", "--all", "--check"]))?;
    process::run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "--deny",
        "warnings",
    ]))?;
    process::run(cargo().args(["test", "--workspace", "--locked"]))?;
    Ok(())
}
