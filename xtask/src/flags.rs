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
  lab up --ceph RELEASE [--members N] [--dir DIR]
                     start a real ceph-mon and ceph-mgr of RELEASE (pacific, reef, tentacle) running
                     the microceph module as orchestrator backend over fake-microceph with N members;
                     DIR defaults to the cache's labs/RELEASE
  lab down (--dir DIR | --ceph RELEASE)
                     stop a lab's processes and unmount what it mounted
  help               show this message";

/// A parsed `cargo xtask` invocation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Help,
    Ci,
    Demo(DemoFlags),
    Module(ModuleFlags),
    CephPython(CephPythonFlags),
    Lab(LabFlags),
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

/// Flags of `cargo xtask lab`; a release is one of the names in `ceph_python::RELEASES`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LabFlags {
    Up {
        release: String,
        members: u32,
        dir: Option<std::path::PathBuf>,
    },
    Down {
        release: Option<String>,
        dir: Option<std::path::PathBuf>,
    },
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
        "lab" => parse_lab(rest).map(Command::Lab),
        other => Err(format!(
            "unknown command `{other}`; expected one of: ci, demo, module, ceph-python, lab, help"
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

fn parse_lab(rest: &[String]) -> Result<LabFlags, String> {
    let (up, rest) = match rest.split_first() {
        Some((action, rest)) if action == "up" => (true, rest),
        Some((action, rest)) if action == "down" => (false, rest),
        _ => return Err("`lab` needs `up` or `down`".to_owned()),
    };
    let (mut release, mut members, mut dir) = (None, None, None);
    let mut args = rest.iter();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--ceph" => {
                let name = value()?;
                if !crate::ceph_python::RELEASES
                    .iter()
                    .any(|known| known.name == name)
                {
                    return Err(format!(
                        "`--ceph {name}`: expected pacific, reef or tentacle"
                    ));
                }
                release = Some(name.clone());
            }
            "--members" if up => {
                let value = value()?;
                members = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|members| (1..=1000).contains(members))
                        .ok_or_else(|| {
                            format!("`--members {value}`: expected a whole number from 1 to 1000")
                        })?,
                );
            }
            "--dir" => dir = Some(value()?.into()),
            other if up => {
                return Err(format!(
                    "`lab up` does not take `{other}`; accepted: --ceph RELEASE, --members N, --dir DIR"
                ));
            }
            other => {
                return Err(format!(
                    "`lab down` does not take `{other}`; accepted: --dir DIR, --ceph RELEASE"
                ));
            }
        }
    }
    if up {
        let release = release.ok_or("`lab up` needs `--ceph RELEASE`")?;
        Ok(LabFlags::Up {
            release,
            members: members.unwrap_or(3),
            dir,
        })
    } else if release.is_some() == dir.is_some() {
        Err("`lab down` needs one of `--dir DIR` and `--ceph RELEASE`".to_owned())
    } else {
        Ok(LabFlags::Down { release, dir })
    }
}

#[cfg(test)]
mod tests {
    use super::{CephPythonFlags, Command, DemoFlags, LabFlags, parse};

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
                "unknown command `deploy`; expected one of: ci, demo, module, ceph-python, lab, help"
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

    #[test]
    fn lab_flags() {
        check(
            &["lab", "up", "--ceph", "reef"],
            &Ok(Command::Lab(LabFlags::Up {
                release: "reef".to_owned(),
                members: 3,
                dir: None,
            })),
        );
        check(
            &[
                "lab",
                "up",
                "--members",
                "5",
                "--dir",
                "d",
                "--ceph",
                "pacific",
            ],
            &Ok(Command::Lab(LabFlags::Up {
                release: "pacific".to_owned(),
                members: 5,
                dir: Some("d".into()),
            })),
        );
        check(
            &["lab", "down", "--dir", "d"],
            &Ok(Command::Lab(LabFlags::Down {
                release: None,
                dir: Some("d".into()),
            })),
        );
        check(
            &["lab", "up", "--ceph", "quincy"],
            &Err("`--ceph quincy`: expected pacific, reef or tentacle".to_owned()),
        );
        check(
            &["lab", "up"],
            &Err("`lab up` needs `--ceph RELEASE`".to_owned()),
        );
        check(
            &["lab", "down", "--members", "2"],
            &Err(
                "`lab down` does not take `--members`; accepted: --dir DIR, --ceph RELEASE"
                    .to_owned(),
            ),
        );
        check(
            &["lab", "down"],
            &Err("`lab down` needs one of `--dir DIR` and `--ceph RELEASE`".to_owned()),
        );
        check(&["lab"], &Err("`lab` needs `up` or `down`".to_owned()));
    }
}
