//! A contract round trip: a mixed scenario applied through the client, then the fake's whole cluster state compared with the expected one.

use microceph_client::{
    DisableRequest, EnableRequest, NfsParams, PlainService, RestartService, RgwParams,
};
use serde_json::{Value, json};

use super::fake::{Fake, default_rows, record, service_rows};

fn rgw() -> EnableRequest {
    EnableRequest::Rgw {
        params: RgwParams::default(),
        wait: true,
    }
}

fn nfs_foo() -> EnableRequest {
    EnableRequest::Nfs {
        params: NfsParams::new("foo"),
        wait: true,
    }
}

fn pair(service: &str, location: &str) -> (String, String) {
    (service.to_owned(), location.to_owned())
}

/// The state after the scenario: `before` with exactly the changed parts replaced.
fn expected_after_scenario(before: &Value) -> Value {
    let mut expected = before.clone();
    expected["members"][0]["restarts"] = json!({"mon": 1});
    expected["members"][1]["services"] = json!(["mds", "mgr", "mon", "rgw"]);
    expected["members"][2]["services"] = json!(["mds", "mon"]);
    expected["nfs_groups"] = json!([{
        "cluster_id": "foo",
        "v4_min_version": 1,
        "members": [{"member": "node3", "bind_address": "0.0.0.0", "bind_port": 2049}]
    }]);
    expected
}

#[tokio::test]
async fn a_mixed_scenario_ends_in_exactly_the_expected_state() {
    let fake = Fake::start().await;
    let client = fake.client();
    let before = fake.state().await;

    client.enable_service(Some("node2"), &rgw()).await.unwrap();
    client
        .enable_service(Some("node3"), &nfs_foo())
        .await
        .unwrap();
    client
        .disable_service(Some("node3"), &DisableRequest::Plain(PlainService::Mgr))
        .await
        .unwrap();
    client
        .restart_services(Some("node1"), &[RestartService::Mon])
        .await
        .unwrap();

    let after = fake.state().await;
    assert_eq!(after, expected_after_scenario(&before));
    assert_eq!(after["members"][0]["restarts"]["mon"], 1);

    let rows = service_rows(&client.services(None).await.unwrap());
    let expected_rows = [
        ("mds", "node1"),
        ("mgr", "node1"),
        ("mon", "node1"),
        ("mds", "node2"),
        ("mgr", "node2"),
        ("mon", "node2"),
        ("rgw", "node2"),
        ("mds", "node3"),
        ("mon", "node3"),
        ("nfs", "node3"),
    ]
    .map(|(service, location)| pair(service, location));
    assert_eq!(rows, expected_rows);

    let rgw_body = r#"{"name":"rgw","bool":true,"payload":"{\"Port\":0,\"SSLPort\":0,\"SSLCertificate\":\"\",\"SSLPrivateKey\":\"\"}"}"#;
    let nfs_body = r#"{"name":"nfs","bool":true,"payload":"{\"cluster_id\":\"foo\",\"v4_min_version\":1,\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}"}"#;
    let requests = fake.requests().await;
    assert_eq!(
        requests[..4],
        [
            record(
                "PUT",
                "/1.0/services/rgw",
                "target=node2",
                Some("node2"),
                rgw_body
            ),
            record(
                "PUT",
                "/1.0/services/nfs",
                "target=node3",
                Some("node3"),
                nfs_body
            ),
            record(
                "DELETE",
                "/1.0/services/mgr",
                "target=node3",
                Some("node3"),
                ""
            ),
            record(
                "POST",
                "/1.0/services/restart",
                "target=node1",
                Some("node1"),
                r#"[{"service":"mon"}]"#
            ),
        ]
    );
    assert_eq!(
        fake.log().await,
        [
            "enabling rgw on node2",
            "enabled rgw on node2 (port 80)",
            "enabling nfs on node3",
            "enabled nfs on node3",
            "disabling mgr on node3",
            "disabled mgr on node3",
            "restarted mon on node1",
        ]
    );
}

#[tokio::test]
async fn undoing_the_scenario_restores_the_state_but_keeps_the_restart_count() {
    let fake = Fake::start().await;
    let client = fake.client();
    let before = fake.state().await;
    client.enable_service(Some("node2"), &rgw()).await.unwrap();
    client
        .enable_service(Some("node3"), &nfs_foo())
        .await
        .unwrap();
    client
        .disable_service(Some("node3"), &DisableRequest::Plain(PlainService::Mgr))
        .await
        .unwrap();
    client
        .restart_services(Some("node1"), &[RestartService::Mon])
        .await
        .unwrap();
    assert_eq!(fake.state().await, expected_after_scenario(&before));

    client
        .disable_service(Some("node2"), &DisableRequest::Rgw)
        .await
        .unwrap();
    let foo = DisableRequest::Nfs {
        cluster_id: "foo".to_owned(),
    };
    client.disable_service(Some("node3"), &foo).await.unwrap();
    let mgr = EnableRequest::Plain {
        service: PlainService::Mgr,
        wait: true,
    };
    client.enable_service(Some("node3"), &mgr).await.unwrap();

    let mut expected = before;
    expected["members"][0]["restarts"] = json!({"mon": 1});
    assert_eq!(fake.state().await, expected);
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}
