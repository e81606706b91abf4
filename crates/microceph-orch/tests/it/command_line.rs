//! The command line itself: help, usage errors that name the bad argument and what is accepted, the environment variables, and a MicroCeph that is not there.

use crate::support::{Lab, run_command};

const HINT: &str = "run `microceph-orch --help` for the commands and options\n";

#[test]
fn help_lists_every_command_and_option() {
    for args in [&["--help"][..], &["help"], &["-h"], &["ls", "--help"]] {
        let run = run_command(args, "");
        assert_eq!((run.status, run.stderr.as_str()), (0, ""), "{args:?}");
        assert!(run.stdout.starts_with("microceph-orch: the MicroCeph orchestrator's listings and apply, without ceph-mgr\n\nusage: microceph-orch [OPTIONS] COMMAND [ARGS]\n"));
        for expected in [
            "  status\n",
            "  hosts\n",
            "  ls [SERVICE_TYPE] [--service-name NAME] [--export]\n",
            "  ps [HOST] [--service-name NAME] [--daemon-type TYPE] [--daemon-id ID]\n",
            "  devices [HOST...]\n",
            "  plan apply FILE\n",
            "  apply FILE\n",
            "  --socket PATH       MicroCeph's control socket (default: $MICROCEPH_ORCH_SOCKET, else /var/snap/microceph/common/state/control.socket)\n",
            "  --no-ceph ",
            "  --format FORMAT ",
            "  --timeout SECS ",
        ] {
            assert!(
                run.stdout.contains(expected),
                "help lacks {expected:?}:\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn usage_errors_name_the_argument_and_what_is_accepted() {
    for (args, message) in [
        (
            &[][..],
            "no command given; the commands are status, hosts, ls, ps, devices, plan apply, apply and help",
        ),
        (
            &["lss"],
            "unknown command 'lss'; the commands are status, hosts, ls, ps, devices, plan apply, apply and help",
        ),
        (
            &["ls", "--wide"],
            "unknown option '--wide' for ls; usage: microceph-orch ls [SERVICE_TYPE] [--service-name NAME] [--export]; global options: --socket, --ceph, --no-ceph, --format, --timeout",
        ),
        (
            &["hosts", "--export"],
            "unknown option '--export' for hosts; usage: microceph-orch hosts; global options: --socket, --ceph, --no-ceph, --format, --timeout",
        ),
        (
            &["--format", "yaml", "ls"],
            "--format 'yaml' is not one of plain, json, json-pretty",
        ),
        (
            &["--timeout", "0", "ls"],
            "--timeout '0' is not a number of seconds above 0 and at most 86400",
        ),
        (
            &["ls", "--format"],
            "option --format needs a value: plain, json or json-pretty",
        ),
        (
            &["ps", "--service-name"],
            "option --service-name needs a value: a name",
        ),
        (
            &["ls", "mon", "mgr"],
            "unexpected argument 'mgr'; usage: microceph-orch ls [SERVICE_TYPE] [--service-name NAME] [--export]",
        ),
        (
            &["hosts", "node1"],
            "unexpected argument 'node1'; usage: microceph-orch hosts",
        ),
        (
            &["apply"],
            "a spec file is needed: microceph-orch apply FILE (`-` reads standard input)",
        ),
        (
            &["apply", "a.yaml", "b.yaml"],
            "unexpected argument 'b.yaml'; usage: microceph-orch apply FILE",
        ),
        (
            &["plan", "a.yaml"],
            "plan takes the command apply and a spec file: microceph-orch plan apply FILE",
        ),
        (
            &["plan", "apply"],
            "a spec file is needed: microceph-orch plan apply FILE (`-` reads standard input)",
        ),
        (&["ls", "--export=yes"], "option --export takes no value"),
        (
            &["--ceph", "/usr/bin/ceph", "--no-ceph", "ls"],
            "give --ceph or --no-ceph, not both",
        ),
    ] {
        let run = run_command(args, "");
        assert_eq!(
            (run.status, run.stdout.as_str(), run.stderr),
            (2, "", format!("microceph-orch: {message}\n{HINT}")),
            "{args:?}"
        );
    }
}

#[test]
fn options_are_read_as_ceph_spells_them_and_from_the_environment() {
    let lab = Lab::start();
    let socket = lab.socket().display().to_string();
    let spelt = run_command(
        &[
            "--socket",
            &socket,
            "--no_ceph",
            "ps",
            "--daemon_type=mon",
            "node2",
        ],
        "",
    );
    assert_eq!(spelt.status, 0, "{}", spelt.stderr);
    assert_eq!(spelt.stdout.lines().count(), 2, "{}", spelt.stdout);
    let from_environment = std::process::Command::new(env!("CARGO_BIN_EXE_microceph-orch"))
        .args(["--format=json", "hosts"])
        .env("MICROCEPH_ORCH_SOCKET", &socket)
        .env("MICROCEPH_ORCH_CEPH", "/nonexistent/ceph")
        .output()
        .expect("the command runs");
    assert_eq!(from_environment.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&from_environment.stdout).starts_with("[{\"addr\": \"10.0.0.1\"")
    );
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_microceph-orch"))
        .args(["--timeout", "2", "status"])
        .env("MICROCEPH_ORCH_SOCKET", &socket)
        .env("MICROCEPH_ORCH_CEPH", "/nonexistent/ceph")
        .output()
        .expect("the command runs");
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        stdout.contains("Ceph: 0 of 9 commands read with /nonexistent/ceph\nCeph: cannot read quorum_status, mgr dump, fs dump, service dump, osd dump, mon metadata, mgr metadata, osd metadata, mds metadata: cannot run /nonexistent/ceph: No such file or directory (os error 2)\n"),
        "{stdout}"
    );
}

#[test]
fn a_microceph_that_is_not_there_is_said_with_its_errno() {
    let mut lab = Lab::start();
    lab.stop_microceph();
    let socket = lab.socket().display().to_string();
    let hosts = lab.run(&["hosts"]);
    assert_eq!(
        (hosts.status, hosts.stdout.as_str(), hosts.stderr),
        (
            2,
            "",
            format!(
                "Error ENOENT: cannot observe the MicroCeph cluster: microceph socket {socket} does not exist: is the microceph snap installed and its daemon running? (check `snap services microceph.daemon`)\n"
            )
        )
    );
    let status = lab.run(&["--no-ceph", "status"]);
    assert_eq!(
        (status.status, status.stdout, status.stderr.as_str()),
        (
            11,
            format!(
                "MicroCeph: not available on {socket}: microceph socket {socket} does not exist: is the microceph snap installed and its daemon running? (check `snap services microceph.daemon`)\nCeph: not read (--no-ceph): daemon statuses are unknown and applied specs are not stored\nStored specs: not read (--no-ceph)\n"
            ),
            ""
        ),
        "EAGAIN, as `ceph microceph status` says it"
    );
    let applied = lab.run_with_input(
        &["apply", "-"],
        "service_type: mgr\nplacement:\n  count: 1\n",
    );
    assert_eq!(applied.status, 2, "{}", applied.stderr);
    assert!(
        applied
            .stderr
            .starts_with("Error ENOENT: cannot observe the MicroCeph cluster: microceph socket "),
        "{}",
        applied.stderr
    );
    assert!(lab.stored().is_empty());
}
