//! The listings against an in-process fake: hosts, services with their stored specs, daemons with filters, devices, and the cache.

use orch_backend::{
    ApplyOptions, DaemonFilter, apply, daemons, hosts, inventory, refresh, services,
};
use serde_json::json;

use crate::support::{Fake, json};

#[test]
fn hosts_are_the_members_with_ceph_statuses() {
    let fake = Fake::start();
    fake.make_unreachable("node3");
    let listing = json(&hosts(&fake.config(), true).unwrap());
    assert_eq!(
        listing["items"],
        json!([
            {"hostname": "node1", "addr": "10.0.0.1", "status": "", "labels": []},
            {"hostname": "node2", "addr": "10.0.0.2", "status": "", "labels": []},
            {"hostname": "node3", "addr": "10.0.0.3", "status": "offline", "labels": []},
        ])
    );
    assert!(listing["observed_at"].as_f64().unwrap() > 1.0e9);
    assert_eq!(listing["problems"], json!([]));
}

#[test]
fn services_show_stored_specs_as_applied_and_compare_counts() {
    let fake = Fake::start();
    let spec = json!({"service_type": "rgw", "service_id": "foo", "service_name": "rgw.foo", "placement": {"count": 2}, "spec": {"rgw_frontend_port": 8080}});
    let stored = json!([spec]).to_string();
    apply(&fake.config(), &stored, "[]", ApplyOptions::default()).unwrap();
    let listing = json(&services(&fake.config(), &stored, None, None, false).unwrap());
    let items = listing["items"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|item| item["spec"]["service_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mds.microceph", "mgr", "mon", "osd", "rgw.foo"]);
    let rgw = &items[4];
    assert_eq!(
        rgw,
        &json!({"spec": spec, "size": 2, "running": 2, "ports": [8080]})
    );
    assert_eq!(
        items[2],
        json!({
            "spec": {"service_type": "mon", "service_name": "mon", "placement": {"hosts": ["node1", "node2", "node3"]}},
            "size": 3,
            "running": 3,
            "ports": [],
        })
    );
    assert_eq!(items[3]["spec"]["unmanaged"], json!(true));
    let only_rgw = json(&services(&fake.config(), &stored, Some("rgw"), None, false).unwrap());
    assert_eq!(only_rgw["items"].as_array().unwrap().len(), 1);
    let by_name = json(&services(&fake.config(), &stored, None, Some("mgr"), false).unwrap());
    assert_eq!(by_name["items"][0]["spec"]["service_name"], json!("mgr"));
}

#[test]
fn daemons_carry_service_names_and_honest_statuses() {
    let fake = Fake::start();
    fake.make_unreachable("node2");
    refresh(&fake.config()).unwrap();
    let filter = DaemonFilter {
        daemon_type: Some("mon".into()),
        ..DaemonFilter::default()
    };
    let listing = json(&daemons(&fake.config(), "[]", &filter, false).unwrap());
    assert_eq!(
        listing["items"][0],
        json!({
            "daemon_type": "mon", "daemon_id": "node1", "daemon_name": "mon.node1",
            "service_name": "mon", "hostname": "node1", "ip": "10.0.0.1", "ports": [],
            "status": -2, "status_desc": "enabled",
        })
    );
    assert_eq!(listing["items"][1]["status"], json!(-2));
    assert_eq!(
        listing["items"][1]["status_desc"],
        json!("unknown: host is UNREACHABLE")
    );
    let on_host = DaemonFilter {
        host: Some("node3".into()),
        ..DaemonFilter::default()
    };
    let listing = json(&daemons(&fake.config(), "[]", &on_host, false).unwrap());
    let names: Vec<&str> = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["daemon_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mon.node3", "mgr.node3", "mds.node3", "osd.3"]);
}

#[test]
fn devices_are_always_available_or_not() {
    let fake = Fake::start();
    let listing =
        json(&inventory(&fake.config(), Some(&["node2".to_owned()]), None, false).unwrap());
    let items = listing["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], json!("node2"));
    let devices = items[0]["devices"].as_array().unwrap();
    let summary: Vec<(&str, bool, &str, &str)> = devices
        .iter()
        .map(|device| {
            (
                device["path"].as_str().unwrap(),
                device["available"].as_bool().unwrap(),
                device["human_readable_type"].as_str().unwrap(),
                device["sys_api"]["rotational"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "/dev/disk/by-id/ata-Samsung_SSD_870_EVO_S6PNNS0T000002",
                true,
                "ssd",
                "0"
            ),
            (
                "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node2-sdb",
                false,
                "ssd",
                "0"
            ),
            ("/dev/disk/by-id/wwn-0x5000c50000000002", true, "hdd", "1"),
        ]
    );
    assert_eq!(devices[1]["rejected_reasons"], json!(["Used by OSD osd.2"]));
}

#[test]
fn listings_read_the_cache_until_asked_to_refresh() {
    let fake = Fake::start();
    let first = json(&hosts(&fake.config(), false).unwrap());
    fake.make_unreachable("node1");
    let cached = json(&hosts(&fake.config(), false).unwrap());
    assert_eq!(cached, first, "the cached observation answers");
    let fresh = json(&hosts(&fake.config(), true).unwrap());
    assert_eq!(fresh["items"][0]["status"], json!("offline"));
}
