//! microcluster's router: 404 for unknown paths, 501 and 404 for methods, 503 for the daemon state, in that order.

use fake_microceph::{Cluster, DaemonState, DaemonUpdate, DatabaseStatus, Options};

use crate::support::Fake;

#[tokio::test]
async fn unknown_paths_are_not_found() {
    let fake = Fake::start().await;
    for path in [
        "/1.0/status",
        "/1.0/services/",
        "/1.0/services/osd",
        "/1.0/services/rg%77",
        "/1.0/services/..%2Fdisks",
        "/1.0/services/../disks",
        "/1.0/services/rgw/..",
        "/1.0/services%2Frgw",
        "/1.0/disks/",
        "/core/1.0/",
        "//1.0/services",
        "/1.0",
        "/fake",
    ] {
        fake.get(path).await.assert_error(404, "Not Found");
        fake.put(path, "{}").await.assert_error(404, "Not Found");
    }
}

#[tokio::test]
async fn known_routes_without_a_handler_are_not_implemented() {
    let fake = Fake::start().await;
    for (method, path) in [
        ("GET", "/1.0/services/rgw"),
        ("PUT", "/1.0/services"),
        ("PATCH", "/1.0/services/mon"),
        ("POST", "/1.0/services/mon"),
        ("GET", "/1.0/services/restart"),
        ("POST", "/1.0/disks"),
        ("DELETE", "/1.0/disks/3"),
        ("DELETE", "/1.0/disks/.."),
        ("DELETE", "/core/1.0/cluster/node2"),
        ("PUT", "/1.0/placement"),
        ("GET", "/1.0/client"),
        ("DELETE", "/1.0/microceph"),
        ("PATCH", "/1.0/ops"),
        ("POST", "/core/1.0"),
    ] {
        fake.send(method, path, "")
            .await
            .assert_error(501, "Not Implemented");
    }
}

#[tokio::test]
async fn other_methods_are_not_found_by_name() {
    let fake = Fake::start().await;
    let reply = fake.send("OPTIONS", "/1.0/services", "").await;
    reply.assert_error(404, "Method 'OPTIONS' not found");
    let reply = fake.send("FOO", "/1.0/services/rgw", "").await;
    reply.assert_error(404, "Method 'FOO' not found");
    // HEAD has no body on the wire, but the status and headers are the error's.
    let reply = fake.send("HEAD", "/1.0/services", "").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    let body = "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":404,\"error\":\"Method 'HEAD' not found\",\"metadata\":null}\n";
    assert_eq!(
        reply.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(reply.body, "");
    assert_eq!(
        fake.control()
            .requests()
            .last()
            .map(|record| record.method.clone()),
        Some("HEAD".to_owned())
    );
}

#[tokio::test]
async fn root_answers_every_method_whatever_the_state() {
    let fake = Fake::start().await;
    fake.control().update_daemon(DaemonUpdate {
        database: Some(DatabaseStatus::Offline),
        ready: Some(false),
        shutting_down: Some(true),
    });
    for method in ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "BREW"] {
        fake.send(method, "/", "junk")
            .await
            .assert_metadata(r#"["/1.0"]"#);
    }
}

#[tokio::test]
async fn database_states_gate_the_api_but_not_core_info() {
    let options = Options {
        daemon: DaemonState {
            database: DatabaseStatus::NotInitialized,
            ..DaemonState::default()
        },
        ..Options::default()
    };
    let fake = Fake::start_with(Cluster::generate(3), options).await;
    for path in [
        "/1.0/services",
        "/1.0/disks",
        "/1.0/resources",
        "/core/1.0/cluster",
    ] {
        fake.get(path)
            .await
            .assert_error(503, "Database is not yet initialized");
    }
    // The database check comes before the method check and the target check.
    fake.get("/1.0/services/rgw")
        .await
        .assert_error(503, "Database is not yet initialized");
    fake.get("/1.0/services?target=nobody")
        .await
        .assert_error(503, "Database is not yet initialized");
    fake.get("/1.0/ops")
        .await
        .assert_error(503, "Database is not yet initialized");
    fake.get("/core/1.0/ready").await.assert_metadata("{}");
    fake.get("/core/1.0").await.assert_metadata(
        r#"{"name":"node1","address":"","version":"19.2.1","ready":false,
            "extensions":["internal:runtime_extension_v1","internal:rename_core_endpoints"]}"#,
    );
    // But an unknown path is still 404, checked first.
    fake.get("/1.0/nothing")
        .await
        .assert_error(404, "Not Found");

    for (database, text) in [
        (DatabaseStatus::Starting, "Database is still starting"),
        (DatabaseStatus::Offline, "Database is offline"),
    ] {
        fake.control().update_daemon(DaemonUpdate {
            database: Some(database),
            ..DaemonUpdate::default()
        });
        fake.put("/1.0/services/mon", "")
            .await
            .assert_error(503, text);
        let info = fake.get("/core/1.0").await;
        assert_eq!(info.metadata()["address"], "10.0.0.1:7443");
        assert_eq!(info.metadata()["ready"], false);
    }
}

#[tokio::test]
async fn shutting_down_and_readiness() {
    let fake = Fake::start().await;
    fake.get("/core/1.0/ready").await.assert_metadata("{}");
    fake.control().update_daemon(DaemonUpdate {
        ready: Some(false),
        ..DaemonUpdate::default()
    });
    fake.get("/core/1.0/ready")
        .await
        .assert_error(503, "Daemon is not ready yet");
    fake.get("/1.0/services").await.assert_success();
    fake.control().update_daemon(DaemonUpdate {
        shutting_down: Some(true),
        ..DaemonUpdate::default()
    });
    for path in [
        "/core/1.0/ready",
        "/core/1.0",
        "/1.0/services",
        "/1.0/services/rgw",
    ] {
        fake.get(path)
            .await
            .assert_error(503, "Daemon is shutting down");
    }
    fake.get("/1.0/status").await.assert_error(404, "Not Found");
}

#[tokio::test]
async fn read_endpoints_report_the_cluster() {
    let fake = Fake::start().await;
    fake.get("/core/1.0").await.assert_metadata(
        r#"{"name":"node1","address":"10.0.0.1:7443","version":"19.2.1","ready":true,
            "extensions":["internal:runtime_extension_v1","internal:rename_core_endpoints"]}"#,
    );
    let members = fake.get("/core/1.0/cluster").await.metadata();
    let members = members.as_array().unwrap();
    assert_eq!(members.len(), 3);
    let first = members[0].as_object().unwrap();
    let keys: Vec<&str> = first.keys().map(String::as_str).collect();
    let mut expected = vec![
        "name",
        "address",
        "certificate",
        "role",
        "schema_internal_version",
        "schema_external_version",
        "last_heartbeat",
        "status",
        "extensions",
        "secret",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert!(
        first["certificate"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----\n")
    );
    assert_eq!(first["role"], "voter");
    assert_eq!(first["status"], "ONLINE");
    assert_eq!(first["schema_internal_version"], 7);
    assert_eq!(first["schema_external_version"], 14);
    assert!(first["last_heartbeat"].as_str().unwrap().ends_with('Z'));
    assert_eq!(first["secret"], "");

    let disks = fake.get("/1.0/disks").await.metadata();
    assert_eq!(disks[1]["osd"], 2);
    assert_eq!(disks[1]["location"], "node2");
    let resources = fake.get("/1.0/resources?target=node3").await.metadata();
    assert_eq!(resources["total"], 3);
    assert_eq!(
        resources["disks"][0]["device_id"],
        "scsi-0QEMU_QEMU_HARDDISK_node3-sdb"
    );
    assert_eq!(resources["disks"][0]["partitions"], serde_json::json!([]));
}
