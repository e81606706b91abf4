//! Every client endpoint against the fake: the decoded values, the cluster state after each write, and the exact request the fake recorded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use microceph_client::{
    BlockDevice, DisableRequest, EnableRequest, ErrorKind, MemberStatus, NfsInfo, NfsParams,
    OsdDisk, PlainService, RestartService, RgwParams, RgwSsl, ServiceType, Timeouts,
};
use serde_json::json;

use super::fake::{Fake, default_rows, eventually, record, service_rows};

/// The microcluster extensions every member reports (`microceph-api.md` §4.2).
const EXTENSIONS: [&str; 2] = [
    "internal:runtime_extension_v1",
    "internal:rename_core_endpoints",
];

/// A small PEM certificate and its standard base64 encoding, computed independently of the client.
const CERT_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const CERT_BASE64: &str =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmYWtlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";

/// A small PEM private key and its standard base64 encoding, computed independently of the client.
const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEfake\n-----END PRIVATE KEY-----\n";
const KEY_BASE64: &str =
    "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUVmYWtlCi0tLS0tRU5EIFBSSVZBVEUgS0VZLS0tLS0K";

/// The fake's example cluster with five members, NFS, partitions and an unreachable member.
fn mixed_cluster_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fake-microceph/examples/clusters/mixed.json")
}

fn rgw(port: u16, wait: bool) -> EnableRequest {
    EnableRequest::Rgw {
        params: RgwParams { port, ssl: None },
        wait,
    }
}

fn pair(service: &str, location: &str) -> (String, String) {
    (service.to_owned(), location.to_owned())
}

#[tokio::test]
async fn root_server_info_and_ready() {
    let fake = Fake::start().await;
    let client = fake.client();
    assert_eq!(client.root().await.unwrap(), ["/1.0"]);
    let info = client.server_info().await.unwrap();
    assert_eq!(info.name, "node1");
    assert_eq!(info.address, "10.0.0.1:7443");
    assert!(info.ready);
    assert!(!info.version.is_empty());
    assert_eq!(info.extensions, EXTENSIONS);
    client.ready().await.unwrap();
    assert_eq!(
        fake.requests().await,
        [
            record("GET", "/", "", None, ""),
            record("GET", "/core/1.0", "", None, ""),
            record("GET", "/core/1.0/ready", "", None, ""),
        ]
    );
}

#[tokio::test]
async fn cluster_members_report_every_status() {
    let fake = Fake::start().await;
    let client = fake.client();
    let members = client.cluster_members().await.unwrap();
    let names: Vec<&str> = members.iter().map(|member| member.name.as_str()).collect();
    assert_eq!(names, ["node1", "node2", "node3"]);
    for (index, member) in (1..).zip(&members) {
        assert_eq!(member.address, format!("10.0.0.{index}:7443"));
        assert_eq!(member.role, "voter");
        assert_eq!(member.status, MemberStatus::Online);
        assert!(
            member
                .certificate
                .starts_with("-----BEGIN CERTIFICATE-----\n"),
            "{}",
            member.certificate
        );
        assert_eq!(member.extensions, EXTENSIONS);
        assert!(
            member.last_heartbeat.ends_with('Z'),
            "{}",
            member.last_heartbeat
        );
    }
    assert_eq!(
        fake.only_request().await,
        record("GET", "/core/1.0/cluster", "", None, "")
    );

    let statuses = async || -> Vec<MemberStatus> {
        let members = client.cluster_members().await.unwrap();
        members.into_iter().map(|member| member.status).collect()
    };
    fake.update_member("node2", &json!({"status": "UNREACHABLE"}))
        .await;
    fake.update_member("node3", &json!({"status": "NEEDS UPGRADE"}))
        .await;
    assert_eq!(
        statuses().await,
        [
            MemberStatus::Online,
            MemberStatus::Unreachable,
            MemberStatus::NeedsUpgrade
        ]
    );
    fake.update_member("node3", &json!({"status": "UPGRADING"}))
        .await;
    assert_eq!(
        statuses().await,
        [
            MemberStatus::Online,
            MemberStatus::Unreachable,
            MemberStatus::Upgrading
        ]
    );
}

#[tokio::test]
async fn services_list_the_nine_default_rows() {
    let fake = Fake::start().await;
    let client = fake.client();
    let services = client.services(None).await.unwrap();
    assert_eq!(services.len(), 9);
    assert_eq!(service_rows(&services), default_rows());
    for row in &services {
        assert_eq!((row.group_id.as_str(), row.info.as_str()), ("", ""));
        assert_eq!(row.nfs_info().unwrap(), None);
    }
    // The listing comes from the shared database, so any member answers the same.
    assert_eq!(client.services(Some("node3")).await.unwrap(), services);
    assert_eq!(
        fake.requests().await,
        [
            record("GET", "/1.0/services", "", None, ""),
            record("GET", "/1.0/services", "target=node3", Some("node3"), ""),
        ]
    );
}

#[tokio::test]
async fn mon_addresses_and_disks() {
    let fake = Fake::start().await;
    let client = fake.client();
    let monitors = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
    assert_eq!(client.mon_addresses(None).await.unwrap(), monitors);
    assert_eq!(client.mon_addresses(Some("node2")).await.unwrap(), monitors);
    let disks: Vec<OsdDisk> = (1..=3)
        .map(|index| OsdDisk {
            osd: index,
            path: format!("/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node{index}-sdb"),
            location: format!("node{index}"),
        })
        .collect();
    assert_eq!(client.disks(None).await.unwrap(), disks);
    assert_eq!(client.disks(Some("node3")).await.unwrap(), disks);
    assert_eq!(
        fake.requests().await,
        [
            record("GET", "/1.0/services/mon", "", None, ""),
            record(
                "GET",
                "/1.0/services/mon",
                "target=node2",
                Some("node2"),
                ""
            ),
            record("GET", "/1.0/disks", "", None, ""),
            record("GET", "/1.0/disks", "target=node3", Some("node3"), ""),
        ]
    );
}

#[tokio::test]
async fn resources_list_the_target_members_block_devices() {
    let fake = Fake::start().await;
    let client = fake.client();
    let state = fake.state().await;
    for (index, member) in ["node1", "node2", "node3"].into_iter().enumerate() {
        let resources = client.resources(Some(member)).await.unwrap();
        let recorded: Vec<BlockDevice> =
            serde_json::from_value(state["members"][index]["block_devices"].clone()).unwrap();
        assert_eq!(resources.disks, recorded, "{member}");
        assert_eq!(resources.total, 3);
    }

    let node2 = client.resources(Some("node2")).await.unwrap();
    let ids: Vec<&str> = node2.disks.iter().map(|disk| disk.id.as_str()).collect();
    assert_eq!(ids, ["sdb", "sdc", "sdd"]);
    let sdc = &node2.disks[1];
    assert_eq!(
        (sdc.size, sdc.rpm, sdc.block_size),
        (21_474_836_480, 7200, 4096)
    );
    assert_eq!(sdc.serial, "ZVT00002C");
    assert_eq!(sdc.stable_path(), "/dev/disk/by-id/wwn-0x5000c50000000002");
    assert_eq!(
        node2.disks[0].stable_path(),
        "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node2-sdb"
    );

    // No target and an empty target both mean the local member.
    let local = client.resources(None).await.unwrap();
    assert_eq!(local.disks[0].serial, "node1-sdb");
    fake.clear_requests().await;
    assert_eq!(client.resources(Some("")).await.unwrap(), local);
    assert_eq!(
        fake.only_request().await,
        record("GET", "/1.0/resources", "target=", Some(""), "")
    );
}

#[tokio::test]
async fn a_cluster_file_with_nfs_partitions_and_an_unreachable_member() {
    let file = mixed_cluster_file();
    let fake = Fake::start_with(&["--cluster", file.to_str().unwrap()]).await;
    let client = fake.client();
    assert_eq!(client.server_info().await.unwrap().name, "alpha");
    let members: Vec<(String, String, MemberStatus)> = client
        .cluster_members()
        .await
        .unwrap()
        .into_iter()
        .map(|member| (member.name, member.role, member.status))
        .collect();
    let expected = [
        ("alpha", "voter", MemberStatus::Online),
        ("bravo", "voter", MemberStatus::Online),
        ("charlie", "voter", MemberStatus::Online),
        ("delta", "stand-by", MemberStatus::Unreachable),
        ("echo", "spare", MemberStatus::Online),
    ]
    .map(|(name, role, status)| (name.to_owned(), role.to_owned(), status));
    assert_eq!(members, expected);

    let services = client.services(None).await.unwrap();
    let expected_rows = [
        ("mds", "alpha"),
        ("mgr", "alpha"),
        ("mon", "alpha"),
        ("rgw", "alpha"),
        ("mds", "bravo"),
        ("mgr", "bravo"),
        ("mon", "bravo"),
        ("rbd-mirror", "bravo"),
        ("rgw", "bravo"),
        ("cephfs-mirror", "charlie"),
        ("mds", "charlie"),
        ("mgr", "charlie"),
        ("mon", "charlie"),
        ("nfs", "charlie"),
        ("nfs", "echo"),
    ]
    .map(|(service, location)| pair(service, location));
    assert_eq!(service_rows(&services), expected_rows);
    assert_eq!(services[7].service, ServiceType::RbdMirror);
    assert_eq!(services[9].service, ServiceType::CephfsMirror);
    let nfs: Vec<(&str, Option<NfsInfo>)> = services[13..]
        .iter()
        .map(|row| (row.group_id.as_str(), row.nfs_info().unwrap()))
        .collect();
    let info = |address: &str| {
        Some(NfsInfo {
            bind_address: address.to_owned(),
            bind_port: 2049,
        })
    };
    assert_eq!(
        nfs,
        [
            ("nfs-east", info("0.0.0.0")),
            ("nfs-east", info("10.1.0.15"))
        ]
    );

    let osds: Vec<(i64, String)> = client
        .disks(None)
        .await
        .unwrap()
        .into_iter()
        .map(|disk| (disk.osd, disk.location))
        .collect();
    let expected_osds = [
        (1, "alpha"),
        (2, "bravo"),
        (3, "bravo"),
        (4, "charlie"),
        (5, "delta"),
    ]
    .map(|(osd, location)| (osd, location.to_owned()));
    assert_eq!(osds, expected_osds);

    let alpha = client.resources(None).await.unwrap();
    let sda = &alpha.disks[0];
    assert_eq!(sda.partitions.len(), 2);
    assert!(sda.partitions.iter().all(|partition| partition.mounted));
    assert_eq!(
        sda.partitions[1].device_fs_uuid,
        "0b9c7e4e-1f53-4c1a-9f0a-3d8c5a1e7b10"
    );
    let bravo = client.resources(Some("bravo")).await.unwrap();
    let sr0 = bravo.disks.iter().find(|disk| disk.id == "sr0").unwrap();
    assert!(sr0.read_only && sr0.removable);
    let echo = client.resources(Some("echo")).await.unwrap();
    assert!(echo.disks[1].mounted);
    let err = client.resources(Some("delta")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnreachableTarget {
            target: "delta".to_owned()
        }
    );
}

#[tokio::test]
async fn every_plain_service_is_enabled_and_disabled_on_its_own_route() {
    let fake = Fake::start().await;
    let client = fake.client();
    let cases = [
        (PlainService::RbdMirror, "rbd-mirror", "node2"),
        (PlainService::CephfsMirror, "cephfs-mirror", "node2"),
        (PlainService::Mds, "mds", "node3"),
        (PlainService::Mgr, "mgr", "node3"),
        (PlainService::Mon, "mon", "node3"),
    ];
    for (service, name, member) in cases {
        let query = format!("target={member}");
        let placed = pair(name, member);
        let rows = service_rows(&client.services(None).await.unwrap());
        let initially_placed = rows.contains(&placed);
        fake.clear_requests().await;
        if initially_placed {
            let request = DisableRequest::Plain(service);
            client
                .disable_service(Some(member), &request)
                .await
                .unwrap();
            let path = format!("/1.0/services/{name}");
            let expected = record("DELETE", &path, &query, Some(member), "");
            assert_eq!(fake.only_request().await, expected);
            let rows = service_rows(&client.services(None).await.unwrap());
            assert!(!rows.contains(&placed), "{name} still on {member}");
            fake.clear_requests().await;
        }
        let request = EnableRequest::Plain {
            service,
            wait: true,
        };
        client.enable_service(Some(member), &request).await.unwrap();
        let body = format!(r#"{{"name":"{name}","bool":true,"payload":""}}"#);
        let path = format!("/1.0/services/{name}");
        let expected = record("PUT", &path, &query, Some(member), &body);
        assert_eq!(fake.only_request().await, expected);
        let rows = service_rows(&client.services(None).await.unwrap());
        assert!(rows.contains(&placed), "{name} not on {member}: {rows:?}");
    }
    let state = fake.state().await;
    assert_eq!(
        state["members"][1]["services"],
        json!(["cephfs-mirror", "mds", "mgr", "mon", "rbd-mirror"])
    );
    assert_eq!(
        state["members"][2]["services"],
        json!(["mds", "mgr", "mon"])
    );
}

#[tokio::test]
async fn enabling_a_monitor_on_a_new_member_adds_its_address() {
    let fake = Fake::start_with(&["--members", "4"]).await;
    let client = fake.client();
    let mon = EnableRequest::Plain {
        service: PlainService::Mon,
        wait: true,
    };
    client.enable_service(Some("node4"), &mon).await.unwrap();
    assert_eq!(fake.state().await["members"][3]["services"], json!(["mon"]));
    let rows = service_rows(&client.services(None).await.unwrap());
    assert_eq!(rows.len(), 10);
    assert_eq!(rows.last(), Some(&pair("mon", "node4")));
    assert_eq!(
        client.mon_addresses(None).await.unwrap(),
        ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]
    );
    client
        .disable_service(Some("node4"), &DisableRequest::Plain(PlainService::Mon))
        .await
        .unwrap();
    assert_eq!(fake.state().await["members"][3]["services"], json!([]));
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
    assert_eq!(client.mon_addresses(None).await.unwrap().len(), 3);
}

#[tokio::test]
async fn enable_and_disable_rgw_without_ssl() {
    let fake = Fake::start().await;
    let client = fake.client();
    client
        .enable_service(Some("node2"), &rgw(8080, true))
        .await
        .unwrap();
    let body = r#"{"name":"rgw","bool":true,"payload":"{\"Port\":8080,\"SSLPort\":0,\"SSLCertificate\":\"\",\"SSLPrivateKey\":\"\"}"}"#;
    assert_eq!(
        fake.only_request().await,
        record(
            "PUT",
            "/1.0/services/rgw",
            "target=node2",
            Some("node2"),
            body
        )
    );
    assert!(
        fake.log()
            .await
            .contains(&"enabled rgw on node2 (port 8080)".to_owned())
    );
    assert_eq!(
        fake.state().await["members"][1]["services"],
        json!(["mds", "mgr", "mon", "rgw"])
    );
    let rows = service_rows(&client.services(None).await.unwrap());
    assert_eq!(rows[6], pair("rgw", "node2"));

    // Port 0 without TLS means port 80.
    client.enable_service(None, &rgw(0, true)).await.unwrap();
    assert!(
        fake.log()
            .await
            .contains(&"enabled rgw on node1 (port 80)".to_owned())
    );

    fake.clear_requests().await;
    client
        .disable_service(Some("node2"), &DisableRequest::Rgw)
        .await
        .unwrap();
    client
        .disable_service(None, &DisableRequest::Rgw)
        .await
        .unwrap();
    assert_eq!(
        fake.requests().await,
        [
            record(
                "DELETE",
                "/1.0/services/rgw",
                "target=node2",
                Some("node2"),
                ""
            ),
            record("DELETE", "/1.0/services/rgw", "", None, ""),
        ]
    );
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
    let log = fake.log().await;
    assert!(log.contains(&"disabled rgw on node2".to_owned()), "{log:?}");
    assert!(log.contains(&"disabled rgw on node1".to_owned()), "{log:?}");
}

#[tokio::test]
async fn enable_rgw_with_ssl() {
    let fake = Fake::start().await;
    let client = fake.client();
    let request = EnableRequest::Rgw {
        params: RgwParams {
            port: 0,
            ssl: Some(RgwSsl::from_pem(443, CERT_PEM, KEY_PEM)),
        },
        wait: true,
    };
    client
        .enable_service(Some("node3"), &request)
        .await
        .unwrap();
    let body = format!(
        r#"{{"name":"rgw","bool":true,"payload":"{{\"Port\":0,\"SSLPort\":443,\"SSLCertificate\":\"{CERT_BASE64}\",\"SSLPrivateKey\":\"{KEY_BASE64}\"}}"}}"#
    );
    assert_eq!(
        fake.only_request().await,
        record(
            "PUT",
            "/1.0/services/rgw",
            "target=node3",
            Some("node3"),
            &body
        )
    );
    // With TLS, port 0 means no plain port at all.
    fake.wait_for_log_line("enabled rgw on node3 (port 0, SSL port 443)")
        .await;

    let both = EnableRequest::Rgw {
        params: RgwParams {
            port: 8080,
            ssl: Some(RgwSsl::from_pem(8443, CERT_PEM, KEY_PEM)),
        },
        wait: true,
    };
    client.enable_service(Some("node2"), &both).await.unwrap();
    fake.wait_for_log_line("enabled rgw on node2 (port 8080, SSL port 8443)")
        .await;
    let state = fake.state().await;
    for member in 1..=2 {
        assert_eq!(
            state["members"][member]["services"],
            json!(["mds", "mgr", "mon", "rgw"])
        );
    }
}

#[tokio::test]
async fn enable_and_disable_nfs() {
    let fake = Fake::start().await;
    let client = fake.client();
    let request = EnableRequest::Nfs {
        params: NfsParams::new("foo"),
        wait: true,
    };
    client
        .enable_service(Some("node3"), &request)
        .await
        .unwrap();
    let body = r#"{"name":"nfs","bool":true,"payload":"{\"cluster_id\":\"foo\",\"v4_min_version\":1,\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}"}"#;
    assert_eq!(
        fake.only_request().await,
        record(
            "PUT",
            "/1.0/services/nfs",
            "target=node3",
            Some("node3"),
            body
        )
    );
    let services = client.services(None).await.unwrap();
    assert_eq!(services.len(), 10);
    let nfs = &services[9];
    assert_eq!(
        (&nfs.service, nfs.location.as_str(), nfs.group_id.as_str()),
        (&ServiceType::Nfs, "node3", "foo")
    );
    let default_info = NfsInfo {
        bind_address: "0.0.0.0".to_owned(),
        bind_port: 2049,
    };
    assert_eq!(nfs.nfs_info().unwrap(), Some(default_info));

    // A second member joins the same NFS cluster on its own address; rows follow member join order.
    let custom = NfsParams {
        cluster_id: "foo".to_owned(),
        v4_min_version: 1,
        bind_address: "10.0.0.2".to_owned(),
        bind_port: 12049,
    };
    let join = EnableRequest::Nfs {
        params: custom,
        wait: true,
    };
    client.enable_service(Some("node2"), &join).await.unwrap();
    let rows = service_rows(&client.services(None).await.unwrap());
    assert_eq!(rows[9..], [pair("nfs", "node2"), pair("nfs", "node3")]);
    let node2 = json!({"member": "node2", "bind_address": "10.0.0.2", "bind_port": 12049});
    let node3 = json!({"member": "node3", "bind_address": "0.0.0.0", "bind_port": 2049});
    assert_eq!(
        fake.state().await["nfs_groups"],
        json!([{"cluster_id": "foo", "v4_min_version": 1, "members": [node3, node2]}])
    );

    fake.clear_requests().await;
    let disable = DisableRequest::Nfs {
        cluster_id: "foo".to_owned(),
    };
    client
        .disable_service(Some("node3"), &disable)
        .await
        .unwrap();
    assert_eq!(
        fake.only_request().await,
        record(
            "DELETE",
            "/1.0/services/nfs",
            "target=node3",
            Some("node3"),
            r#"{"cluster_id":"foo"}"#
        )
    );
    assert_eq!(
        fake.state().await["nfs_groups"],
        json!([{"cluster_id": "foo", "v4_min_version": 1, "members": [node2]}])
    );
    client
        .disable_service(Some("node2"), &disable)
        .await
        .unwrap();
    assert_eq!(fake.state().await["nfs_groups"], json!([]));
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}

#[tokio::test]
async fn restart_counts_placed_services_and_skips_the_rest() {
    let fake = Fake::start().await;
    let client = fake.client();
    let services = [
        RestartService::Mon,
        RestartService::Rgw,
        RestartService::Osd,
    ];
    client
        .restart_services(Some("node2"), &services)
        .await
        .unwrap();
    let body = r#"[{"service":"mon"},{"service":"rgw"},{"service":"osd"}]"#;
    assert_eq!(
        fake.only_request().await,
        record(
            "POST",
            "/1.0/services/restart",
            "target=node2",
            Some("node2"),
            body
        )
    );
    let state = fake.state().await;
    assert_eq!(state["members"][0]["restarts"], json!({}));
    assert_eq!(state["members"][1]["restarts"], json!({"mon": 1}));
    assert_eq!(state["members"][2]["restarts"], json!({}));
    assert_eq!(
        fake.log().await,
        [
            "restarted mon on node2",
            "skipped restart of rgw on node2: rgw service is not planned for current host",
            "skipped restart of osd on node2: osd service is not planned for current host",
        ]
    );

    fake.clear_requests().await;
    client
        .restart_services(None, &[RestartService::Mon])
        .await
        .unwrap();
    client.restart_services(Some("node2"), &[]).await.unwrap();
    assert_eq!(
        fake.requests().await,
        [
            record(
                "POST",
                "/1.0/services/restart",
                "",
                None,
                r#"[{"service":"mon"}]"#
            ),
            record(
                "POST",
                "/1.0/services/restart",
                "target=node2",
                Some("node2"),
                "[]"
            ),
        ]
    );
    let state = fake.state().await;
    assert_eq!(state["members"][0]["restarts"], json!({"mon": 1}));
    assert_eq!(state["members"][1]["restarts"], json!({"mon": 1}));
}

#[tokio::test]
async fn enable_without_waiting_answers_before_the_pipeline_ends() {
    let fake = Fake::start().await;
    // The pipeline now takes a minute, far longer than the client waits.
    fake.update_timing(&json!({"enable_duration_ms": 60_000}))
        .await;
    let client = fake.client().with_timeouts(Timeouts {
        enable_disable: Duration::from_secs(5),
        ..Timeouts::default()
    });
    client
        .enable_service(Some("node2"), &rgw(8080, false))
        .await
        .unwrap();
    let body = r#"{"name":"rgw","bool":false,"payload":"{\"Port\":8080,\"SSLPort\":0,\"SSLCertificate\":\"\",\"SSLPrivateKey\":\"\"}"}"#;
    assert_eq!(
        fake.only_request().await,
        record(
            "PUT",
            "/1.0/services/rgw",
            "target=node2",
            Some("node2"),
            body
        )
    );
    fake.wait_for_log_line("enabling rgw on node2").await;
    // The row is written last, so the service is not listed yet.
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}

#[tokio::test]
async fn enable_without_waiting_records_the_service_later() {
    let fake = Fake::start().await;
    let client = fake.client();
    client
        .enable_service(Some("node2"), &rgw(8080, false))
        .await
        .unwrap();
    let nfs = EnableRequest::Nfs {
        params: NfsParams::new("foo"),
        wait: false,
    };
    client.enable_service(Some("node3"), &nfs).await.unwrap();
    let appeared = eventually(async || {
        let rows = service_rows(&client.services(None).await.unwrap());
        rows.contains(&pair("rgw", "node2")) && rows.contains(&pair("nfs", "node3"))
    })
    .await;
    assert!(appeared, "{:?}", client.services(None).await.unwrap());
    let rows = service_rows(&client.services(None).await.unwrap());
    assert_eq!(rows.len(), 11);
    let log = fake.log().await;
    assert!(
        log.contains(&"enabled rgw on node2 (port 8080)".to_owned()),
        "{log:?}"
    );
    assert!(log.contains(&"enabled nfs on node3".to_owned()), "{log:?}");
}

#[tokio::test]
async fn enable_without_waiting_reports_failures_only_in_the_daemon_log() {
    let fake = Fake::start().await;
    let client = fake.client();
    let before = fake.state().await;

    // The daemon fails MicroCeph's post-placement check, yet the request succeeds.
    fake.update_member("node2", &json!({"failing_services": ["rgw"]}))
        .await;
    client
        .enable_service(Some("node2"), &rgw(0, false))
        .await
        .unwrap();
    fake.wait_for_log_line(
        "failed to enable rgw on node2: rgw service unable to sustain on host: rgw service is not active",
    )
    .await;

    // An invalid payload is not even looked at before the answer.
    let invalid = EnableRequest::Nfs {
        params: NfsParams::new("x"),
        wait: false,
    };
    client
        .enable_service(Some("node3"), &invalid)
        .await
        .unwrap();
    fake.wait_for_log_line(
        r"failed to enable nfs on node3: failed to populate the payload for nfs enablement: expected cluster_id to be valid (regex: '^[\w][\w.-]{1,61}[\w]$')",
    )
    .await;

    fake.update_member("node2", &json!({"failing_services": []}))
        .await;
    assert_eq!(fake.state().await, before);
    assert_eq!(
        service_rows(&client.services(None).await.unwrap()),
        default_rows()
    );
}

/// LXD reports `used_by` as one string (the parent device type, for example `bcache`), and both sides agree on that.
#[tokio::test]
async fn resources_with_a_used_by_device() {
    let fake = Fake::start().await;
    let cluster = json!({
        "version": 1,
        "members": [{
            "name": "node1",
            "address": "10.0.0.1:7443",
            "block_devices": [{"id": "sdb", "used_by": "bcache"}]
        }]
    });
    fake.control_ok("PUT", "/fake/1.0/state", Some(&cluster))
        .await;
    let resources = fake.client().resources(None).await.unwrap();
    assert_eq!(resources.disks[0].used_by, "bcache");
}
