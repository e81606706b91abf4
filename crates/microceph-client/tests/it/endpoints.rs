//! One test per endpoint: the exact request the client sends (method, path, query, body) and the decoding of a realistic response from `microceph-api.md` §4.

use microceph_client::{
    DisableRequest, EnableRequest, MemberStatus, NfsInfo, NfsParams, OsdDisk, PlainService,
    RestartService, RgwParams, RgwSsl, ServiceType,
};
use serde_json::{Value, json};

use crate::support::{assert_json_body, assert_line, only_request, serve, success};

#[tokio::test]
async fn root_lists_api_versions() {
    let (server, client) = serve("GET", "/", 200, success(r#"["/1.0"]"#)).await;
    assert_eq!(client.root().await.unwrap(), ["/1.0"]);
    let request = only_request(&server).await;
    assert_line(&request, "GET", "/", None);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn server_info() {
    let metadata = r#"{"name":"node1","address":"10.0.0.11:7443","version":"19.2.1","ready":true,
        "extensions":["internal:runtime_extension_v1","internal:rename_core_endpoints"]}"#;
    let (server, client) = serve("GET", "/core/1.0", 200, success(metadata)).await;
    let info = client.server_info().await.unwrap();
    assert_eq!(info.name, "node1");
    assert_eq!(info.address, "10.0.0.11:7443");
    assert_eq!(info.version, "19.2.1");
    assert!(info.ready);
    assert_eq!(
        info.extensions,
        [
            "internal:runtime_extension_v1",
            "internal:rename_core_endpoints"
        ]
    );
    assert_line(&only_request(&server).await, "GET", "/core/1.0", None);
}

#[tokio::test]
async fn server_info_accepts_a_single_extension_as_a_bare_string() {
    let metadata = r#"{"name":"node1","address":"","version":"","ready":false,"extensions":"internal:runtime_extension_v1"}"#;
    let (_server, client) = serve("GET", "/core/1.0", 200, success(metadata)).await;
    let info = client.server_info().await.unwrap();
    assert!(!info.ready);
    assert_eq!(info.extensions, ["internal:runtime_extension_v1"]);
}

#[tokio::test]
async fn ready() {
    let (server, client) = serve("GET", "/core/1.0/ready", 200, success("{}")).await;
    client.ready().await.unwrap();
    assert_line(&only_request(&server).await, "GET", "/core/1.0/ready", None);
}

#[tokio::test]
async fn cluster_members() {
    let metadata = r#"[
      {"name":"node1","address":"10.0.0.11:7443","certificate":"-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n",
       "role":"voter","schema_internal_version":7,"schema_external_version":14,
       "last_heartbeat":"2026-08-20T15:04:05.123456789Z","status":"ONLINE",
       "extensions":["internal:runtime_extension_v1","internal:rename_core_endpoints"],"secret":""},
      {"name":"node2","address":"10.0.0.12:7443","certificate":"-----BEGIN CERTIFICATE-----\n…","role":"voter",
       "schema_internal_version":7,"schema_external_version":14,"last_heartbeat":"2026-08-20T15:04:01Z",
       "status":"UNREACHABLE","extensions":["internal:runtime_extension_v1","internal:rename_core_endpoints"],"secret":""},
      {"name":"node3","address":"[fd00::3]:7443","certificate":"","role":"PENDING",
       "schema_internal_version":7,"schema_external_version":14,"last_heartbeat":"0001-01-01T00:00:00Z",
       "status":"NEEDS UPGRADE","extensions":"internal:runtime_extension_v1","secret":""}]"#;
    let (server, client) = serve("GET", "/core/1.0/cluster", 200, success(metadata)).await;
    let members = client.cluster_members().await.unwrap();
    assert_line(
        &only_request(&server).await,
        "GET",
        "/core/1.0/cluster",
        None,
    );

    assert_eq!(members.len(), 3);
    let node1 = &members[0];
    assert_eq!(node1.name, "node1");
    assert_eq!(node1.address, "10.0.0.11:7443");
    assert!(
        node1
            .certificate
            .starts_with("-----BEGIN CERTIFICATE-----\n")
    );
    assert_eq!(node1.role, "voter");
    assert_eq!(node1.schema_internal_version, 7);
    assert_eq!(node1.schema_external_version, 14);
    assert_eq!(node1.last_heartbeat, "2026-08-20T15:04:05.123456789Z");
    assert_eq!(node1.status, MemberStatus::Online);
    assert_eq!(node1.extensions.len(), 2);
    assert_eq!(node1.secret, "");
    assert_eq!(members[1].status, MemberStatus::Unreachable);
    assert_eq!(members[2].status, MemberStatus::NeedsUpgrade);
    assert_eq!(members[2].address, "[fd00::3]:7443");
    assert_eq!(members[2].extensions, ["internal:runtime_extension_v1"]);
}

#[tokio::test]
async fn services_without_target() {
    let metadata = r#"[
      {"service":"mds","location":"node1","group_id":"","info":""},
      {"service":"mgr","location":"node1","group_id":"","info":""},
      {"service":"mon","location":"node1","group_id":"","info":""},
      {"service":"rgw","location":"node1","group_id":"","info":""},
      {"service":"mds","location":"node2","group_id":"","info":""},
      {"service":"mgr","location":"node2","group_id":"","info":""},
      {"service":"mon","location":"node2","group_id":"","info":""},
      {"service":"cephfs-mirror","location":"node2","group_id":"","info":""},
      {"service":"nvmeof","location":"node2","group_id":"","info":""},
      {"service":"nfs","location":"node2","group_id":"foo-cluster","info":"{\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}"}]"#;
    let (server, client) = serve("GET", "/1.0/services", 200, success(metadata)).await;
    let services = client.services(None).await.unwrap();
    assert_line(&only_request(&server).await, "GET", "/1.0/services", None);

    assert_eq!(services.len(), 10);
    assert_eq!(services[0].service, ServiceType::Mds);
    assert_eq!(services[0].location, "node1");
    assert_eq!(services[0].nfs_info().unwrap(), None);
    assert_eq!(services[7].service, ServiceType::CephfsMirror);
    assert_eq!(services[8].service, ServiceType::Other("nvmeof".to_owned()));
    let nfs = &services[9];
    assert_eq!(nfs.service, ServiceType::Nfs);
    assert_eq!(nfs.group_id, "foo-cluster");
    assert_eq!(
        nfs.nfs_info().unwrap(),
        Some(NfsInfo {
            bind_address: "0.0.0.0".to_owned(),
            bind_port: 2049
        })
    );
}

#[tokio::test]
async fn services_with_an_empty_list_and_an_empty_target() {
    let (server, client) = serve("GET", "/1.0/services", 200, success("[]")).await;
    assert!(client.services(Some("")).await.unwrap().is_empty());
    assert_line(
        &only_request(&server).await,
        "GET",
        "/1.0/services",
        Some("target="),
    );
}

#[tokio::test]
async fn hostile_target_arrives_as_one_value_and_leaves_the_path_alone() {
    let hostile = "n2/../../core?x=1#frag&target=node3 +%ü";
    let (server, client) = serve("GET", "/1.0/services", 200, success("[]")).await;
    client.services(Some(hostile)).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/1.0/services");
    assert_eq!(request.url.fragment(), None);
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(pairs, [("target".to_owned(), hostile.to_owned())]);
    assert_eq!(
        request.url.query(),
        Some("target=n2%2F..%2F..%2Fcore%3Fx%3D1%23frag%26target%3Dnode3%20%2B%25%C3%BC")
    );
}

#[tokio::test]
async fn mon_addresses() {
    let metadata = r#"{"addresses":["10.0.0.11","v2:10.0.0.12:3300","[fd00::13]"]}"#;
    let (server, client) = serve("GET", "/1.0/services/mon", 200, success(metadata)).await;
    let addresses = client.mon_addresses(Some("node1")).await.unwrap();
    assert_eq!(addresses, ["10.0.0.11", "v2:10.0.0.12:3300", "[fd00::13]"]);
    assert_line(
        &only_request(&server).await,
        "GET",
        "/1.0/services/mon",
        Some("target=node1"),
    );
}

#[tokio::test]
async fn enable_plain_service() {
    let (server, client) = serve("PUT", "/1.0/services/mon", 200, success("null")).await;
    let request = EnableRequest::Plain {
        service: PlainService::Mon,
        wait: true,
    };
    client
        .enable_service(Some("node3"), &request)
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(&recorded, "PUT", "/1.0/services/mon", Some("target=node3"));
    assert_json_body(&recorded, &json!({"name":"mon","bool":true,"payload":""}));
}

#[tokio::test]
async fn enable_plain_service_asynchronously_without_target() {
    let (server, client) = serve("PUT", "/1.0/services/cephfs-mirror", 200, success("null")).await;
    let request = EnableRequest::Plain {
        service: PlainService::CephfsMirror,
        wait: false,
    };
    client.enable_service(None, &request).await.unwrap();
    let recorded = only_request(&server).await;
    assert_line(&recorded, "PUT", "/1.0/services/cephfs-mirror", None);
    assert_json_body(
        &recorded,
        &json!({"name":"cephfs-mirror","bool":false,"payload":""}),
    );
}

#[tokio::test]
async fn enable_rgw() {
    let (server, client) = serve("PUT", "/1.0/services/rgw", 200, success("null")).await;
    let request = EnableRequest::Rgw {
        params: RgwParams {
            port: 8080,
            ssl: Some(RgwSsl::from_pem(443, "CERT PEM", "KEY PEM")),
        },
        wait: true,
    };
    client
        .enable_service(Some("node2"), &request)
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(&recorded, "PUT", "/1.0/services/rgw", Some("target=node2"));
    let payload = r#"{"Port":8080,"SSLPort":443,"SSLCertificate":"Q0VSVCBQRU0=","SSLPrivateKey":"S0VZIFBFTQ=="}"#;
    assert_json_body(
        &recorded,
        &json!({"name":"rgw","bool":true,"payload":payload}),
    );
}

#[tokio::test]
async fn enable_nfs() {
    let (server, client) = serve("PUT", "/1.0/services/nfs", 200, success("null")).await;
    let request = EnableRequest::Nfs {
        params: NfsParams::new("foo-cluster"),
        wait: true,
    };
    client
        .enable_service(Some("node1"), &request)
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(&recorded, "PUT", "/1.0/services/nfs", Some("target=node1"));
    let body: Value = recorded.body_json().unwrap();
    assert_eq!(body["name"], "nfs");
    assert_eq!(body["bool"], true);
    let payload: Value = serde_json::from_str(body["payload"].as_str().unwrap()).unwrap();
    assert_eq!(
        payload,
        json!({"cluster_id":"foo-cluster","v4_min_version":1,"bind_address":"0.0.0.0","bind_port":2049})
    );
}

#[tokio::test]
async fn disable_plain_service_sends_no_body_and_accepts_null() {
    let (server, client) = serve("DELETE", "/1.0/services/mgr", 200, success("null")).await;
    client
        .disable_service(Some("node2"), &DisableRequest::Plain(PlainService::Mgr))
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(
        &recorded,
        "DELETE",
        "/1.0/services/mgr",
        Some("target=node2"),
    );
    assert!(recorded.body.is_empty());
}

#[tokio::test]
async fn disable_rgw_accepts_an_empty_object() {
    let (server, client) = serve("DELETE", "/1.0/services/rgw", 200, success("{}")).await;
    client
        .disable_service(Some("node1"), &DisableRequest::Rgw)
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(
        &recorded,
        "DELETE",
        "/1.0/services/rgw",
        Some("target=node1"),
    );
    assert!(recorded.body.is_empty());
}

#[tokio::test]
async fn disable_nfs_sends_the_cluster_id() {
    let (server, client) = serve("DELETE", "/1.0/services/nfs", 200, success("{}")).await;
    let request = DisableRequest::Nfs {
        cluster_id: "foo-cluster".to_owned(),
    };
    client
        .disable_service(Some("node1"), &request)
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(
        &recorded,
        "DELETE",
        "/1.0/services/nfs",
        Some("target=node1"),
    );
    assert_json_body(&recorded, &json!({"cluster_id":"foo-cluster"}));
}

#[tokio::test]
async fn restart_services() {
    let (server, client) = serve("POST", "/1.0/services/restart", 200, success("{}")).await;
    client
        .restart_services(Some("node2"), &[RestartService::Rgw, RestartService::Mon])
        .await
        .unwrap();
    let recorded = only_request(&server).await;
    assert_line(
        &recorded,
        "POST",
        "/1.0/services/restart",
        Some("target=node2"),
    );
    assert_json_body(&recorded, &json!([{"service":"rgw"},{"service":"mon"}]));
}

#[tokio::test]
async fn disks() {
    let metadata = r#"[
      {"osd":1,"path":"/dev/disk/by-id/nvme-Samsung_SSD_980_S64DNX0R123456","location":"node1"},
      {"osd":2,"path":"/dev/disk/by-id/wwn-0x5000c500a1b2c3d4","location":"node2"}]"#;
    let (server, client) = serve("GET", "/1.0/disks", 200, success(metadata)).await;
    let disks = client.disks(None).await.unwrap();
    assert_line(&only_request(&server).await, "GET", "/1.0/disks", None);
    assert_eq!(
        disks,
        [
            OsdDisk {
                osd: 1,
                path: "/dev/disk/by-id/nvme-Samsung_SSD_980_S64DNX0R123456".to_owned(),
                location: "node1".to_owned()
            },
            OsdDisk {
                osd: 2,
                path: "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4".to_owned(),
                location: "node2".to_owned()
            }
        ]
    );
}

#[tokio::test]
async fn resources() {
    let metadata = r#"{"disks":[
      {"id":"sdb","device":"8:16","model":"QEMU HARDDISK","type":"scsi","read_only":false,"mounted":false,"size":10737418240,
       "removable":false,"numa_node":0,"device_path":"pci-0000:00:05.0-scsi-0:0:0:1","block_size":512,"rpm":0,
       "device_id":"scsi-0QEMU_QEMU_HARDDISK_drive-scsi1","partitions":[],"device_fs_uuid":""},
      {"id":"nvme0n1","device":"259:0","model":"INTEL SSDPEKKW256G7","type":"nvme","read_only":false,"mounted":true,"size":256060514304,
       "removable":false,"wwn":"eui.0000000001000000e4d25cafae2e4c00","numa_node":0,"device_path":"pci-0000:05:00.0-nvme-1",
       "block_size":512,"firmware_version":"PSF121C","rpm":0,"serial":"BTPY63440ARH256D",
       "device_id":"nvme-eui.0000000001000000e4d25cafae2e4c00","pci_address":"0000:05:00.0","device_fs_uuid":"","used_by":"bcache",
       "partitions":[{"id":"nvme0n1p1","device":"259:1","read_only":false,"size":254933278208,"partition":1,"mounted":true,
                      "device_fs_uuid":"9313518c-0e13-4067-9746-5c1703830b78"}]}],"total":2}"#;
    let (server, client) = serve("GET", "/1.0/resources", 200, success(metadata)).await;
    let resources = client.resources(Some("node2")).await.unwrap();
    assert_line(
        &only_request(&server).await,
        "GET",
        "/1.0/resources",
        Some("target=node2"),
    );

    assert_eq!(resources.total, 2);
    let sdb = &resources.disks[0];
    assert_eq!(sdb.id, "sdb");
    assert_eq!(sdb.device_type, "scsi");
    assert_eq!(sdb.size, 10_737_418_240);
    assert!(sdb.partitions.is_empty());
    assert_eq!(sdb.wwn, "");
    assert_eq!(
        sdb.stable_path(),
        "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi1"
    );
    let nvme = &resources.disks[1];
    assert!(nvme.mounted);
    assert_eq!(nvme.firmware_version, "PSF121C");
    assert_eq!(nvme.serial, "BTPY63440ARH256D");
    assert_eq!(nvme.pci_address, "0000:05:00.0");
    assert_eq!(nvme.used_by, "bcache");
    let partition = &nvme.partitions[0];
    assert_eq!(partition.id, "nvme0n1p1");
    assert_eq!(partition.partition, 1);
    assert_eq!(partition.size, 254_933_278_208);
    assert!(partition.mounted);
    assert_eq!(
        partition.device_fs_uuid,
        "9313518c-0e13-4067-9746-5c1703830b78"
    );
}
