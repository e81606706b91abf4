//! The listings against an in-process fake: hosts, services with their stored specs, daemons with filters and what Ceph says of them, devices, and the cache.

use orch_backend::{
    ApplyOptions, DaemonFilter, apply, daemons, hosts, inventory, listing_token, services,
    update_ceph_view,
};
use orch_core::CephView;
use serde_json::json;

use crate::support::{Fake, ceph_view, json};

/// Ceph's maps of the fake's cluster: mons node1 and node2 in quorum of a monmap of all three, mgr node1 active,
/// MDS node1 active and node2 standby, osd.1 up and osd.2 down, an RGW registered from node1, and versions for mon.node1 and osd.1.
fn maps() -> CephView {
    ceph_view(&json!({
        "mon_status": {
            "election_epoch": 8,
            "quorum": [0, 1],
            "monmap": {"mons": [
                {"rank": 0, "name": "node1"}, {"rank": 1, "name": "node2"}, {"rank": 2, "name": "node3"}
            ]},
        },
        "mgr_map": {"active_name": "node1", "active_gid": 4100, "available": true, "standbys": []},
        "fs_map": {
            "standbys": [{"gid": 4301, "name": "node2", "rank": -1, "state": "up:standby"}],
            "filesystems": [{"mdsmap": {"fs_name": "cephfs", "info": {
                "gid_4300": {"gid": 4300, "name": "node1", "rank": 0, "state": "up:active"}
            }}}],
        },
        "service_map": {"services": {"rgw": {"daemons": {
            "summary": "",
            "5001": {"gid": 5001, "start_stamp": "2026-12-05T07:00:00.000000+0000",
                     "metadata": {"hostname": "node1", "ceph_version": "ceph version 18.2.7 (6b0e988) reef (stable)"}},
        }}}},
        "osd_map": {"osds": [
            {"osd": 1, "up": 1, "in": 1, "up_from": 10},
            {"osd": 2, "up": 0, "in": 1, "up_from": 9},
        ]},
        "daemon_metadata": {
            "mon": {"node1": {"hostname": "node1", "ceph_version_short": "18.2.7"}},
            "osd": {"1": {"hostname": "node1", "ceph_version": "ceph version 18.2.6 (abc) reef (stable)"}},
        },
    }))
}

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
    let listing = json(&services(&fake.config(), &stored, None, None, false, &maps()).unwrap());
    let items = listing["items"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|item| item["spec"]["service_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mds.microceph", "mgr", "mon", "osd", "rgw.foo"]);
    let mut rgw = items[4].clone();
    let events = rgw["events"].take();
    assert_eq!(events[0]["level"], json!("INFO"));
    assert_eq!(
        events[0]["message"],
        json!("rgw.foo: enabled rgw on node1, node2"),
        "the apply is the service's event"
    );
    assert!(events[0]["created"].as_f64().unwrap() > 1.0e9);
    rgw.as_object_mut().unwrap().remove("events");
    assert_eq!(
        rgw,
        json!({"spec": spec, "size": 2, "running": 1, "ports": [8080]}),
        "only the RGW on node1 is in the service map"
    );
    assert_eq!(
        items[2],
        json!({
            "spec": {"service_type": "mon", "service_name": "mon", "placement": {"hosts": ["node1", "node2", "node3"]}},
            "size": 3,
            "running": 2,
            "ports": [],
            "events": [],
        }),
        "node3's mon is out of quorum"
    );
    assert_eq!(items[3]["spec"]["unmanaged"], json!(true));
    assert_eq!(
        (items[3]["running"].clone(), items[3]["size"].clone()),
        (json!(1), json!(3))
    );
    let unread = json(
        &services(
            &fake.config(),
            &stored,
            None,
            None,
            false,
            &CephView::default(),
        )
        .unwrap(),
    );
    let running: Vec<u64> = unread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["running"].as_u64().unwrap())
        .collect();
    assert_eq!(
        running,
        [0, 0, 0, 0, 0],
        "nothing is known to run without Ceph's maps"
    );
    let only_rgw =
        json(&services(&fake.config(), &stored, Some("rgw"), None, false, &maps()).unwrap());
    assert_eq!(only_rgw["items"].as_array().unwrap().len(), 1);
    let by_name =
        json(&services(&fake.config(), &stored, None, Some("mgr"), false, &maps()).unwrap());
    assert_eq!(by_name["items"][0]["spec"]["service_name"], json!("mgr"));
}

#[test]
fn daemons_carry_what_ceph_says_of_them() {
    let fake = Fake::start();
    fake.make_unreachable("node2");
    let filter = DaemonFilter {
        daemon_type: Some("mon".into()),
        ..DaemonFilter::default()
    };
    let listing = json(&daemons(&fake.config(), "[]", &filter, true, &maps()).unwrap());
    assert_eq!(
        listing["items"][0],
        json!({
            "daemon_type": "mon", "daemon_id": "node1", "daemon_name": "mon.node1",
            "service_name": "mon", "hostname": "node1", "ip": "10.0.0.1", "ports": [],
            "status": 1, "status_desc": "running", "version": "18.2.7", "started": null,
            "is_active": false, "rank": null,
        })
    );
    let statuses = |listing: &serde_json::Value| -> Vec<(String, i64, String)> {
        listing["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                (
                    item["daemon_name"].as_str().unwrap().to_owned(),
                    item["status"].as_i64().unwrap(),
                    item["status_desc"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let text = |rows: &[(&str, i64, &str)]| -> Vec<(String, i64, String)> {
        rows.iter()
            .map(|(name, status, desc)| ((*name).to_owned(), *status, (*desc).to_owned()))
            .collect()
    };
    assert_eq!(
        statuses(&listing),
        text(&[
            ("mon.node1", 1, "running"),
            ("mon.node2", 1, "running"),
            ("mon.node3", -1, "error (not in quorum)"),
        ]),
        "Ceph's quorum decides, whatever MicroCeph says of node2"
    );
    let all = json(
        &daemons(
            &fake.config(),
            "[]",
            &DaemonFilter::default(),
            false,
            &maps(),
        )
        .unwrap(),
    );
    assert_eq!(
        statuses(&all),
        text(&[
            ("mon.node1", 1, "running"),
            ("mon.node2", 1, "running"),
            ("mon.node3", -1, "error (not in quorum)"),
            ("mgr.node1", 1, "running"),
            ("mgr.node2", 0, "stopped (not in the mgr map)"),
            ("mgr.node3", 0, "stopped (not in the mgr map)"),
            ("mds.node1", 1, "running"),
            ("mds.node2", 1, "running"),
            ("mds.node3", 0, "stopped (not in the FS map)"),
            ("osd.1", 1, "running"),
            ("osd.2", -1, "error (osd down)"),
            ("osd.3", -2, "unknown (not in the OSD map)"),
        ])
    );
    let by_name = |name: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["daemon_name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("mgr.node1")["is_active"], json!(true));
    assert_eq!(by_name("mds.node1")["rank"], json!(0));
    assert_eq!(by_name("osd.1")["version"], json!("18.2.6"));
    let on_host = DaemonFilter {
        host: Some("node3".into()),
        ..DaemonFilter::default()
    };
    let listing = json(&daemons(&fake.config(), "[]", &on_host, false, &maps()).unwrap());
    let names: Vec<&str> = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["daemon_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mon.node3", "mgr.node3", "mds.node3", "osd.3"]);
}

#[test]
fn an_rgw_registered_in_the_service_map_has_its_version_and_start() {
    let fake = Fake::start();
    let spec = json!([{"service_type": "rgw", "service_id": "foo", "placement": {"hosts": ["node1", "node2"]}}]).to_string();
    apply(&fake.config(), &spec, "[]", ApplyOptions::default()).unwrap();
    let filter = DaemonFilter {
        daemon_type: Some("rgw".into()),
        ..DaemonFilter::default()
    };
    let listing = json(&daemons(&fake.config(), &spec, &filter, false, &maps()).unwrap());
    let items = listing["items"].as_array().unwrap();
    assert_eq!(items[0]["daemon_name"], json!("rgw.node1"));
    assert_eq!(items[0]["status_desc"], json!("running"));
    assert_eq!(items[0]["version"], json!("18.2.7"));
    assert_eq!(items[0]["started"], json!(1_796_454_000.0));
    assert_eq!(
        items[1]["status_desc"],
        json!("stopped (not in the service map)")
    );
    assert_eq!(items[1]["started"], json!(null));
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
    assert!(fresh["observed_at"].as_f64() > first["observed_at"].as_f64());
}

#[test]
fn listings_keep_answering_from_the_cache_when_microceph_is_gone() {
    let mut fake = Fake::start();
    let config = fake.config();
    let first = json(&daemons(&config, "[]", &DaemonFilter::default(), false, &maps()).unwrap());
    fake.stop();
    let cached = json(&daemons(&config, "[]", &DaemonFilter::default(), false, &maps()).unwrap());
    assert_eq!(
        cached, first,
        "the last observation answers, with the time it was made"
    );
    let error = daemons(&config, "[]", &DaemonFilter::default(), true, &maps())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("cannot observe the MicroCeph cluster: microceph socket ")
            && error.contains(" does not exist"),
        "{error}"
    );
    assert!(
        error.contains("; without --refresh, listings show the state observed at 20")
            && error.ends_with('Z'),
        "a failed refresh says how old the cached state is: {error}"
    );
}

#[test]
fn a_warm_cache_answers_every_listing_without_asking_microceph() {
    let fake = Fake::start();
    let config = fake.config();
    hosts(&config, true).unwrap();
    let refresh_calls: Vec<String> = fake
        .control()
        .requests()
        .iter()
        .map(|request| format!("{} {}?{}", request.method, request.path, request.query))
        .collect();
    let mut sorted = refresh_calls.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "GET /1.0/disks?",
            "GET /1.0/resources?target=node1",
            "GET /1.0/resources?target=node2",
            "GET /1.0/resources?target=node3",
            "GET /1.0/services?",
            "GET /core/1.0/cluster?",
        ],
        "a refresh is one call per cluster-wide list and one per member"
    );
    fake.control().clear_requests();
    hosts(&config, false).unwrap();
    services(&config, "[]", None, None, false, &maps()).unwrap();
    daemons(&config, "[]", &DaemonFilter::default(), false, &maps()).unwrap();
    inventory(&config, None, None, false).unwrap();
    assert!(
        fake.control().requests().is_empty(),
        "listings from a warm cache make no call: {:?}",
        fake.control().requests()
    );
}

#[test]
fn the_listing_token_moves_exactly_when_a_listing_could_change() {
    let fake = Fake::start();
    let config = fake.config();
    assert_eq!(listing_token(&config, "[]"), None, "nothing observed yet");
    hosts(&config, true).unwrap();
    let first = listing_token(&config, "[]").expect("observed");
    services(&config, "[]", None, None, false, &maps()).unwrap();
    assert_eq!(
        listing_token(&config, "[]").as_ref(),
        Some(&first),
        "listing from the cache changes nothing"
    );
    assert_ne!(
        listing_token(&config, r#"[{"service_type": "mon"}]"#).as_ref(),
        Some(&first),
        "other stored specs"
    );

    let maps_json = json!({"mgr_map": {"active_name": "node1", "active_gid": 1, "available": true, "standbys": []}}).to_string();
    update_ceph_view(&maps_json).unwrap();
    let after_maps = listing_token(&config, "[]").expect("observed");
    assert_ne!(after_maps, first, "Ceph's maps changed");
    update_ceph_view(&maps_json).unwrap();
    assert_eq!(
        listing_token(&config, "[]").as_ref(),
        Some(&after_maps),
        "the same maps again change nothing"
    );

    hosts(&config, true).unwrap();
    let refreshed = listing_token(&config, "[]").expect("observed");
    assert_ne!(refreshed, after_maps, "a refresh");

    let spec =
        json!({"service_type": "rgw", "service_id": "foo", "placement": {"hosts": ["node1"]}});
    apply(&config, &format!("[{spec}]"), "[]", ApplyOptions::default()).unwrap();
    assert_ne!(
        listing_token(&config, "[]").as_ref(),
        Some(&refreshed),
        "a write reads the placement again and records an event"
    );
}
