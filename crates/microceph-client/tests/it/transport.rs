//! Transport behaviour: timeouts (including a stalled body), dropped and truncated connections, and the unix socket transport with its missing-socket and refused-connection errors.

use std::time::{Duration, Instant};

use microceph_client::{
    Client, EnableRequest, Error, ErrorKind, PlainService, RestartService, Timeouts,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::raw::{Behaviour, http_response, serve_tcp_once, serve_unix_once};
use crate::support::{success, temp_socket_path};

/// Short timeouts, so that each class can be exercised quickly; the classes differ so a test can tell which one applied.
fn short_timeouts() -> Timeouts {
    Timeouts {
        read: Duration::from_millis(200),
        enable_disable: Duration::from_millis(300),
        restart: Duration::from_millis(400),
    }
}

/// A wiremock server whose every answer is delayed by `delay`.
async fn slow_server(delay: Duration) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(success("null"), "application/json")
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    let client = Client::http(&server.uri())
        .unwrap()
        .with_timeouts(short_timeouts());
    (server, client)
}

#[test]
fn default_timeouts() {
    let timeouts = Timeouts::default();
    assert_eq!(timeouts.read, Duration::from_secs(15));
    assert_eq!(timeouts.enable_disable, Duration::from_secs(130));
    assert_eq!(timeouts.restart, Duration::from_mins(8));
    assert_eq!(Client::unix("/x").timeouts(), timeouts);
}

#[test]
fn client_is_cheap_to_share_across_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync_clone::<Client>();
    let client = Client::unix("/x");
    assert_send(&client.services(None));
}

#[tokio::test]
async fn slow_read_times_out_with_the_read_timeout() {
    let (_server, client) = slow_server(Duration::from_secs(5)).await;
    let started = Instant::now();
    let err = client.services(Some("node1")).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(
        err.to_string(),
        "GET /1.0/services?target=node1 timed out after 200ms"
    );
}

#[tokio::test]
async fn slow_enable_and_restart_use_their_own_timeouts() {
    let (_server, client) = slow_server(Duration::from_secs(5)).await;
    let enable = EnableRequest::Plain {
        service: PlainService::Mds,
        wait: true,
    };
    let err = client.enable_service(None, &enable).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(300)),
        "{err:?}"
    );
    let err = client
        .restart_services(None, &[RestartService::Mon])
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(400)),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_timeout_covers_reading_the_body() {
    // The head and part of the body arrive at once; the rest never does.
    let full = http_response(200, &success("[]"));
    let partial = full[..full.len() - 5].to_owned();
    let (base_url, _server) = serve_tcp_once(Behaviour::Stall(partial)).await;
    let client = Client::http(&base_url)
        .unwrap()
        .with_timeouts(short_timeouts());
    let err = client.disks(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let (base_url, server) = serve_tcp_once(Behaviour::Close).await;
    let client = Client::http(&base_url).unwrap();
    let enable = EnableRequest::Plain {
        service: PlainService::Mon,
        wait: true,
    };
    let err = client
        .enable_service(Some("node1"), &enable)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(
        err.to_string()
            .starts_with("PUT /1.0/services/mon?target=node1: "),
        "{err}"
    );
    // The request did reach the server once: nothing was retried.
    let request = server.await.unwrap();
    assert!(
        request.starts_with("PUT /1.0/services/mon?target=node1 HTTP/1.1\r\n"),
        "{request}"
    );
}

#[tokio::test]
async fn a_truncated_body_is_a_body_error() {
    let full = http_response(200, &success("[]"));
    let truncated = full[..full.len() - 5].to_owned();
    let (base_url, _server) = serve_tcp_once(Behaviour::Respond(truncated)).await;
    let client = Client::http(&base_url).unwrap();
    let err = client.disks(None).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseBody { status: 200, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_closed_tcp_port_is_connection_refused() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::http(&base_url).unwrap();
    let err = client.ready().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err:?}");
    assert!(err.to_string().contains(&base_url), "{err}");
}

#[tokio::test]
async fn a_missing_socket_is_socket_missing_and_named() {
    let path = temp_socket_path("missing");
    let client = Client::unix(&path);
    let err = client.services(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SocketMissing, "{err:?}");
    let checked = client.reachable().unwrap_err();
    assert_eq!(
        checked.to_string(),
        err.to_string(),
        "a connect alone says the same"
    );
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("snap services microceph.daemon"), "{text}");
}

#[tokio::test]
async fn a_socket_file_without_a_listener_is_connection_refused() {
    let path = temp_socket_path("refused");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let client = Client::unix(&path);
    let err = client.services(None).await.unwrap_err();
    let checked = client.reachable().unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err:?}");
    assert_eq!(
        checked.to_string(),
        err.to_string(),
        "a connect alone says the same"
    );
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn a_listening_socket_is_reachable() {
    let path = temp_socket_path("listening");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let reachable = Client::unix(&path).reachable();
    drop(listener);
    std::fs::remove_file(&path).unwrap();
    assert!(reachable.is_ok(), "{reachable:?}");
}

#[tokio::test]
async fn requests_travel_over_the_unix_socket() {
    let path = temp_socket_path("roundtrip");
    let response = http_response(
        200,
        &success(r#"[{"osd":1,"path":"/dev/sdb","location":"node1"}]"#),
    );
    let server = serve_unix_once(&path, Behaviour::Respond(response));
    let client = Client::unix(&path);
    let disks = client.disks(Some("node 1")).await;
    let request = server.await.unwrap();
    std::fs::remove_file(&path).unwrap();

    let disks = disks.unwrap();
    assert_eq!(disks[0].path, "/dev/sdb");
    assert!(
        request.starts_with("GET /1.0/disks?target=node%201 HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request
            .to_ascii_lowercase()
            .contains("\r\nhost: localhost\r\n"),
        "{request}"
    );
}
