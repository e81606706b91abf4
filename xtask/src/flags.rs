//! Command-line flags of `cargo xtask`, parsed by hand to keep the crate free of dependencies.

pub(crate) const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci                 run every check CI runs: formatting, clippy, all tests
  demo [--members N] start fake-microceph and tour its API through microceph-client
  help               show this message";

/// A parsed `cargo xtask` invocation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Help,
    Ci,
    Demo(DemoFlags),
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
        other => Err(format!(
            "unknown command `{other}`; expected one of: ci, demo, help"
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

#[cfg(test)]
mod tests {
    use super::{Command, DemoFlags, parse};

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
            &Err("unknown command `deploy`; expected one of: ci, demo, help".to_owned()),
        );
        check(&[], &Err("missing command".to_owned()));
    }
}
