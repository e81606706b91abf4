//! Command-line flags of `cargo xtask`, parsed by hand to keep the crate free of dependencies.

pub(crate) const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci                 run every check CI runs: formatting, clippy, all tests
  demo [--members N] start fake-microceph and tour its API through microceph-client
  module --out DIR   build the extension and assemble the loadable mgr module in DIR/microceph/
  ceph-python [--pytest [--module-dir DIR] [-- PYTEST_ARGS...]]
                     fetch Ceph's Python (pacific, reef, tentacle) into the cache and print where;
                     --pytest also runs python-tests/ against each release (DIR holds microceph/)
  help               show this message";

/// A parsed `cargo xtask` invocation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Help,
    Ci,
    Demo(DemoFlags),
    Module(ModuleFlags),
    CephPython(CephPythonFlags),
}

/// Flags of `cargo xtask ceph-python`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct CephPythonFlags {
    /// Also run the pytest harness against every release.
    pub(crate) pytest: bool,
    /// The directory holding the real `microceph/` module package, for the harness.
    pub(crate) module_dir: Option<std::path::PathBuf>,
    /// Arguments after `--`, passed to pytest.
    pub(crate) pytest_args: Vec<String>,
}

/// Flags of `cargo xtask module`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ModuleFlags {
    pub(crate) out: std::path::PathBuf,
}

/// Flags of `cargo xtask demo`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DemoFlags {
    pub(crate) members: u32,
}

pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("missing command".to_owned());
    };
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "ci" => no_flags("ci", rest).map(|()| Command::Ci),
        "demo" => parse_demo(rest).map(Command::Demo),
        "module" => parse_module(rest).map(Command::Module),
        "ceph-python" => parse_ceph_python(rest).map(Command::CephPython),
        other => Err(format!(
            "unknown command `{other}`; expected one of: ci, demo, module, ceph-python, help"
        )),
    }
}

fn no_flags(command: &str, rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(flag) => Err(format!("`{command}` takes no arguments, got `{flag}`")),
    }
}

fn parse_demo(rest: &[String]) -> Result<DemoFlags, String> {
    let mut flags = DemoFlags { members: 3 };
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--members" => {
                let value = args
                    .next()
                    .ok_or("`--members` needs a value: a whole number from 1 to 1000")?;
                flags.members = value
                    .parse()
                    .ok()
                    .filter(|members| (1..=1000).contains(members))
                    .ok_or_else(|| {
                        format!("`--members {value}`: expected a whole number from 1 to 1000")
                    })?;
            }
            other => {
                return Err(format!(
                    "`demo` does not take `{other}`; accepted: --members N"
                ));
            }
        }
    }
    Ok(flags)
}

fn parse_module(rest: &[String]) -> Result<ModuleFlags, String> {
    match rest {
        [flag, out] if flag == "--out" => Ok(ModuleFlags { out: out.into() }),
        _ => Err("`module` takes exactly `--out DIR`".to_owned()),
    }
}

fn parse_ceph_python(rest: &[String]) -> Result<CephPythonFlags, String> {
    let mut flags = CephPythonFlags::default();
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--pytest" => flags.pytest = true,
            "--module-dir" => {
                let dir = args.next().ok_or("`--module-dir` needs a directory")?;
                flags.module_dir = Some(dir.into());
            }
            "--" => flags.pytest_args = args.by_ref().cloned().collect(),
            other => {
                return Err(format!(
                    "`ceph-python` does not take `{other}`; accepted: --pytest, --module-dir DIR, -- PYTEST_ARGS"
                ));
            }
        }
    }
    if !flags.pytest && (flags.module_dir.is_some() || !flags.pytest_args.is_empty()) {
        return Err("`--module-dir` and pytest arguments need `--pytest`".to_owned());
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::{CephPythonFlags, Command, DemoFlags, parse};

    fn check(args: &[&str], expected: &Result<Command, String>) {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        assert_eq!(&parse(&args), expected);
    }

    #[test]
    fn commands_and_their_errors() {
        check(&["ci"], &Ok(Command::Ci));
        check(&["demo"], &Ok(Command::Demo(DemoFlags { members: 3 })));
        check(
            &["demo", "--members", "7"],
            &Ok(Command::Demo(DemoFlags { members: 7 })),
        );
        check(
            &["demo", "--members", "0"],
            &Err("`--members 0`: expected a whole number from 1 to 1000".to_owned()),
        );
        check(
            &["ci", "--fast"],
            &Err("`ci` takes no arguments, got `--fast`".to_owned()),
        );
        check(
            &["deploy"],
            &Err(
                "unknown command `deploy`; expected one of: ci, demo, module, ceph-python, help"
                    .to_owned(),
            ),
        );
        check(&[], &Err("missing command".to_owned()));
    }

    #[test]
    fn ceph_python_flags() {
        check(
            &["ceph-python"],
            &Ok(Command::CephPython(CephPythonFlags::default())),
        );
        check(
            &[
                "ceph-python",
                "--pytest",
                "--module-dir",
                "out",
                "--",
                "-k",
                "status",
            ],
            &Ok(Command::CephPython(CephPythonFlags {
                pytest: true,
                module_dir: Some("out".into()),
                pytest_args: vec!["-k".to_owned(), "status".to_owned()],
            })),
        );
        check(
            &["ceph-python", "--", "-x"],
            &Err("`--module-dir` and pytest arguments need `--pytest`".to_owned()),
        );
    }
}
