//! Shared test support: a fake on a temporary socket and a small HTTP/1.1 client over unix sockets.
//!
//! The client is hyper's low-level connection API, one connection per request, so tests see exactly what the server wrote.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use fake_microceph::{Cluster, Control, Options, Server, ServerHandle};
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::UnixStream;

/// A directory under the system temporary directory, removed on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "fake-microceph-it-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).expect("temporary directory can be created");
        Self(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fake serving a cluster on a socket in its own temporary directory.
#[derive(Debug)]
pub(crate) struct Fake {
    handle: ServerHandle,
    _dir: TempDir,
}

/// An HTTP response, read completely.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Fake {
    /// The default three-member cluster with default options.
    pub(crate) async fn start() -> Self {
        Self::start_with(Cluster::generate(3), Options::default()).await
    }

    pub(crate) async fn start_with(cluster: Cluster, options: Options) -> Self {
        let dir = TempDir::new();
        let handle = Server::start(dir.path().join("control.socket"), cluster, options)
            .await
            .expect("the fake starts");
        Self { handle, _dir: dir }
    }

    pub(crate) fn control(&self) -> &Control {
        self.handle.control()
    }

    pub(crate) fn socket(&self) -> &Path {
        self.handle.socket_path()
    }

    pub(crate) async fn send(&self, method: &str, path: &str, body: &str) -> Reply {
        send(self.socket(), method, path, body)
            .await
            .unwrap_or_else(|error| panic!("{method} {path} failed: {error}"))
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, "").await
    }

    pub(crate) async fn put(&self, path: &str, body: &str) -> Reply {
        self.send("PUT", path, body).await
    }

    pub(crate) async fn delete(&self, path: &str, body: &str) -> Reply {
        self.send("DELETE", path, body).await
    }

    pub(crate) async fn post(&self, path: &str, body: &str) -> Reply {
        self.send("POST", path, body).await
    }

    /// The `(service, location, group_id)` triples of `GET /1.0/services`.
    pub(crate) async fn service_rows(&self) -> Vec<(String, String, String)> {
        let reply = self.get("/1.0/services").await;
        reply.assert_success();
        reply
            .metadata()
            .as_array()
            .expect("services metadata is an array")
            .iter()
            .map(|row| {
                (
                    row["service"].as_str().unwrap().to_owned(),
                    row["location"].as_str().unwrap().to_owned(),
                    row["group_id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// Whether `GET /1.0/services` lists `service` on `member`.
    pub(crate) async fn has_service(&self, service: &str, member: &str) -> bool {
        self.service_rows()
            .await
            .iter()
            .any(|(name, location, _)| name == service && location == member)
    }

    pub(crate) async fn shutdown(self) {
        self.handle.shutdown().await;
    }
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|error| panic!("body is not JSON ({error}): {}", self.body))
    }

    pub(crate) fn metadata(&self) -> Value {
        self.json()["metadata"].clone()
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    /// Asserts a sync success envelope with HTTP 200.
    #[track_caller]
    pub(crate) fn assert_success(&self) {
        assert_eq!(self.status, 200, "expected success, got {}", self.body);
        let json = self.json();
        assert_eq!(json["type"], "sync", "{}", self.body);
        assert_eq!(json["status_code"], 200);
        assert_eq!(json["error"], "");
    }

    /// Asserts a success envelope whose metadata is exactly `metadata` (as JSON text).
    #[track_caller]
    pub(crate) fn assert_metadata(&self, metadata: &str) {
        self.assert_success();
        let expected: Value = serde_json::from_str(metadata).unwrap();
        assert_eq!(self.metadata(), expected, "{}", self.body);
    }

    /// Asserts an error envelope with this HTTP status and exact error text.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: u16, error: &str) {
        assert_eq!(
            (
                self.status,
                self.json()["error"]
                    .as_str()
                    .unwrap_or("<not an error body>")
            ),
            (status, error),
            "{}",
            self.body
        );
        let json = self.json();
        assert_eq!(json["type"], "error");
        assert_eq!(json["error_code"], status);
        assert_eq!(json["metadata"], Value::Null);
        assert_eq!(self.header("x-content-type-options"), Some("nosniff"));
    }
}

/// Sends one request on a new connection and reads the whole response.
pub(crate) async fn send(
    socket: &Path,
    method: &str,
    path: &str,
    body: &str,
) -> Result<Reply, String> {
    let stream = UnixStream::connect(socket)
        .await
        .map_err(|error| error.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| error.to_string())?;
    tokio::spawn(connection);
    let request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost")
        .body(Full::new(Bytes::from(body.to_owned())))
        .map_err(|error| error.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Polls `condition` every 10 ms for up to five seconds.
pub(crate) async fn eventually(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    for _ in 0..500 {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// An enable body.
pub(crate) fn enable_body(name: &str, wait: bool, payload: &str) -> String {
    serde_json::json!({"name": name, "bool": wait, "payload": payload}).to_string()
}
