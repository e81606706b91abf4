//! `PUT /1.0/services/{name}`: body decoding, payloads, the pipeline's checks and the asynchronous mode.

use std::collections::BTreeSet;
use std::time::Duration;

use fake_microceph::{MemberUpdate, ServiceName, Timing};
use serde_json::json;

use crate::support::{Fake, enable_body, eventually};

const NFS_PREFIX: &str = "failed to populate the payload for nfs enablement: ";
const RGW_PREFIX: &str = "failed to populate the payload for rgw enablement: ";

fn nfs_payload(cluster_id: &str, extra: &serde_json::Value) -> String {
    let mut payload = json!({"cluster_id": cluster_id});
    if let (Some(map), Some(extra)) = (payload.as_object_mut(), extra.as_object()) {
        map.extend(extra.clone());
    }
    payload.to_string()
}

#[tokio::test]
async fn bodies_decode_like_go() {
    let fake = Fake::start().await;
    let path = "/1.0/services/rgw?target=node2";
    fake.put(path, "")
        .await
        .assert_error(500, "Failed to send request to target \"node2\": EOF");
    fake.put("/1.0/services/rgw", "")
        .await
        .assert_error(500, "EOF");
    fake.put("/1.0/services/rgw", "{\"name\":")
        .await
        .assert_error(500, "unexpected EOF");
    fake.put("/1.0/services/rgw", "{name}").await.assert_error(
        500,
        "invalid character 'n' looking for beginning of object key string",
    );
    fake.put("/1.0/services/rgw", r#"{"name":"rgw","bool":"yes"}"#)
        .await
        .assert_error(
            500,
            "json: cannot unmarshal string into Go struct field EnableService.bool of type bool",
        );
    fake.put("/1.0/services/rgw", "[]").await.assert_error(
        500,
        "json: cannot unmarshal array into Go value of type types.EnableService",
    );
    fake.put("/1.0/services/rgw", r#"{"name":"osd","bool":true}"#)
        .await
        .assert_error(500, "osd enablement is not supported");
    // Unsupported names are refused before the asynchronous dispatch too.
    fake.put("/1.0/services/rgw", r#"{"name":"nfs-foo"}"#)
        .await
        .assert_error(500, "nfs-foo enablement is not supported");
    fake.put("/1.0/services/rgw", "{}")
        .await
        .assert_error(500, " enablement is not supported");
}

#[tokio::test]
async fn the_body_name_decides_the_service_not_the_path() {
    let fake = Fake::start().await;
    fake.put(
        "/1.0/services/mgr?target=node2",
        r#"{"NAME":"rgw","Bool":true,"payload":"{}"}"#,
    )
    .await
    .assert_metadata("null");
    assert!(fake.has_service("rgw", "node2").await);
    assert!(fake.has_service("mgr", "node2").await);
    fake.put(
        "/1.0/services/cephfs-mirror?target=node3",
        &enable_body("rbd-mirror", true, ""),
    )
    .await
    .assert_metadata("null");
    assert!(fake.has_service("rbd-mirror", "node3").await);
    assert!(!fake.has_service("cephfs-mirror", "node3").await);
}

#[tokio::test]
async fn services_list_in_member_then_name_order_with_nfs_last() {
    let fake = Fake::start().await;
    let nfs = nfs_payload("foo-cluster", &json!({"v4_min_version": 1}));
    for (target, name, payload) in [
        ("node1", "rgw", "{}"),
        ("node2", "nfs", nfs.as_str()),
        ("node1", "nfs", nfs.as_str()),
        ("node1", "cephfs-mirror", ""),
    ] {
        fake.put(
            &format!("/1.0/services/{name}?target={target}"),
            &enable_body(name, true, payload),
        )
        .await
        .assert_metadata("null");
    }
    let reply = fake.get("/1.0/services").await;
    let rows: Vec<String> = reply
        .metadata()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            format!(
                "{} {} {} {}",
                row["service"], row["location"], row["group_id"], row["info"]
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            r#""cephfs-mirror" "node1" "" """#,
            r#""mds" "node1" "" """#,
            r#""mgr" "node1" "" """#,
            r#""mon" "node1" "" """#,
            r#""rgw" "node1" "" """#,
            r#""mds" "node2" "" """#,
            r#""mgr" "node2" "" """#,
            r#""mon" "node2" "" """#,
            r#""mds" "node3" "" """#,
            r#""mgr" "node3" "" """#,
            r#""mon" "node3" "" """#,
            r#""nfs" "node1" "foo-cluster" "{\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}""#,
            r#""nfs" "node2" "foo-cluster" "{\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}""#,
        ]
    );
    assert!(
        reply
            .body
            .contains(r#""info":"{\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}""#)
    );
}

#[tokio::test]
async fn hospitality_check_refuses_active_services() {
    let fake = Fake::start().await;
    fake.put("/1.0/services/mon?target=node2", &enable_body("mon", true, ""))
        .await
        .assert_error(
            500,
            "Failed to send request to target \"node2\": host failed hospitality check for mon enablement: mon service already active on host",
        );
    fake.put("/1.0/services/rgw", &enable_body("rgw", true, "{}"))
        .await
        .assert_success();
    fake.put("/1.0/services/rgw", &enable_body("rgw", true, "{}"))
        .await
        .assert_error(
            500,
            "host failed hospitality check for rgw enablement: rgw service already active on host",
        );
}

#[tokio::test]
async fn rgw_payload_errors() {
    let fake = Fake::start().await;
    let check = async |payload: &str, expected: &str| {
        fake.put("/1.0/services/rgw", &enable_body("rgw", true, payload))
            .await
            .assert_error(500, &format!("{RGW_PREFIX}{expected}"));
    };
    check("", "unexpected end of JSON input").await;
    check("{\"Port\":", "unexpected end of JSON input").await;
    check("{} {}", "invalid character '{' after top-level value").await;
    check(
        r#"{"Port":"80"}"#,
        "json: cannot unmarshal string into Go struct field RgwServicePlacement.Port of type int",
    )
    .await;
    check(
        r#"{"SSLCertificate":"not base64!","SSLPrivateKey":"a2V5"}"#,
        "failed to decode SSL certificate: illegal base64 data at input byte 3",
    )
    .await;
    check(
        r#"{"sslcertificate":"Y2VydA==","sslprivatekey":"a2V5="}"#,
        "failed to decode SSL private key: illegal base64 data at input byte 4",
    )
    .await;
    assert!(!fake.has_service("rgw", "node1").await);
    // Only one of the two SSL fields: SSL is silently skipped, so bad base64 does not matter.
    fake.put(
        "/1.0/services/rgw",
        &enable_body("rgw", true, r#"{"SSLCertificate":"!!"}"#),
    )
    .await
    .assert_success();
    assert_eq!(
        fake.control().log().last().unwrap(),
        "enabled rgw on node1 (port 80)"
    );
}

#[tokio::test]
async fn nfs_payload_errors() {
    let fake = Fake::start().await;
    let check = async |payload: &str, expected: &str| {
        fake.put(
            "/1.0/services/nfs?target=node3",
            &enable_body("nfs", true, payload),
        )
        .await
        .assert_error(
            500,
            &format!("Failed to send request to target \"node3\": {NFS_PREFIX}{expected}"),
        );
    };
    let regex = r"expected cluster_id to be valid (regex: '^[\w][\w.-]{1,61}[\w]$')";
    check("", "unexpected end of JSON input").await;
    check("{}", regex).await;
    check(&nfs_payload("a", &json!({})), regex).await;
    check(&nfs_payload("bad id", &json!({})), regex).await;
    check(
        &nfs_payload("foo", &json!({"v4_min_version": 3})),
        "expected v4_min_version '3' to be in the interval [0, 2]",
    )
    .await;
    check(
        &nfs_payload("foo", &json!({"v4_min_version": -1})),
        "json: cannot unmarshal number -1 into Go struct field NFSServicePlacement.v4_min_version of type uint",
    )
    .await;
    check(
        &nfs_payload("foo", &json!({"bind_address": "10.0.0.300"})),
        "bind_address '10.0.0.300' could not be parsed",
    )
    .await;
    check(
        &nfs_payload("foo", &json!({"bind_port": 49152})),
        "expected bind_port number '49152' to be in range [1-49151]",
    )
    .await;
    assert!(
        fake.service_rows()
            .await
            .iter()
            .all(|(service, _, _)| service != "nfs")
    );
}

#[tokio::test]
async fn nfs_groups_form_and_conflict() {
    let fake = Fake::start().await;
    let enable = async |target: &str, payload: String| {
        fake.put(
            &format!("/1.0/services/nfs?target={target}"),
            &enable_body("nfs", true, &payload),
        )
        .await
    };
    enable(
        "node1",
        nfs_payload(
            "foo",
            &json!({"v4_min_version": 1, "bind_address": "10.0.0.1", "bind_port": 2050}),
        ),
    )
    .await
    .assert_success();
    enable("node1", nfs_payload("bar", &json!({"bind_address": "10.0.0.1", "bind_port": 2050})))
        .await
        .assert_error(
            500,
            "host failed hospitality check for nfs enablement: address '10.0.0.1:2050' is currently in use.",
        );
    enable("node1", nfs_payload("bar", &json!({})))
        .await
        .assert_error(
            500,
            "host failed hospitality check for nfs enablement: nfs service already active on host",
        );
    enable("node2", nfs_payload("foo", &json!({"v4_min_version": 2})))
        .await
        .assert_error(
            500,
            "Failed to send request to target \"node2\": failed to add DB record for nfs: conflicting service group configurations",
        );
    enable("node2", nfs_payload("foo", &json!({"v4_min_version": 1})))
        .await
        .assert_success();
    let state = fake.control().cluster();
    assert_eq!(state.nfs_groups.len(), 1);
    assert_eq!(state.nfs_groups[0].members.len(), 2);
    assert_eq!(state.nfs_groups[0].members[1].bind_port, 2049);
}

#[tokio::test]
async fn services_that_fail_to_sustain_are_not_recorded() {
    let fake = Fake::start().await;
    fake.put(
        "/fake/1.0/members/node2",
        r#"{"failing_services": ["rgw", "cephfs-mirror"]}"#,
    )
    .await
    .assert_metadata("null");
    fake.put("/1.0/services/rgw?target=node2", &enable_body("rgw", true, "{}"))
        .await
        .assert_error(
            500,
            "Failed to send request to target \"node2\": rgw service unable to sustain on host: rgw service is not active",
        );
    assert!(!fake.has_service("rgw", "node2").await);
    fake.put(
        "/1.0/services/rgw?target=node3",
        &enable_body("rgw", true, "{}"),
    )
    .await
    .assert_success();
}

#[tokio::test]
async fn asynchronous_enables_answer_at_once_and_apply_later() {
    let fake = Fake::start().await;
    fake.control().set_timing(Timing {
        enable_duration: Duration::from_millis(300),
        ..Timing::default()
    });
    let reply = fake
        .put(
            "/1.0/services/rgw?target=node2",
            &enable_body("rgw", false, "{}"),
        )
        .await;
    reply.assert_metadata("null");
    assert!(
        !fake.has_service("rgw", "node2").await,
        "the row is the pipeline's last step"
    );
    eventually("rgw runs on node2", async || {
        fake.has_service("rgw", "node2").await
    })
    .await;
    // A bad payload is still 200 at once; the failure only reaches the log.
    fake.put(
        "/1.0/services/rgw?target=node3",
        r#"{"name":"rgw","payload":""}"#,
    )
    .await
    .assert_metadata("null");
    eventually("the failure is logged", async || {
        fake.control().log().contains(
            &"failed to enable rgw on node3: failed to populate the payload for rgw enablement: unexpected end of JSON input"
                .to_owned(),
        )
    })
    .await;
    assert!(!fake.has_service("rgw", "node3").await);
}

#[tokio::test]
async fn asynchronous_failures_to_sustain_reach_only_the_log() {
    let fake = Fake::start().await;
    fake.control()
        .update_member(
            "node3",
            MemberUpdate {
                failing_services: Some(BTreeSet::from([ServiceName::Mds, ServiceName::Rgw])),
                ..MemberUpdate::default()
            },
        )
        .unwrap();
    fake.put(
        "/1.0/services/rgw?target=node3",
        &enable_body("rgw", false, "{}"),
    )
    .await
    .assert_metadata("null");
    eventually("the failure is logged", async || {
        fake.get("/fake/1.0/log")
            .await
            .body
            .contains("failed to enable rgw on node3: rgw service unable to sustain on host: rgw service is not active")
    })
    .await;
    assert!(!fake.has_service("rgw", "node3").await);
    // A placed service that fails counts as inactive, so the hospitality check lets it through to the sustain check.
    fake.put("/1.0/services/mds?target=node3", &enable_body("mds", true, ""))
        .await
        .assert_error(
            500,
            "Failed to send request to target \"node3\": mds service unable to sustain on host: mds service is not active",
        );
}
