//! The `fake-microceph` binary: parses the command line and runs the library's server until SIGTERM or SIGINT.
//!
//! All behaviour lives in the library; this file only prints, which library code never does.

use std::process::ExitCode;

use fake_microceph::cli::{self, ClusterSource, Command, ServeArgs, USAGE};
use fake_microceph::{Cluster, Options, Server};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(&args) {
        Ok(Command::Help) => print_stdout(USAGE),
        Ok(Command::Describe { members }) => {
            print_stdout(&Cluster::generate(members).to_json_pretty())
        }
        Ok(Command::Serve(serve_args)) => serve(&serve_args),
        Err(error) => {
            print_stderr(&format!("fake-microceph: {error}\n\n{USAGE}"));
            ExitCode::from(2)
        }
    }
}

fn serve(args: &ServeArgs) -> ExitCode {
    let cluster = match &args.cluster {
        ClusterSource::Members(count) => Cluster::generate(*count),
        ClusterSource::File(path) => match Cluster::load(path) {
            Ok(cluster) => cluster,
            Err(error) => return fail(&format!("cluster file {error}")),
        },
    };
    let options = Options {
        restart_hook: args.restart_hook.clone(),
        ..if args.realistic {
            Options::realistic()
        } else {
            Options::default()
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the tokio runtime: {error}")),
    };
    runtime.block_on(async {
        let member_count = cluster.members.len();
        let handle = match Server::start(&args.socket, cluster, options).await {
            Ok(handle) => handle,
            Err(error) => return fail(&error.to_string()),
        };
        print_stderr(&format!(
            "fake-microceph: serving {member_count} members on {}\n",
            args.socket.display()
        ));
        let waited = fake_microceph::wait_for_termination().await;
        handle.shutdown().await;
        match waited {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(&format!("cannot wait for signals: {error}")),
        }
    })
}

fn fail(message: &str) -> ExitCode {
    print_stderr(&format!("fake-microceph: {message}\n"));
    ExitCode::FAILURE
}

#[expect(
    clippy::print_stdout,
    reason = "the binary prints its usage and generated cluster descriptions"
)]
fn print_stdout(text: &str) -> ExitCode {
    print!("{text}");
    ExitCode::SUCCESS
}

#[expect(
    clippy::print_stderr,
    reason = "the binary reports its startup line and usage errors on stderr"
)]
fn print_stderr(text: &str) {
    eprint!("{text}");
}
