//! `?target=` forwarding: local names, unknown and unreachable members, remote errors and successes.

use fake_microceph::{MemberStatus, MemberUpdate};

use crate::support::{Fake, enable_body};

const UNREACHABLE_NODE3: &str = "Failed to send request to target \"node3\": Put \"https://10.0.0.3:7443/1.0/services/rgw?target=node3\": \
     Unable to connect to \"10.0.0.3:7443\": dial tcp 10.0.0.3:7443: connect: connection refused";

#[tokio::test]
async fn local_and_empty_targets_run_locally() {
    let fake = Fake::start().await;
    for query in [
        "",
        "?target=",
        "?target=node1",
        "?target=node2;x",
        "?target=%zz",
        "?x=1",
    ] {
        let reply = fake.get(&format!("/1.0/resources{query}")).await;
        assert_eq!(
            reply.metadata()["disks"][0]["serial"],
            "node1-sdb",
            "query {query}"
        );
    }
    let reply = fake.get("/1.0/resources?target=node2&target=node3").await;
    assert_eq!(reply.metadata()["disks"][0]["serial"], "node2-sdb");
}

#[tokio::test]
async fn unknown_targets_are_bad_requests() {
    let fake = Fake::start().await;
    fake.get("/1.0/services?target=node9").await.assert_error(
        400,
        "Failed to get cluster member for request target name \"node9\": CoreClusterMember not found",
    );
    fake.get("/1.0/disks?target=node%2F2").await.assert_error(
        400,
        "Failed to get cluster member for request target name \"node/2\": CoreClusterMember not found",
    );
    fake.get("/1.0/disks?target=node+2").await.assert_error(
        400,
        "Failed to get cluster member for request target name \"node 2\": CoreClusterMember not found",
    );
    fake.get("/1.0/disks?target=Node1").await.assert_error(
        400,
        "Failed to get cluster member for request target name \"Node1\": CoreClusterMember not found",
    );
    fake.get("/1.0/disks?target=%22q%22").await.assert_error(
        400,
        "Failed to get cluster member for request target name \"\\\"q\\\"\": CoreClusterMember not found",
    );
}

#[tokio::test]
async fn core_routes_ignore_targets() {
    let fake = Fake::start().await;
    fake.get("/core/1.0?target=nobody").await.assert_success();
    fake.get("/core/1.0/cluster?target=nobody")
        .await
        .assert_success();
    fake.get("/core/1.0/ready?target=nobody")
        .await
        .assert_metadata("{}");
}

#[tokio::test]
async fn unreachable_members_fail_to_connect() {
    let fake = Fake::start().await;
    fake.control()
        .update_member(
            "node3",
            MemberUpdate {
                status: Some(MemberStatus::Unreachable),
                ..MemberUpdate::default()
            },
        )
        .unwrap();
    let reply = fake
        .put(
            "/1.0/services/rgw?target=node3",
            &enable_body("rgw", true, "{}"),
        )
        .await;
    reply.assert_error(500, UNREACHABLE_NODE3);
    fake.get("/1.0/services?target=node3&x=%41").await.assert_error(
        500,
        "Failed to send request to target \"node3\": Get \"https://10.0.0.3:7443/1.0/services?target=node3&x=%41\": \
         Unable to connect to \"10.0.0.3:7443\": dial tcp 10.0.0.3:7443: connect: connection refused",
    );
    fake.delete("/1.0/services/mgr?target=node3", "").await.assert_error(
        500,
        "Failed to send request to target \"node3\": Delete \"https://10.0.0.3:7443/1.0/services/mgr?target=node3\": \
         Unable to connect to \"10.0.0.3:7443\": dial tcp 10.0.0.3:7443: connect: connection refused",
    );
    fake.post("/1.0/services/restart?target=node3", "[]").await.assert_error(
        500,
        "Failed to send request to target \"node3\": Post \"https://10.0.0.3:7443/1.0/services/restart?target=node3\": \
         Unable to connect to \"10.0.0.3:7443\": dial tcp 10.0.0.3:7443: connect: connection refused",
    );
    assert!(!fake.has_service("rgw", "node3").await);
    let members = fake.get("/core/1.0/cluster").await.metadata();
    assert_eq!(members[2]["status"], "UNREACHABLE");
    // Untargeted requests still work, and other members still answer.
    fake.get("/1.0/services?target=node2")
        .await
        .assert_success();
}

#[tokio::test]
async fn remote_errors_keep_their_status_behind_a_prefix() {
    let fake = Fake::start().await;
    fake.delete("/1.0/services/rgw?target=node2", "").await.assert_error(
        404,
        "Failed to send request to target \"node2\": failed to remove service from db \"rgw\": Service not found",
    );
    fake.delete("/1.0/services/rbd-mirror?target=node2", "").await.assert_error(
        404,
        "Failed to send request to target \"node2\": failed to remove service \"rbd-mirror\" from database: \
         failed to remove service from db \"rbd-mirror\": Service not found",
    );
    fake.put("/1.0/services/mgr?target=node2", "")
        .await
        .assert_error(500, "Failed to send request to target \"node2\": EOF");
    // Router-level errors happen on the receiving member, before forwarding.
    fake.get("/1.0/services/rgw?target=node2")
        .await
        .assert_error(501, "Not Implemented");
}

#[tokio::test]
async fn remote_successes_are_rewrapped_verbatim() {
    let fake = Fake::start().await;
    let local = fake.get("/1.0/services").await;
    let remote = fake.get("/1.0/services?target=node3").await;
    assert_eq!(remote.body, local.body);
    let reply = fake
        .put(
            "/1.0/services/rgw?target=node2",
            &enable_body("rgw", true, "{}"),
        )
        .await;
    assert!(
        reply.body.ends_with("\"metadata\":null}\n"),
        "{}",
        reply.body
    );
    let reply = fake.delete("/1.0/services/rgw?target=node2", "").await;
    assert!(reply.body.ends_with("\"metadata\":{}}\n"), "{}", reply.body);
    let reply = fake.get("/1.0/resources?target=node2").await;
    assert_eq!(reply.metadata()["disks"][0]["serial"], "node2-sdb");
}

#[tokio::test]
async fn targets_are_recorded_decoded() {
    let fake = Fake::start().await;
    fake.get("/1.0/services?target=node%32")
        .await
        .assert_success();
    fake.get("/1.0/services?target=node2;")
        .await
        .assert_success();
    let requests = fake.control().requests();
    assert_eq!(requests[0].target.as_deref(), Some("node2"));
    assert_eq!(requests[0].query, "target=node%32");
    assert_eq!(requests[1].target, None);
}
