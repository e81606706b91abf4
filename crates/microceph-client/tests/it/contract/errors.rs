//! Every [`ErrorKind`] produced through the real fake, with MicroCeph's status codes and texts asserted verbatim.

use std::time::Duration;

use microceph_client::{
    Client, DisableRequest, EnableRequest, Error, ErrorKind, NfsParams, PlainService,
    RestartService, RgwParams, RgwSsl, Timeouts,
};
use serde_json::json;

use super::fake::{Fake, default_rows, fresh_dir, record, service_rows};

fn rgw() -> EnableRequest {
    EnableRequest::Rgw {
        params: RgwParams::default(),
        wait: true,
    }
}

fn nfs(cluster_id: &str) -> EnableRequest {
    EnableRequest::Nfs {
        params: NfsParams::new(cluster_id),
        wait: true,
    }
}

/// Asserts an API error's kind, HTTP status and MicroCeph text.
#[track_caller]
fn assert_api(err: &Error, kind: &ErrorKind, status: u16, message: &str) {
    assert_eq!(&err.kind(), kind, "{err}");
    assert_eq!(err.status(), Some(status), "{err}");
    assert_eq!(err.api_message(), Some(message), "{err}");
}

#[tokio::test]
async fn socket_missing() {
    let dir = fresh_dir();
    let client = Client::unix(dir.join("never-created.socket"));
    let err = client.services(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SocketMissing, "{err}");
    std::fs::remove_dir_all(&dir).unwrap();

    // A fake that stops cleanly removes its socket, as the daemon does.
    let mut fake = Fake::start().await;
    let client = fake.client();
    client.root().await.unwrap();
    fake.terminate();
    assert!(!fake.socket().exists());
    let err = client.root().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SocketMissing, "{err}");
    assert!(
        err.to_string()
            .contains(&fake.socket().display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn connection_refused_on_the_stale_socket_of_a_crashed_daemon() {
    let mut fake = Fake::start().await;
    let client = fake.client();
    client.root().await.unwrap();
    fake.crash();
    assert!(
        fake.socket().exists(),
        "a killed fake leaves its socket file behind"
    );
    let err = client.services(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");
    let err = client
        .enable_service(Some("node2"), &rgw())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused, "{err}");

    // A new daemon replaces the stale socket, and the same client works again.
    fake.restart().await;
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}

#[tokio::test]
async fn timeout_when_the_fake_answers_later_than_the_client_waits() {
    let fake = Fake::start().await;
    fake.add_fault(&json!({
        "method": "GET",
        "path": "/1.0/services",
        "action": {"kind": "delay", "ms": 2000}
    }))
    .await;
    let impatient = fake.client().with_timeouts(Timeouts {
        read: Duration::from_millis(200),
        ..Timeouts::default()
    });
    let err = impatient.services(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert_eq!(err.to_string(), "GET /1.0/services timed out after 200ms");
    assert_eq!(
        fake.only_request().await,
        record("GET", "/1.0/services", "", None, "")
    );
    // The fault is used up; the fake answers the next request at once.
    assert_eq!(fake.faults().await, json!([]));
    assert_eq!(impatient.services(None).await.unwrap().len(), 9);
}

#[tokio::test]
async fn not_initialized_while_the_database_is_not_open() {
    let fake = Fake::start().await;
    let client = fake.client();
    let cases = [
        ("not-initialized", "Database is not yet initialized"),
        ("starting", "Database is still starting"),
        ("offline", "Database is offline"),
    ];
    for (database, text) in cases {
        fake.update_daemon(&json!({"database": database})).await;
        let errors = [
            client.services(None).await.unwrap_err(),
            client.cluster_members().await.unwrap_err(),
            client.mon_addresses(None).await.unwrap_err(),
            client.disks(Some("node2")).await.unwrap_err(),
            client.resources(None).await.unwrap_err(),
            client
                .enable_service(Some("node2"), &rgw())
                .await
                .unwrap_err(),
            client
                .disable_service(None, &DisableRequest::Plain(PlainService::Mgr))
                .await
                .unwrap_err(),
            client
                .restart_services(None, &[RestartService::Mon])
                .await
                .unwrap_err(),
        ];
        for err in &errors {
            assert_api(err, &ErrorKind::NotInitialized, 503, text);
        }
        // `/`, `/core/1.0` and `/core/1.0/ready` answer before the database is open.
        assert_eq!(client.root().await.unwrap(), ["/1.0"]);
        let info = client.server_info().await.unwrap();
        assert!(!info.ready, "{database}");
        client.ready().await.unwrap();
    }
    assert_eq!(client.server_info().await.unwrap().address, "10.0.0.1:7443");
    fake.update_daemon(&json!({"database": "not-initialized"}))
        .await;
    assert_eq!(client.server_info().await.unwrap().address, "");
    fake.update_daemon(&json!({"database": "ready"})).await;
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}

#[tokio::test]
async fn unavailable_while_not_ready_or_shutting_down() {
    let fake = Fake::start().await;
    let client = fake.client();
    fake.update_daemon(&json!({"ready": false})).await;
    let err = client.ready().await.unwrap_err();
    assert_api(
        &err,
        &ErrorKind::Unavailable,
        503,
        "Daemon is not ready yet",
    );
    client.services(None).await.unwrap();

    fake.update_daemon(&json!({"ready": true, "shutting_down": true}))
        .await;
    let errors = [
        client.ready().await.unwrap_err(),
        client.server_info().await.unwrap_err(),
        client.cluster_members().await.unwrap_err(),
        client.services(None).await.unwrap_err(),
        client.enable_service(None, &rgw()).await.unwrap_err(),
    ];
    for err in &errors {
        assert_api(err, &ErrorKind::Unavailable, 503, "Daemon is shutting down");
    }
    assert_eq!(client.root().await.unwrap(), ["/1.0"]);
}

#[tokio::test]
async fn unknown_target() {
    let fake = Fake::start().await;
    let client = fake.client();
    let before = fake.state().await;
    let text = "Failed to get cluster member for request target name \"nosuch\": CoreClusterMember not found";
    let kind = ErrorKind::UnknownTarget {
        target: "nosuch".to_owned(),
    };
    let target = Some("nosuch");
    let errors = [
        client.services(target).await.unwrap_err(),
        client.enable_service(target, &rgw()).await.unwrap_err(),
        client
            .disable_service(target, &DisableRequest::Plain(PlainService::Mon))
            .await
            .unwrap_err(),
        client
            .restart_services(target, &[RestartService::Mon])
            .await
            .unwrap_err(),
        client.resources(target).await.unwrap_err(),
    ];
    for err in &errors {
        assert_api(err, &kind, 400, text);
    }
    assert_eq!(fake.state().await, before);
}

#[tokio::test]
async fn unreachable_target() {
    let fake = Fake::start().await;
    let client = fake.client();
    fake.update_member("node2", &json!({"status": "UNREACHABLE"}))
        .await;
    let before = fake.state().await;
    let node2 = Some("node2");
    let cases = [
        (
            client.enable_service(node2, &rgw()).await,
            "Put",
            "/1.0/services/rgw",
        ),
        (
            client.disable_service(node2, &DisableRequest::Rgw).await,
            "Delete",
            "/1.0/services/rgw",
        ),
        (
            client.restart_services(node2, &[RestartService::Mon]).await,
            "Post",
            "/1.0/services/restart",
        ),
        (
            client.services(node2).await.map(drop),
            "Get",
            "/1.0/services",
        ),
    ];
    let kind = ErrorKind::UnreachableTarget {
        target: "node2".to_owned(),
    };
    for (result, verb, path) in cases {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        assert_eq!(err.status(), Some(500));
        // Only the prefix is certain; the rest is Go's `url.Error` for the forwarded request.
        let message = err.api_message().unwrap();
        let cause = message
            .strip_prefix("Failed to send request to target \"node2\": ")
            .unwrap_or_else(|| panic!("{message}"));
        let url = format!("{verb} \"https://10.0.0.2:7443{path}?target=node2\": ");
        assert!(cause.starts_with(&url), "{message}");
    }
    assert_eq!(fake.state().await, before);
    // Other members are unaffected.
    client.enable_service(Some("node3"), &rgw()).await.unwrap();
}

#[tokio::test]
async fn already_active() {
    let fake = Fake::start().await;
    let client = fake.client();
    client.enable_service(Some("node2"), &rgw()).await.unwrap();
    let err = client
        .enable_service(Some("node2"), &rgw())
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::AlreadyActive,
        500,
        "Failed to send request to target \"node2\": host failed hospitality check for rgw enablement: rgw service already active on host",
    );

    // Locally, without the proxy's prefix.
    let mon = EnableRequest::Plain {
        service: PlainService::Mon,
        wait: true,
    };
    let err = client.enable_service(None, &mon).await.unwrap_err();
    assert_api(
        &err,
        &ErrorKind::AlreadyActive,
        500,
        "host failed hospitality check for mon enablement: mon service already active on host",
    );

    // NFS on the same member: another bind port reaches the "already active" check.
    client
        .enable_service(Some("node3"), &nfs("foo"))
        .await
        .unwrap();
    let other_port = EnableRequest::Nfs {
        params: NfsParams {
            bind_port: 12049,
            ..NfsParams::new("foo")
        },
        wait: true,
    };
    let err = client
        .enable_service(Some("node3"), &other_port)
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::AlreadyActive,
        500,
        "Failed to send request to target \"node3\": host failed hospitality check for nfs enablement: nfs service already active on host",
    );
    // The same address is reported as in use first, which is not recognised as "already active".
    let err = client
        .enable_service(Some("node3"), &nfs("foo"))
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::Other,
        500,
        "Failed to send request to target \"node3\": host failed hospitality check for nfs enablement: address '0.0.0.0:2049' is currently in use.",
    );
    let rows = service_rows(&client.services(None).await.unwrap());
    assert_eq!(rows.len(), 11, "{rows:?}");
}

#[tokio::test]
async fn not_found() {
    let fake = Fake::start().await;
    let client = fake.client();
    let before = fake.state().await;
    let err = client
        .disable_service(Some("node2"), &DisableRequest::Rgw)
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::NotFound,
        404,
        "Failed to send request to target \"node2\": failed to remove service from db \"rgw\": Service not found",
    );
    let err = client
        .disable_service(None, &DisableRequest::Plain(PlainService::RbdMirror))
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::NotFound,
        404,
        "failed to remove service \"rbd-mirror\" from database: failed to remove service from db \"rbd-mirror\": Service not found",
    );
    let unknown_cluster = DisableRequest::Nfs {
        cluster_id: "nope".to_owned(),
    };
    let err = client
        .disable_service(Some("node3"), &unknown_cluster)
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::NotFound,
        500,
        "Failed to send request to target \"node3\": NFS service with ClusterID 'nope' not found on node 'node3'",
    );
    assert_eq!(fake.state().await, before);
}

#[tokio::test]
async fn other_api_errors() {
    let fake = Fake::start().await;
    let client = fake.client();
    // `mgr` and `mds` pass validation but have no restart handler; the remote text keeps the proxy's prefix and is not "unreachable".
    let err = client
        .restart_services(Some("node2"), &[RestartService::Mgr])
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::Other,
        500,
        "Failed to send request to target \"node2\": no handler defined for service mgr",
    );
    // The local member's own name runs locally, without the prefix; entries before the failing one are restarted.
    let err = client
        .restart_services(Some("node1"), &[RestartService::Mon, RestartService::Mds])
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::Other,
        500,
        "no handler defined for service mds",
    );
    assert_eq!(
        fake.state().await["members"][0]["restarts"],
        json!({"mon": 1})
    );

    // Undecodable TLS material is reported by the payload step.
    let bad_ssl = EnableRequest::Rgw {
        params: RgwParams {
            port: 0,
            ssl: Some(RgwSsl {
                port: 443,
                certificate_base64: "not base64!".to_owned(),
                private_key_base64: "a2V5".to_owned(),
            }),
        },
        wait: true,
    };
    let err = client.enable_service(None, &bad_ssl).await.unwrap_err();
    assert_api(
        &err,
        &ErrorKind::Other,
        500,
        "failed to populate the payload for rgw enablement: failed to decode SSL certificate: illegal base64 data at input byte 3",
    );

    // Removing a monitor that the remaining quorum cannot spare.
    fake.update_member("node2", &json!({"status": "UNREACHABLE"}))
        .await;
    fake.update_member("node3", &json!({"status": "UNREACHABLE"}))
        .await;
    let err = client
        .disable_service(None, &DisableRequest::Plain(PlainService::Mon))
        .await
        .unwrap_err();
    assert_api(
        &err,
        &ErrorKind::Other,
        500,
        "failed to remove monitor membership \"node1\": keep-one invariant: refusing to remove monitor \"node1\": 0 remaining monitor(s) in quorum, need 2 for the resulting 2-monitor map",
    );
}

#[tokio::test]
async fn an_error_fault_is_kept_verbatim_and_classified_by_status_and_text() {
    let fake = Fake::start().await;
    let client = fake.client();
    // The error encoder escapes `<`, `>` and `&`; the client must hand back the original text.
    let text = "ceph said <no> & \"stop\"";
    fake.add_fault(&json!({
        "method": "PUT",
        "path": "/1.0/services/rgw",
        "target": "node2",
        "action": {"kind": "error", "status": 500, "error": text}
    }))
    .await;
    let err = client
        .enable_service(Some("node2"), &rgw())
        .await
        .unwrap_err();
    assert_api(&err, &ErrorKind::Other, 500, text);
    fake.add_fault(&json!({
        "path": "/1.0/disks",
        "action": {"kind": "error", "status": 503, "error": "Database is offline"}
    }))
    .await;
    let err = client.disks(None).await.unwrap_err();
    assert_api(&err, &ErrorKind::NotInitialized, 503, "Database is offline");
    // The faults replaced the handlers: nothing was enabled.
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error() {
    let fake = Fake::start().await;
    let client = fake.client();
    fake.add_fault(&json!({"path": "/1.0/services", "action": {"kind": "malformed"}}))
        .await;
    let err = client.services(None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other, "{err}");
    assert_eq!(err.status(), Some(200));
    let Error::Decode { excerpt, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(
        excerpt.starts_with(r#"{"type":"sync","status":"Success""#),
        "{excerpt}"
    );
    assert_eq!(client.services(None).await.unwrap().len(), 9);
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_and_the_fake_keeps_serving() {
    let fake = Fake::start().await;
    let client = fake.client();
    fake.add_fault(&json!({
        "method": "PUT",
        "path": "/1.0/services/rgw",
        "target": "node2",
        "action": {"kind": "drop"}
    }))
    .await;
    let err = client
        .enable_service(Some("node2"), &rgw())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other, "{err}");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(
        err.request().map(ToString::to_string).as_deref(),
        Some("PUT /1.0/services/rgw?target=node2")
    );
    // The request reached the fake, which dropped it instead of acting on it.
    assert_eq!(fake.requests().await.len(), 1);
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
    client.enable_service(Some("node2"), &rgw()).await.unwrap();
    let rows = service_rows(&client.services(None).await.unwrap());
    assert!(
        rows.contains(&("rgw".to_owned(), "node2".to_owned())),
        "{rows:?}"
    );
}
