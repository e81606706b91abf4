//! Command-line flags of `cargo xtask`, parsed by hand to keep the crate free of dependencies.
//! Those of `lab` are in `flags/lab.rs`, those of `bench` in `flags/bench.rs`, those of `soak` in `flags/soak.rs`, those of `fuzz` in `flags/fuzz.rs`.

mod bench;
mod fuzz;
mod lab;
mod soak;

pub(crate) use bench::BenchFlags;
pub(crate) use fuzz::FuzzFlags;
pub(crate) use lab::{LabFlags, MgrAction, daemon_id};
pub(crate) use soak::SoakFlags;

pub(crate) const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci                 run every check CI runs: formatting, clippy, all tests
  docs               regenerate docs/'s generated files (only check them in CI), build the HTML
                     into target/xtask/docs/ with warnings as errors, and check spelling
  dist [--out DIR]   build the reproducible archive microceph-orch-<version>.tar.gz in DIR
                     (target/xtask/dist by default) and check it against the module the lab loads
  demo [--ceph RELEASE]
                     bring up the lab of RELEASE (tentacle by default), tour real `ceph orch`
                     commands with their output, and leave the lab running
  e2e --ceph RELEASE|all [--bless] [TRANSCRIPT...]
                     for each release: lab up, run the end-to-end transcripts of e2e/ (or the
                     named ones) with the real `ceph` CLI, lab down; --bless rewrites the expected
                     output of the release that ran (never in CI)
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
  lab mgr start --id NAME (--dir DIR | --ceph RELEASE)
                     start a further ceph-mgr named NAME in a running lab and wait until it is a
                     standby
  lab mgr stop --id NAME [--wait] (--dir DIR | --ceph RELEASE)
                     stop that mgr; --wait also waits until the mon has dropped it from the mgr map
  lab rss [--ceph RELEASE] [--members N] [--samples K] [--dir DIR]
                     measure ceph-mgr's memory with the microceph module enabled, disabled and
                     absent, in a lab of its own in DIR (the cache's labs/rss-RELEASE by default)
                     with N members (256), and print one JSON line; RELEASE is pacific by default
  lab on-restart --dir DIR MEMBER SERVICE
                     what the lab's fake-microceph runs after it restarts SERVICE on MEMBER: the
                     lab's own mon is restarted for real, and waited for until it is in quorum
  bench [--ceph RELEASE] [--smoke] [--no-rss] [--runs N] [--members LIST] [--module-dir DIR]...
        [--out FILE]
                     measure the module through Ceph's orchestrator Python (tentacle by default),
                     the Rust core and fake-microceph, on clusters of LIST members (default
                     3,16,64,256,1000); print one JSON line per case and a table; each DIR holds
                     another microceph/ package, measured on the same fake with ratios to ours;
                     unless --smoke or --no-rss, also the mgr's memory as `lab rss` measures it
  soak [--ops N] [--seed S] [--ceph RELEASE]
                     N mixed `ceph orch` operations (5000 by default) from several threads through
                     the real module and Ceph's orchestrator Python (tentacle by default) against
                     fake-microceph with random faults; then check that the cluster converges to
                     the stored specs and that threads, file descriptors and memory stay flat;
                     S replays a run's seed
  fuzz [--target NAME] [--seconds N]
                     run each fuzz target of fuzz/ (or only NAME: response, planner, spec_json) for
                     N seconds (60), installing cargo-fuzz into the cache; fails on any crash and
                     prints the input that caused it
  help               show this message";

/// A parsed `cargo xtask` invocation.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Command {
    Help,
    Ci,
    Docs,
    Dist(DistFlags),
    Demo(DemoFlags),
    E2e(E2eFlags),
    Module(ModuleFlags),
    CephPython(CephPythonFlags),
    Lab(LabFlags),
    Bench(BenchFlags),
    Soak(SoakFlags),
    Fuzz(FuzzFlags),
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

/// Flags of `cargo xtask dist`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct DistFlags {
    /// Where to write the archive; `target/xtask/dist` when not given.
    pub(crate) out: Option<std::path::PathBuf>,
}

/// Flags of `cargo xtask module`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ModuleFlags {
    pub(crate) out: std::path::PathBuf,
}

/// Flags of `cargo xtask demo`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DemoFlags {
    /// The release whose lab the demo tours.
    pub(crate) release: String,
}

/// Flags of `cargo xtask e2e`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct E2eFlags {
    /// The releases to run, oldest first.
    pub(crate) releases: Vec<String>,
    /// Rewrite the expected output of each release that runs.
    pub(crate) bless: bool,
    /// The transcripts to run, by file name with or without `.md`; every one when empty.
    pub(crate) transcripts: Vec<String>,
}

impl E2eFlags {
    /// Every transcript on every release, without blessing: what CI runs.
    pub(crate) fn every_release() -> Self {
        E2eFlags {
            releases: crate::ceph_python::RELEASES
                .iter()
                .map(|release| release.name.to_owned())
                .collect(),
            bless: false,
            transcripts: Vec::new(),
        }
    }
}

pub(crate) fn parse(args: &[String]) -> Result<Command, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err("missing command".to_owned());
    };
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "ci" => no_flags("ci", rest).map(|()| Command::Ci),
        "docs" => no_flags("docs", rest).map(|()| Command::Docs),
        "dist" => parse_dist(rest).map(Command::Dist),
        "demo" => parse_demo(rest).map(Command::Demo),
        "e2e" => parse_e2e(rest).map(Command::E2e),
        "module" => parse_module(rest).map(Command::Module),
        "ceph-python" => parse_ceph_python(rest).map(Command::CephPython),
        "lab" => lab::parse_lab(rest).map(Command::Lab),
        "bench" => bench::parse_bench(rest).map(Command::Bench),
        "soak" => soak::parse_soak(rest).map(Command::Soak),
        "fuzz" => fuzz::parse_fuzz(rest).map(Command::Fuzz),
        other => Err(format!(
            "unknown command `{other}`; expected one of: ci, docs, dist, demo, e2e, module, ceph-python, lab, bench, soak, fuzz, help"
        )),
    }
}

fn no_flags(command: &str, rest: &[String]) -> Result<(), String> {
    match rest.first() {
        None => Ok(()),
        Some(flag) => Err(format!("`{command}` takes no arguments, got `{flag}`")),
    }
}

/// The release MicroCeph ships newest, which the demo tours unless told otherwise.
const DEFAULT_DEMO_RELEASE: &str = "tentacle";

fn parse_demo(rest: &[String]) -> Result<DemoFlags, String> {
    match rest {
        [] => Ok(DemoFlags {
            release: DEFAULT_DEMO_RELEASE.to_owned(),
        }),
        [flag, name] if flag == "--ceph" => Ok(DemoFlags {
            release: release_name(name)?,
        }),
        _ => Err("`demo` takes only `--ceph RELEASE`".to_owned()),
    }
}

fn parse_e2e(rest: &[String]) -> Result<E2eFlags, String> {
    let (mut releases, mut bless, mut transcripts) = (None, false, Vec::new());
    let mut args = rest.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--ceph" => {
                let name = args
                    .next()
                    .ok_or("`--ceph` needs a release: pacific, reef, tentacle or all")?;
                releases = Some(if name == "all" {
                    E2eFlags::every_release().releases
                } else {
                    vec![
                        release_name(name)
                            .map_err(|error| error.replace(" or tentacle", ", tentacle or all"))?,
                    ]
                });
            }
            "--bless" => bless = true,
            other if other.starts_with('-') => {
                return Err(format!(
                    "`e2e` does not take `{other}`; accepted: --ceph RELEASE|all, --bless, TRANSCRIPT..."
                ));
            }
            transcript => transcripts.push(transcript.to_owned()),
        }
    }
    let releases = releases.ok_or("`e2e` needs `--ceph RELEASE` or `--ceph all`")?;
    Ok(E2eFlags {
        releases,
        bless,
        transcripts,
    })
}

/// `name` if it is a supported release.
fn release_name(name: &str) -> Result<String, String> {
    if crate::ceph_python::RELEASES
        .iter()
        .any(|known| known.name == name)
    {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "`--ceph {name}`: expected pacific, reef or tentacle"
        ))
    }
}

fn parse_dist(rest: &[String]) -> Result<DistFlags, String> {
    match rest {
        [] => Ok(DistFlags::default()),
        [flag, out] if flag == "--out" => Ok(DistFlags {
            out: Some(out.into()),
        }),
        _ => Err("`dist` takes only `--out DIR`".to_owned()),
    }
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
    use super::{
        BenchFlags, CephPythonFlags, Command, DemoFlags, DistFlags, E2eFlags, FuzzFlags, LabFlags,
        SoakFlags, parse,
    };

    fn check(args: &[&str], expected: &Result<Command, String>) {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        assert_eq!(&parse(&args), expected);
    }

    #[test]
    fn commands_and_their_errors() {
        check(&["ci"], &Ok(Command::Ci));
        check(
            &["demo"],
            &Ok(Command::Demo(DemoFlags {
                release: "tentacle".to_owned(),
            })),
        );
        check(
            &["demo", "--ceph", "reef"],
            &Ok(Command::Demo(DemoFlags {
                release: "reef".to_owned(),
            })),
        );
        check(
            &["demo", "--members", "7"],
            &Err("`demo` takes only `--ceph RELEASE`".to_owned()),
        );
        check(
            &["ci", "--fast"],
            &Err("`ci` takes no arguments, got `--fast`".to_owned()),
        );
        check(
            &["deploy"],
            &Err(
                "unknown command `deploy`; expected one of: ci, docs, dist, demo, e2e, module, ceph-python, lab, bench, soak, fuzz, help"
                    .to_owned(),
            ),
        );
        check(&[], &Err("missing command".to_owned()));
        check(
            &["lab", "down", "--ceph", "reef"],
            &Ok(Command::Lab(LabFlags::Down {
                release: Some("reef".to_owned()),
                dir: None,
            })),
        );
    }

    #[test]
    fn docs_and_dist_flags() {
        check(&["docs"], &Ok(Command::Docs));
        check(
            &["docs", "--open"],
            &Err("`docs` takes no arguments, got `--open`".to_owned()),
        );
        check(&["dist"], &Ok(Command::Dist(DistFlags::default())));
        check(
            &["dist", "--out", "out"],
            &Ok(Command::Dist(DistFlags {
                out: Some("out".into()),
            })),
        );
        check(
            &["dist", "--out"],
            &Err("`dist` takes only `--out DIR`".to_owned()),
        );
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
    fn soak_flags() {
        check(
            &["soak"],
            &Ok(Command::Soak(SoakFlags {
                release: "tentacle".to_owned(),
                ops: 5000,
                seed: None,
            })),
        );
        check(
            &["soak", "--ops", "300", "--seed", "42", "--ceph", "pacific"],
            &Ok(Command::Soak(SoakFlags {
                release: "pacific".to_owned(),
                ops: 300,
                seed: Some(42),
            })),
        );
        check(
            &["soak", "--ops", "10"],
            &Err("`--ops` takes a number of at least 40, got `10`".to_owned()),
        );
        check(
            &["soak", "--seed", "x"],
            &Err("`--seed` takes a number, got `x`".to_owned()),
        );
        check(
            &["soak", "--threads", "2"],
            &Err(
                "`soak` does not take `--threads`; accepted: --ops N, --seed S, --ceph RELEASE"
                    .to_owned(),
            ),
        );
    }

    #[test]
    fn bench_flags() {
        check(
            &["bench", "--smoke"],
            &Ok(Command::Bench(BenchFlags::smoke())),
        );
        check(
            &[
                "bench",
                "--ceph",
                "reef",
                "--members",
                "3,256",
                "--module-dir",
                "other",
                "--runs",
                "5",
                "--out",
                "bench.jsonl",
            ],
            &Ok(Command::Bench(BenchFlags {
                release: "reef".to_owned(),
                smoke: false,
                runs: Some(5),
                members: Some(vec![3, 256]),
                module_dirs: vec!["other".into()],
                out: Some("bench.jsonl".into()),
                rss: true,
            })),
        );
        check(
            &["bench", "--members", "3,0"],
            &Err("`--members` takes positive numbers, got `0`".to_owned()),
        );
        check(
            &["bench", "--fast"],
            &Err("`bench` does not take `--fast`; accepted: --ceph RELEASE, --smoke, --no-rss, --runs N, --members LIST, --module-dir DIR, --out FILE".to_owned()),
        );
    }

    #[test]
    fn fuzz_flags() {
        check(
            &["fuzz"],
            &Ok(Command::Fuzz(FuzzFlags {
                target: None,
                seconds: 60,
            })),
        );
        check(
            &["fuzz", "--seconds", "660", "--target", "planner"],
            &Ok(Command::Fuzz(FuzzFlags {
                target: Some("planner".to_owned()),
                seconds: 660,
            })),
        );
        check(
            &["fuzz", "--target", "yaml"],
            &Err("`--target yaml`: expected one of response, planner, spec_json".to_owned()),
        );
        check(
            &["fuzz", "--seconds", "0"],
            &Err("`--seconds` takes a positive number, got `0`".to_owned()),
        );
    }

    #[test]
    fn e2e_flags() {
        check(
            &["e2e", "--ceph", "all"],
            &Ok(Command::E2e(E2eFlags::every_release())),
        );
        check(
            &["e2e", "listings", "--bless", "--ceph", "reef", "apply.md"],
            &Ok(Command::E2e(E2eFlags {
                releases: vec!["reef".to_owned()],
                bless: true,
                transcripts: vec!["listings".to_owned(), "apply.md".to_owned()],
            })),
        );
        check(
            &["e2e", "--ceph", "quincy"],
            &Err("`--ceph quincy`: expected pacific, reef, tentacle or all".to_owned()),
        );
        check(
            &["e2e"],
            &Err("`e2e` needs `--ceph RELEASE` or `--ceph all`".to_owned()),
        );
        check(
            &["e2e", "--ceph", "all", "--keep"],
            &Err(
                "`e2e` does not take `--keep`; accepted: --ceph RELEASE|all, --bless, TRANSCRIPT..."
                    .to_owned(),
            ),
        );
    }
}
