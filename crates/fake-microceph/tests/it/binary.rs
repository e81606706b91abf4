//! The server's lifecycle: the library's shutdown, the blocking server, and the `fake-microceph` binary with SIGTERM, socket reuse and usage errors.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use fake_microceph::{Cluster, Options, Server};

use crate::support::{Fake, TempDir, send};

const BINARY: &str = env!("CARGO_BIN_EXE_fake-microceph");

/// Starts `fake-microceph serve` and waits until its socket accepts connections.
fn serve(socket: &Path, extra: &[&str]) -> Running {
    let mut child = Command::new(BINARY)
        .args(["serve", "--socket"])
        .arg(socket)
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::os::unix::net::UnixStream::connect(socket).is_err() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("fake-microceph exited early with {status}");
        }
        assert!(
            Instant::now() < deadline,
            "fake-microceph did not serve within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Running(Some(child))
}

/// A served binary that is killed if a failing test never terminates it.
struct Running(Option<Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn terminate(mut running: Running) -> Output {
    let child = running.0.take().expect("a served binary is running");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    child.wait_with_output().expect("the binary exits")
}

fn run(args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn serves_three_members_and_removes_its_socket_on_sigterm() {
    let dir = TempDir::new();
    let socket = dir.path().join("control.socket");
    let child = serve(&socket, &["--members", "3"]);
    let reply = send(&socket, "GET", "/1.0/services", "").await.unwrap();
    assert_eq!(reply.status, 200);
    let json: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(json["metadata"].as_array().unwrap().len(), 9);
    let output = terminate(child);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "fake-microceph: serving 3 members on {}\n",
            socket.display()
        )
    );
    assert!(!socket.exists(), "the socket file is removed");
}

#[tokio::test]
async fn refuses_a_live_socket_and_replaces_a_stale_one() {
    let dir = TempDir::new();
    let socket = dir.path().join("control.socket");
    let child = serve(
        &socket,
        &[
            "--cluster",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/clusters/single.json"),
        ],
    );
    let second = run(&["serve", "--socket", socket.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&second.stderr),
        format!("fake-microceph: socket {} is in use\n", socket.display())
    );
    let output = terminate(child);
    assert!(String::from_utf8_lossy(&output.stderr).contains("serving 1 members"));

    // A socket file nobody listens on is stale and gets replaced.
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    assert!(socket.exists());
    let child = serve(&socket, &["--realistic"]);
    let reply = send(&socket, "GET", "/fake/1.0/timing", "").await.unwrap();
    assert!(
        reply.body.contains("\"enable_duration_ms\":10000"),
        "{}",
        reply.body
    );
    terminate(child);

    std::fs::write(&socket, "not a socket").unwrap();
    let refused = run(&["serve", "--socket", socket.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        format!(
            "fake-microceph: {} exists and is not a socket\n",
            socket.display()
        )
    );
}

#[test]
fn usage_errors_exit_with_status_two() {
    let output = run(&["serve", "--socket", "/tmp/x.socket", "--members", "10001"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("fake-microceph: --members accepts a whole number from 1 to 10000, got \"10001\"\n\nusage:"),
        "{stderr}"
    );
    let output = run(&["serve", "--bogus"]);
    assert_eq!(output.status.code(), Some(2));
    let help = run(&["--help"]);
    assert!(help.status.success());
    assert!(
        String::from_utf8_lossy(&help.stdout)
            .starts_with("usage:\n  fake-microceph serve --socket PATH")
    );
}

#[test]
fn bad_cluster_files_are_reported() {
    let dir = TempDir::new();
    let file = dir.path().join("cluster.json");
    std::fs::write(&file, r#"{"version": 7, "members": []}"#).unwrap();
    let output = run(&[
        "serve",
        "--socket",
        "/tmp/unused.socket",
        "--cluster",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "fake-microceph: cluster file {}: version: unsupported cluster file version 7; this fake-microceph reads version 1\n",
            file.display()
        )
    );
}

#[test]
fn describe_prints_the_generated_cluster() {
    let output = run(&["describe", "--members", "3"]);
    assert!(output.status.success());
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/clusters/three-nodes.json"
    ))
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

#[tokio::test]
async fn library_shutdown_removes_the_socket() {
    let fake = Fake::start().await;
    let socket = fake.socket().to_path_buf();
    assert!(socket.exists());
    fake.shutdown().await;
    assert!(!socket.exists());
    assert!(send(&socket, "GET", "/", "").await.is_err());
}

#[test]
fn blocking_servers_run_without_a_runtime() {
    let dir = TempDir::new();
    let socket = dir.path().join("blocking.socket");
    let server = Server::start_blocking(&socket, Cluster::generate(2), Options::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reply = runtime
        .block_on(send(&socket, "GET", "/1.0/services?target=node2", ""))
        .unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(server.control().requests().len(), 1);
    let second = Server::start_blocking(&socket, Cluster::generate(1), Options::default());
    assert_eq!(
        second.unwrap_err().to_string(),
        format!("socket {} is in use", socket.display())
    );
    server.shutdown();
    assert!(!socket.exists());
}
