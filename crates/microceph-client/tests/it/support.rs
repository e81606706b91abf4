//! Shared helpers: envelopes in MicroCeph's exact shape, a wiremock server with one canned answer, and assertions on the recorded request.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use microceph_client::Client;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A sync success envelope around `metadata` (raw JSON), as MicroCeph writes it, trailing newline included.
pub(crate) fn success(metadata: &str) -> String {
    format!(
        r#"{{"type":"sync","status":"Success","status_code":200,"operation":"","error_code":0,"error":"","metadata":{metadata}}}"#
    ) + "\n"
}

/// An error envelope with `error_code` and `error` text, as MicroCeph writes it.
pub(crate) fn failure(error_code: u16, text: &str) -> String {
    let text = Value::from(text);
    format!(
        r#"{{"type":"error","status":"","status_code":0,"operation":"","error_code":{error_code},"error":{text},"metadata":null}}"#
    ) + "\n"
}

/// Starts a mock server that answers `verb path` with `status` and `body`, and a client pointed at it.
///
/// Any other method or path gets wiremock's default 404 with an empty body, which the client reports as a decode error, so a wrong route cannot pass unnoticed.
pub(crate) async fn serve(
    verb: &str,
    route: &str,
    status: u16,
    body: String,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::http(&server.uri()).expect("wiremock uri is a valid base url");
    (server, client)
}

/// The one request the server received.
pub(crate) async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request: {requests:?}"
    );
    requests.remove(0)
}

/// Asserts the method, the raw path and the raw query of a recorded request.
pub(crate) fn assert_line(
    request: &wiremock::Request,
    verb: &str,
    route: &str,
    query: Option<&str>,
) {
    assert_eq!(request.method.as_str(), verb);
    assert_eq!(request.url.path(), route);
    assert_eq!(request.url.query(), query);
}

/// Asserts that a recorded request's body is exactly this JSON.
pub(crate) fn assert_json_body(request: &wiremock::Request, expected: &Value) {
    let body: Value = request.body_json().expect("request body is json");
    assert_eq!(&body, expected);
    let content_type = request
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap());
    assert_eq!(content_type, Some("application/json"));
}

/// A fresh path in the temporary directory for a unix socket; nothing is created.
pub(crate) fn temp_socket_path(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("mcc-{}-{n}-{name}.sock", std::process::id()))
}
