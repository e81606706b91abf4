//! `DELETE /1.0/services/{name}`: the generic, RGW and NFS handlers and the monitor keep-one invariant.

use fake_microceph::{MemberStatus, MemberUpdate};

use crate::support::{Fake, enable_body};

#[tokio::test]
async fn generic_disables_answer_null_or_not_found() {
    let fake = Fake::start().await;
    fake.delete("/1.0/services/mgr?target=node2", "ignored body")
        .await
        .assert_metadata("null");
    assert!(!fake.has_service("mgr", "node2").await);
    fake.delete("/1.0/services/mgr?target=node2", "").await.assert_error(
        404,
        "Failed to send request to target \"node2\": failed to remove service \"mgr\" from database: \
         failed to remove service from db \"mgr\": Service not found",
    );
    for service in ["mds", "rbd-mirror", "cephfs-mirror"] {
        let expected = format!(
            "failed to remove service \"{service}\" from database: failed to remove service from db \"{service}\": Service not found"
        );
        let path = format!("/1.0/services/{service}");
        if service == "mds" {
            fake.delete(&path, "").await.assert_metadata("null");
        }
        fake.delete(&path, "").await.assert_error(404, &expected);
    }
    assert_eq!(
        fake.control().log().last().unwrap(),
        "failed to disable cephfs-mirror on node1: failed to remove service \"cephfs-mirror\" from database: failed to remove service from db \"cephfs-mirror\": Service not found"
    );
}

#[tokio::test]
async fn rgw_disable_answers_an_empty_object_or_not_found() {
    let fake = Fake::start().await;
    fake.delete("/1.0/services/rgw", "").await.assert_error(
        404,
        "failed to remove service from db \"rgw\": Service not found",
    );
    fake.put(
        "/1.0/services/rgw?target=node3",
        &enable_body("rgw", true, "{}"),
    )
    .await
    .assert_success();
    fake.delete("/1.0/services/rgw?target=node3", "")
        .await
        .assert_metadata("{}");
    assert!(!fake.has_service("rgw", "node3").await);
}

#[tokio::test]
async fn nfs_disable_needs_a_body_naming_a_group_on_the_member() {
    let fake = Fake::start().await;
    let payload = r#"{"cluster_id":"foo-cluster","v4_min_version":1}"#;
    for target in ["node1", "node2"] {
        fake.put(
            &format!("/1.0/services/nfs?target={target}"),
            &enable_body("nfs", true, payload),
        )
        .await
        .assert_success();
    }
    fake.delete("/1.0/services/nfs", "")
        .await
        .assert_error(500, "EOF");
    fake.delete("/1.0/services/nfs", "{")
        .await
        .assert_error(500, "unexpected EOF");
    fake.delete("/1.0/services/nfs", r#"{"cluster_id":7}"#).await.assert_error(
        500,
        "json: cannot unmarshal number into Go struct field NFSService.cluster_id of type string",
    );
    fake.delete("/1.0/services/nfs", r#"{"cluster_id":"x"}"#)
        .await
        .assert_error(
            500,
            r"expected cluster_id to be valid (regex: '^[\w][\w.-]{1,61}[\w]$')",
        );
    fake.delete("/1.0/services/nfs?target=node3", r#"{"cluster_id":"foo-cluster"}"#)
        .await
        .assert_error(
            500,
            "Failed to send request to target \"node3\": NFS service with ClusterID 'foo-cluster' not found on node 'node3'",
        );
    fake.delete("/1.0/services/nfs", r#"{"cluster_id":"other"}"#)
        .await
        .assert_error(
            500,
            "NFS service with ClusterID 'other' not found on node 'node1'",
        );
    fake.delete("/1.0/services/nfs", r#"{"cluster_id":"foo-cluster"}"#)
        .await
        .assert_metadata("{}");
    assert_eq!(fake.control().cluster().nfs_groups.len(), 1);
    fake.delete(
        "/1.0/services/nfs?target=node2",
        r#"{"Cluster_ID":"foo-cluster"}"#,
    )
    .await
    .assert_metadata("{}");
    assert!(
        fake.control().cluster().nfs_groups.is_empty(),
        "the group goes with its last member"
    );
    assert!(
        fake.service_rows()
            .await
            .iter()
            .all(|(service, _, _)| service != "nfs")
    );
}

#[tokio::test]
async fn monitors_keep_a_quorum() {
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
    // Removing node1 leaves a 2-monitor map that needs 2, but only node2 is online.
    fake.delete("/1.0/services/mon", "").await.assert_error(
        500,
        "failed to remove monitor membership \"node1\": keep-one invariant: refusing to remove monitor \"node1\": \
         1 remaining monitor(s) in quorum, need 2 for the resulting 2-monitor map",
    );
    assert!(fake.has_service("mon", "node1").await);
    fake.control()
        .update_member(
            "node3",
            MemberUpdate {
                status: Some(MemberStatus::Online),
                ..MemberUpdate::default()
            },
        )
        .unwrap();
    fake.delete("/1.0/services/mon", "")
        .await
        .assert_metadata("null");
    fake.delete("/1.0/services/mon?target=node2", "")
        .await
        .assert_metadata("null");
    fake.delete("/1.0/services/mon?target=node3", "").await.assert_error(
        500,
        "Failed to send request to target \"node3\": failed to remove monitor membership \"node3\": keep-one invariant: \
         refusing to remove monitor \"node3\": 0 remaining monitor(s) in quorum, need 1 for the resulting 0-monitor map",
    );
    // A member without a monitor passes the invariant and finds no row.
    fake.delete("/1.0/services/mon", "").await.assert_error(
        404,
        "failed to remove service \"mon\" from database: failed to remove service from db \"mon\": Service not found",
    );
    fake.get("/1.0/services/mon")
        .await
        .assert_metadata(r#"{"addresses":["10.0.0.3"]}"#);
}
