//! The control API over HTTP: state, members, timing, daemon switches, the request log and body validation.

use std::time::{Duration, Instant};

use fake_microceph::Cluster;

use crate::support::Fake;

#[tokio::test]
async fn state_reads_and_replaces_the_cluster() {
    let fake = Fake::start().await;
    let state = fake.get("/fake/1.0/state").await;
    state.assert_success();
    let metadata = state.metadata();
    assert_eq!(metadata["version"], 1);
    assert_eq!(metadata["local_member"], "node1");
    assert_eq!(
        Cluster::from_json(&metadata.to_string()).unwrap(),
        Cluster::generate(3)
    );

    let replacement = Cluster::generate(5).to_json();
    fake.put("/fake/1.0/state", &replacement)
        .await
        .assert_metadata("null");
    assert_eq!(
        fake.get("/core/1.0/cluster")
            .await
            .metadata()
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(fake.service_rows().await.len(), 9);

    fake.put("/fake/1.0/state", r#"{"version":2,"members":[]}"#)
        .await
        .assert_error(
            400,
            "version: unsupported cluster file version 2; this fake-microceph reads version 1",
        );
    fake.put("/fake/1.0/state", "nope")
        .await
        .assert_error(400, "body: invalid JSON: expected ident at line 1 column 2");
    assert_eq!(
        fake.control().cluster().members.len(),
        5,
        "a refused state changes nothing"
    );
}

#[tokio::test]
async fn members_update_partially() {
    let fake = Fake::start().await;
    fake.put("/fake/1.0/members/node2", r#"{"status":"NEEDS UPGRADE"}"#)
        .await
        .assert_metadata("null");
    fake.put("/fake/1.0/members/node2", r#"{"failing_services":["nfs"]}"#)
        .await
        .assert_metadata("null");
    let member = fake.control().cluster().members[1].clone();
    assert_eq!(member.status.as_str(), "NEEDS UPGRADE");
    assert_eq!(member.failing_services.len(), 1);
    assert_eq!(
        fake.get("/core/1.0/cluster").await.metadata()[1]["status"],
        "NEEDS UPGRADE"
    );
    // A member that needs an upgrade is still reachable.
    fake.get("/1.0/services?target=node2")
        .await
        .assert_success();

    fake.put("/fake/1.0/members/node9", "{}")
        .await
        .assert_error(404, "unknown member \"node9\"");
    fake.put("/fake/1.0/members/node2", r#"{"status":"DOWN"}"#).await.assert_error(
        400,
        r#"status: expected one of ONLINE, UNREACHABLE, UPGRADING, NEEDS UPGRADE, found "DOWN""#,
    );
    fake.put("/fake/1.0/members/node2", r#"{"failing_services":["osd"]}"#).await.assert_error(
        400,
        r#"failing_services[0]: expected one of mon, mgr, mds, nfs, rgw, rbd-mirror, cephfs-mirror, found "osd""#,
    );
    fake.put("/fake/1.0/members/node2", r#"{"state":"ONLINE"}"#)
        .await
        .assert_error(
            400,
            "state: unknown field (expected one of status, failing_services)",
        );
    fake.put("/fake/1.0/members/node2", "[]")
        .await
        .assert_error(400, "body: expected a JSON object, found an array");
}

#[tokio::test]
async fn block_devices_are_added_to_a_member() {
    let fake = Fake::start().await;
    fake.post(
        "/fake/1.0/members/node2/block-devices",
        r#"{"id":"sde","size":21474836480,"rpm":7200,"device_id":"wwn-0x5000c500000000e2"}"#,
    )
    .await
    .assert_metadata("null");
    let disks = fake.get("/1.0/resources?target=node2").await.metadata();
    let ids: Vec<&str> = disks["disks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|disk| disk["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sdb", "sdc", "sdd", "sde"]);
    assert_eq!(disks["total"], 4);
    fake.post("/fake/1.0/members/node2/block-devices", r#"{"id":"sde"}"#)
        .await
        .assert_error(400, "member \"node2\": duplicate block device id \"sde\"");
    fake.post("/fake/1.0/members/node9/block-devices", r#"{"id":"sde"}"#)
        .await
        .assert_error(404, "unknown member \"node9\"");
    fake.post("/fake/1.0/members/node2/block-devices", r#"{"size":1}"#)
        .await
        .assert_error(400, "id: missing required field");
}

#[tokio::test]
async fn timing_knobs_delay_requests() {
    let fake = Fake::start().await;
    fake.put("/fake/1.0/timing", r#"{"request_latency_ms":150}"#).await.assert_metadata(
        r#"{"request_latency_ms":150,"hop_latency_ms":0,"enable_duration_ms":0,"disable_duration_ms":0,"restart_duration_ms":0}"#,
    );
    let started = Instant::now();
    fake.get("/1.0/services").await.assert_success();
    assert!(started.elapsed() >= Duration::from_millis(150));
    // Control calls are never delayed.
    fake.put(
        "/fake/1.0/timing",
        r#"{"request_latency_ms":0,"hop_latency_ms":150,"restart_duration_ms":5}"#,
    )
    .await
    .assert_success();
    let started = Instant::now();
    fake.get("/1.0/services?target=node2")
        .await
        .assert_success();
    assert!(started.elapsed() >= Duration::from_millis(150));
    fake.get("/fake/1.0/timing").await.assert_metadata(
        r#"{"request_latency_ms":0,"hop_latency_ms":150,"enable_duration_ms":0,"disable_duration_ms":0,"restart_duration_ms":5}"#,
    );
    fake.put("/fake/1.0/timing", r#"{"hop_latency":1}"#).await.assert_error(
        400,
        "hop_latency: unknown field (expected one of request_latency_ms, hop_latency_ms, enable_duration_ms, disable_duration_ms, restart_duration_ms)",
    );
    fake.put("/fake/1.0/timing", r#"{"hop_latency_ms":-1}"#)
        .await
        .assert_error(
            400,
            "hop_latency_ms: expected a non-negative integer, found -1",
        );
}

#[tokio::test]
async fn daemon_switches() {
    let fake = Fake::start().await;
    fake.get("/fake/1.0/daemon")
        .await
        .assert_metadata(r#"{"database":"ready","ready":true,"shutting_down":false}"#);
    fake.put("/fake/1.0/daemon", r#"{"database":"not-initialized"}"#)
        .await
        .assert_metadata(r#"{"database":"not-initialized","ready":true,"shutting_down":false}"#);
    fake.get("/1.0/services")
        .await
        .assert_error(503, "Database is not yet initialized");
    // The control API itself is never gated.
    fake.get("/fake/1.0/state").await.assert_success();
    fake.put(
        "/fake/1.0/daemon",
        r#"{"database":"ready","shutting_down":true}"#,
    )
    .await
    .assert_success();
    fake.get("/1.0/services")
        .await
        .assert_error(503, "Daemon is shutting down");
    fake.put("/fake/1.0/daemon", r#"{"database":"broken"}"#).await.assert_error(
        400,
        r#"database: expected one of ready, not-initialized, starting, offline, found "broken""#,
    );
    fake.put("/fake/1.0/daemon", r#"{"ready":"yes"}"#)
        .await
        .assert_error(400, r#"ready: expected true or false, found "yes""#);
}

#[tokio::test]
async fn requests_and_log_are_recorded_and_cleared() {
    let fake = Fake::start().await;
    fake.put(
        "/1.0/services/rgw?target=node%32&x=1",
        r#"{"name":"rgw","bool":true,"payload":"{}"}"#,
    )
    .await
    .assert_success();
    fake.get("/1.0/nothing")
        .await
        .assert_error(404, "Not Found");
    let requests = fake.get("/fake/1.0/requests").await;
    requests.assert_metadata(
        r#"[{"method":"PUT","path":"/1.0/services/rgw","query":"target=node%32&x=1","target":"node2",
             "body":"{\"name\":\"rgw\",\"bool\":true,\"payload\":\"{}\"}"},
            {"method":"GET","path":"/1.0/nothing","query":"","target":null,"body":""}]"#,
    );
    fake.get("/fake/1.0/log")
        .await
        .assert_metadata(r#"["enabling rgw on node2","enabled rgw on node2 (port 80)"]"#);
    fake.delete("/fake/1.0/requests", "")
        .await
        .assert_metadata("null");
    fake.delete("/fake/1.0/log", "")
        .await
        .assert_metadata("null");
    fake.get("/fake/1.0/requests").await.assert_metadata("[]");
    fake.get("/fake/1.0/log").await.assert_metadata("[]");
}

#[tokio::test]
async fn unknown_control_routes() {
    let fake = Fake::start().await;
    fake.get("/fake/1.0/nothing")
        .await
        .assert_error(404, "Not Found");
    fake.post("/fake/1.0/state", "{}")
        .await
        .assert_error(405, "Method Not Allowed");
    fake.get("/fake/1.0/members/node1")
        .await
        .assert_error(405, "Method Not Allowed");
    assert!(fake.control().requests().is_empty());
}
