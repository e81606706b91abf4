//! Scripted faults: errors, malformed bodies, dropped connections, delays, counts and target matching.

use std::time::{Duration, Instant};

use fake_microceph::{Fault, FaultAction};

use crate::support::{Fake, send};

fn fault(path: &str, action: FaultAction) -> Fault {
    Fault {
        method: None,
        path: path.to_owned(),
        target: None,
        count: 1,
        action,
    }
}

#[tokio::test]
async fn error_faults_replace_the_answer_and_are_consumed() {
    let fake = Fake::start().await;
    let reply = fake
        .post(
            "/fake/1.0/faults",
            r#"{"method":"put","path":"/1.0/services/rgw","count":2,
                "action":{"kind":"error","status":409,"error":"busy"}}"#,
        )
        .await;
    reply.assert_metadata(r#"{"id":1}"#);
    let pending = fake.get("/fake/1.0/faults").await;
    pending.assert_metadata(
        r#"[{"id":1,"method":"PUT","path":"/1.0/services/rgw","target":null,"count":2,
             "action":{"kind":"error","status":409,"error":"busy"}}]"#,
    );
    // The method must match; GET is not affected.
    fake.get("/1.0/services/rgw")
        .await
        .assert_error(501, "Not Implemented");
    fake.put("/1.0/services/rgw", "")
        .await
        .assert_error(409, "busy");
    // The path matches after percent-decoding; the handler itself would answer 404 here.
    fake.put("/1.0/services/rg%77", "")
        .await
        .assert_error(409, "busy");
    fake.put("/1.0/services/rgw", "")
        .await
        .assert_error(500, "EOF");
    fake.get("/fake/1.0/faults").await.assert_metadata("[]");
    // Faulted requests are still recorded.
    assert_eq!(fake.control().requests().len(), 4);
}

#[tokio::test]
async fn malformed_faults_send_broken_json() {
    let fake = Fake::start().await;
    fake.control()
        .add_fault(fault("/1.0/services", FaultAction::Malformed));
    let reply = fake.get("/1.0/services").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        serde_json::from_str::<serde_json::Value>(&reply.body).is_err(),
        "{}",
        reply.body
    );
    fake.get("/1.0/services").await.assert_success();
}

#[tokio::test]
async fn drop_faults_close_the_connection_without_an_answer() {
    let fake = Fake::start().await;
    fake.control()
        .add_fault(fault("/1.0/disks", FaultAction::Drop));
    let result = send(fake.socket(), "GET", "/1.0/disks", "").await;
    assert!(
        result.is_err(),
        "expected a dropped connection, got {result:?}"
    );
    fake.get("/1.0/disks").await.assert_success();
}

#[tokio::test]
async fn delay_faults_wait_then_serve() {
    let fake = Fake::start().await;
    fake.control().add_fault(fault(
        "/1.0/disks",
        FaultAction::Delay(Duration::from_millis(200)),
    ));
    let started = Instant::now();
    fake.get("/1.0/disks").await.assert_success();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(fake.control().faults().is_empty());
}

#[tokio::test]
async fn target_matching_uses_the_effective_member() {
    let fake = Fake::start().await;
    let mut targeted = fault(
        "/1.0/services/rgw",
        FaultAction::Error {
            status: 500,
            message: "node2 is on fire".to_owned(),
        },
    );
    targeted.target = Some("node2".to_owned());
    fake.control().add_fault(targeted);
    let mut local = fault(
        "/1.0/resources",
        FaultAction::Error {
            status: 503,
            message: "local only".to_owned(),
        },
    );
    local.target = Some("node1".to_owned());
    fake.control().add_fault(local);

    fake.delete("/1.0/services/rgw?target=node3", "").await.assert_error(
        404,
        "Failed to send request to target \"node3\": failed to remove service from db \"rgw\": Service not found",
    );
    fake.delete("/1.0/services/rgw", "").await.assert_error(
        404,
        "failed to remove service from db \"rgw\": Service not found",
    );
    fake.delete("/1.0/services/rgw?target=node2", "")
        .await
        .assert_error(500, "node2 is on fire");

    fake.get("/1.0/resources?target=node2")
        .await
        .assert_success();
    fake.get("/1.0/resources?target=")
        .await
        .assert_error(503, "local only");
    assert!(fake.control().faults().is_empty());
}

#[tokio::test]
async fn fault_bodies_are_validated() {
    let fake = Fake::start().await;
    let check = async |body: &str, expected: &str| {
        fake.post("/fake/1.0/faults", body)
            .await
            .assert_error(400, expected);
    };
    check(
        r#"{"action":{"kind":"drop"}}"#,
        "path: missing required field",
    )
    .await;
    check(
        r#"{"path":"1.0/disks","action":{"kind":"drop"}}"#,
        r#"path: expected an absolute request path starting with '/', found "1.0/disks""#,
    )
    .await;
    check(r#"{"path":"/1.0/disks"}"#, "action: missing required field").await;
    check(
        r#"{"path":"/1.0/disks","action":{"kind":"explode"}}"#,
        r#"action.kind: expected one of error, malformed, drop, delay, found "explode""#,
    )
    .await;
    check(
        r#"{"path":"/1.0/disks","action":{"kind":"error","status":200,"error":"x"}}"#,
        "action.status: expected an HTTP error status from 400 to 599, found 200",
    )
    .await;
    check(
        r#"{"path":"/1.0/disks","action":{"kind":"delay"}}"#,
        "action.ms: missing required field",
    )
    .await;
    check(
        r#"{"path":"/1.0/disks","count":0,"action":{"kind":"drop"}}"#,
        "count: expected at least 1",
    )
    .await;
    check(
        r#"{"path":"/1.0/disks","count":"1","action":{"kind":"drop"}}"#,
        r#"count: expected a non-negative integer, found "1""#,
    )
    .await;
    assert!(fake.control().faults().is_empty());
    let id = fake
        .post(
            "/fake/1.0/faults",
            r#"{"path":"/1.0/disks","action":{"kind":"drop"}}"#,
        )
        .await
        .metadata()["id"]
        .as_u64()
        .unwrap();
    fake.delete(&format!("/fake/1.0/faults/{id}"), "")
        .await
        .assert_metadata("null");
    fake.delete(&format!("/fake/1.0/faults/{id}"), "")
        .await
        .assert_error(404, &format!("no pending fault with id {id}"));
    fake.post(
        "/fake/1.0/faults",
        r#"{"path":"/1.0/disks","action":{"kind":"drop"}}"#,
    )
    .await
    .assert_success();
    fake.delete("/fake/1.0/faults", "")
        .await
        .assert_metadata("null");
    fake.get("/1.0/disks").await.assert_success();
}
