//! The `fake-microceph` binary as a child process, and its control API spoken over a hand-written HTTP/1.1 exchange.
//!
//! The binary is built once per test process by running cargo with the test's own profile and target directory, then found next to the test executable; `FAKE_MICROCEPH_BIN` overrides both steps.
//! Each [`Fake`] runs one `fake-microceph serve` on a socket in a fresh temporary directory, waits until the socket accepts connections, and stops the process with SIGTERM when dropped.
//! The control API (`/fake/1.0/...`) never goes through `microceph_client::Client`, so the client under test cannot vouch for itself.

use std::ffi::OsString;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use microceph_client::Client;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

/// How long a fake may take to accept connections after it was spawned.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one control API exchange may take.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a fake may take to exit after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`eventually`] polls before giving up.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// The path of the `fake-microceph` binary, built on first use.
pub(crate) fn binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BINARY.get_or_init(locate_binary) {
        Ok(path) => path,
        Err(message) => panic!("{message}"),
    }
}

/// Honours `FAKE_MICROCEPH_BIN`, else builds the binary with cargo and returns where cargo put it.
fn locate_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("FAKE_MICROCEPH_BIN") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "FAKE_MICROCEPH_BIN={} is not a file",
                path.display()
            ))
        };
    }
    let exe = std::env::current_exe()
        .map_err(|err| format!("cannot locate the test executable: {err}"))?;
    // The test executable lives in `<target dir>/<profile dir>/deps/`.
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("unexpected test executable location {}", exe.display()))?;
    let target_dir = profile_dir
        .parent()
        .ok_or_else(|| format!("unexpected profile directory {}", profile_dir.display()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut build = Command::new(&cargo);
    build
        .args([
            "build",
            "--quiet",
            "-p",
            "fake-microceph",
            "--bin",
            "fake-microceph",
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null());
    match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") => {}
        Some("release") => {
            build.arg("--release");
        }
        Some(profile) => {
            build.args(["--profile", profile]);
        }
        None => {
            return Err(format!(
                "unexpected profile directory {}",
                profile_dir.display()
            ));
        }
    }
    let output = build
        .output()
        .map_err(|err| format!("cannot run {}: {err}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "building fake-microceph failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let binary = profile_dir.join("fake-microceph");
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "cargo built fake-microceph but {} does not exist",
            binary.display()
        ))
    }
}

/// A fresh, empty directory under the system's temporary directory.
pub(crate) fn fresh_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("mcc-contract-{}-{n}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).expect("remove a leftover temporary directory");
    }
    fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

/// One running `fake-microceph serve` process and its temporary directory.
#[derive(Debug)]
pub(crate) struct Fake {
    /// The process, until it is stopped.
    child: Option<Child>,
    /// The extra `serve` arguments, kept for [`Fake::restart`].
    args: Vec<String>,
    /// The temporary directory holding the socket and the fake's stderr.
    dir: PathBuf,
    /// The socket the fake serves on.
    socket: PathBuf,
}

/// A control API answer: the HTTP status and the whole envelope.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The response envelope.
    pub(crate) envelope: Value,
}

impl Fake {
    /// Starts the default cluster, `--members 3`.
    pub(crate) async fn start() -> Self {
        Self::start_with(&["--members", "3"]).await
    }

    /// Starts a fake with these extra `serve` arguments, for example `["--cluster", "file.json"]`.
    pub(crate) async fn start_with(args: &[&str]) -> Self {
        let dir = fresh_dir();
        let mut fake = Self {
            child: None,
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            socket: dir.join("control.socket"),
            dir,
        };
        fake.spawn().await;
        fake
    }

    /// The socket the fake serves on.
    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// A client for this fake with default timeouts.
    pub(crate) fn client(&self) -> Client {
        Client::unix(&self.socket)
    }

    /// Stops the fake with SIGTERM and waits for it to exit; it removes its socket file.
    pub(crate) fn terminate(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// Kills the fake with SIGKILL, as a crash would; its socket file stays behind with nobody listening.
    pub(crate) fn crash(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("kill the fake");
            child.wait().expect("reap the fake");
        }
    }

    /// Starts the fake again on the same socket, with the same arguments and a fresh cluster.
    pub(crate) async fn restart(&mut self) {
        self.terminate();
        self.spawn().await;
    }

    /// Spawns `fake-microceph serve` and waits until its socket accepts connections.
    async fn spawn(&mut self) {
        let stderr = File::create(self.stderr_path()).expect("create the fake's stderr file");
        let child = Command::new(binary())
            .arg("serve")
            .arg("--socket")
            .arg(&self.socket)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn fake-microceph");
        self.child = Some(child);
        let started = Instant::now();
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|child| child.try_wait().expect("poll the fake"))
            {
                self.child = None;
                panic!(
                    "fake-microceph {:?} exited with {status} before serving; stderr:\n{}",
                    self.args,
                    self.stderr()
                );
            }
            if UnixStream::connect(&self.socket).await.is_ok() {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "fake-microceph {:?} did not accept connections on {} within {START_TIMEOUT:?}; stderr:\n{}",
                self.args,
                self.socket.display(),
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn stderr_path(&self) -> PathBuf {
        self.dir.join("stderr.log")
    }

    /// What the fake wrote to stderr so far.
    pub(crate) fn stderr(&self) -> String {
        fs::read_to_string(self.stderr_path()).unwrap_or_default()
    }

    /// Sends one control API request and returns the answer, whatever its status.
    pub(crate) async fn control(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let body = body.map(Value::to_string).unwrap_or_default();
        let exchange = exchange(&self.socket, method, path, &body);
        let (status, body) = tokio::time::timeout(CONTROL_TIMEOUT, exchange)
            .await
            .unwrap_or_else(|_| panic!("{method} {path} took longer than {CONTROL_TIMEOUT:?}"));
        let envelope = serde_json::from_slice(&body).unwrap_or_else(|err| {
            panic!(
                "{method} {path}: the answer is not JSON ({err}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        Reply { status, envelope }
    }

    /// Sends one control API request, asserts it succeeded and returns its metadata.
    pub(crate) async fn control_ok(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let reply = self.control(method, path, body).await;
        assert_eq!(
            reply.status, 200,
            "{method} {path} failed: {}",
            reply.envelope
        );
        reply.envelope["metadata"].clone()
    }

    /// `GET /fake/1.0/state`: the whole cluster in the cluster file format.
    pub(crate) async fn state(&self) -> Value {
        self.control_ok("GET", "/fake/1.0/state", None).await
    }

    /// `GET /fake/1.0/requests`: every MicroCeph request received so far.
    pub(crate) async fn requests(&self) -> Vec<Value> {
        match self.control_ok("GET", "/fake/1.0/requests", None).await {
            Value::Array(records) => records,
            other => panic!("the request log is not an array: {other}"),
        }
    }

    /// `DELETE /fake/1.0/requests`.
    pub(crate) async fn clear_requests(&self) {
        self.control_ok("DELETE", "/fake/1.0/requests", None).await;
    }

    /// The one MicroCeph request received since the log was last cleared.
    pub(crate) async fn only_request(&self) -> Value {
        let mut records = self.requests().await;
        assert_eq!(
            records.len(),
            1,
            "expected exactly one request: {records:?}"
        );
        records.remove(0)
    }

    /// `GET /fake/1.0/log`: the daemon log lines.
    pub(crate) async fn log(&self) -> Vec<String> {
        serde_json::from_value(self.control_ok("GET", "/fake/1.0/log", None).await)
            .expect("the daemon log is a list of strings")
    }

    /// Polls the daemon log until it contains `line`.
    pub(crate) async fn wait_for_log_line(&self, line: &str) {
        let found = eventually(async || self.log().await.iter().any(|entry| entry == line)).await;
        assert!(
            found,
            "the daemon log never showed {line:?}: {:?}",
            self.log().await
        );
    }

    /// `PUT /fake/1.0/members/{name}` with a partial update such as `{"status": "UNREACHABLE"}`.
    pub(crate) async fn update_member(&self, name: &str, update: &Value) {
        self.control_ok("PUT", &format!("/fake/1.0/members/{name}"), Some(update))
            .await;
    }

    /// `PUT /fake/1.0/daemon` with a partial update such as `{"database": "offline"}`.
    pub(crate) async fn update_daemon(&self, update: &Value) {
        self.control_ok("PUT", "/fake/1.0/daemon", Some(update))
            .await;
    }

    /// `PUT /fake/1.0/timing` with a partial update such as `{"enable_duration_ms": 100}`.
    pub(crate) async fn update_timing(&self, update: &Value) {
        self.control_ok("PUT", "/fake/1.0/timing", Some(update))
            .await;
    }

    /// `POST /fake/1.0/faults`; returns the fault's id.
    pub(crate) async fn add_fault(&self, fault: &Value) -> u64 {
        let created = self
            .control_ok("POST", "/fake/1.0/faults", Some(fault))
            .await;
        created["id"].as_u64().expect("a fault id")
    }

    /// `GET /fake/1.0/faults`: the faults still pending.
    pub(crate) async fn faults(&self) -> Value {
        self.control_ok("GET", "/fake/1.0/faults", None).await
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.terminate();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Sends SIGTERM with `kill` and waits for the process, killing it if it does not exit in time.
fn terminate(child: &mut Child) {
    let signalled = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    let started = Instant::now();
    while signalled && started.elapsed() < STOP_TIMEOUT {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Polls `check` every few milliseconds until it holds or [`POLL_TIMEOUT`] passes; returns whether it held.
pub(crate) async fn eventually(check: impl AsyncFn() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < POLL_TIMEOUT {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// A request record as `GET /fake/1.0/requests` lists it.
pub(crate) fn record(
    method: &str,
    path: &str,
    query: &str,
    target: Option<&str>,
    body: &str,
) -> Value {
    json!({"method": method, "path": path, "query": query, "target": target, "body": body})
}

/// One HTTP/1.1 exchange on a fresh connection: the request with `Content-Length` and `Connection: close`, then the whole response.
async fn exchange(socket: &Path, method: &str, path: &str, body: &str) -> (u16, Vec<u8>) {
    let mut stream = UnixStream::connect(socket)
        .await
        .unwrap_or_else(|err| panic!("connect to {}: {err}", socket.display()));
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write the control request");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .expect("read the control response");
    parse_response(&raw)
}

/// Splits an HTTP/1.1 response into its status and its `Content-Length` body.
fn parse_response(raw: &[u8]) -> (u16, Vec<u8>) {
    let text = String::from_utf8_lossy(raw);
    let head_end = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("incomplete HTTP response: {text:?}"));
    let head = std::str::from_utf8(&raw[..head_end]).expect("the response head is text");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let mut content_length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.trim().parse::<usize>().ok();
        }
        assert!(
            !name.eq_ignore_ascii_case("transfer-encoding"),
            "the control API answers with Content-Length, not {line:?}"
        );
    }
    let body = &raw[head_end + 4..];
    let length = content_length.unwrap_or(body.len());
    assert!(body.len() >= length, "truncated HTTP response: {text:?}");
    (status, body[..length].to_vec())
}

/// The `(service, location)` pairs of a services listing, in order.
pub(crate) fn service_rows(
    services: &[microceph_client::ServiceInstance],
) -> Vec<(String, String)> {
    services
        .iter()
        .map(|row| (row.service.as_str().to_owned(), row.location.clone()))
        .collect()
}

/// The `(service, location)` pairs of the default three-member cluster: `mds`, `mgr` and `mon` on `node1` to `node3`.
pub(crate) fn default_rows() -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for member in ["node1", "node2", "node3"] {
        for service in ["mds", "mgr", "mon"] {
            rows.push((service.to_owned(), member.to_owned()));
        }
    }
    rows
}
