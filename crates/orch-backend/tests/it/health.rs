//! The `serve()` pass and the health checks it raises: MicroCeph unreachable, members offline, services below their specs; and availability from the last probe.

use std::time::Duration;

use orch_backend::{ApplyOptions, apply, available, serve_tick};
use orch_core::CephView;
use serde_json::{Value, json};

use crate::support::{Fake, ceph_view, json};

const PROBE: Duration = Duration::from_secs(2);

fn tick(fake: &Fake, stored: &str, ceph: &CephView) -> Value {
    json(&serve_tick(&fake.config(), stored, PROBE, ceph).unwrap())
}

#[test]
fn a_healthy_cluster_raises_nothing() {
    let fake = Fake::start();
    let pass = tick(&fake, "[]", &CephView::default());
    assert_eq!(pass, json!({"health": {}, "problems": []}));
    assert_eq!(
        available(&fake.config(), PROBE).unwrap(),
        (true, String::new())
    );
}

#[test]
fn an_offline_member_is_named() {
    let fake = Fake::start();
    fake.make_unreachable("node3");
    let pass = tick(&fake, "[]", &CephView::default());
    assert_eq!(
        pass["health"],
        json!({"MICROCEPH_MEMBER_OFFLINE": {
            "severity": "warning",
            "summary": "1 MicroCeph member is not online",
            "count": 1,
            "detail": ["node3 is UNREACHABLE"],
        }})
    );
}

#[test]
fn microceph_gone_raises_one_check_until_it_is_back() {
    let mut fake = Fake::start();
    let config = fake.config();
    assert_eq!(tick(&fake, "[]", &CephView::default())["health"], json!({}));
    fake.stop();
    let pass = tick(&fake, "[]", &CephView::default());
    let check = &pass["health"]["MICROCEPH_API_UNREACHABLE"];
    assert_eq!(pass["health"].as_object().unwrap().len(), 1, "{pass}");
    assert_eq!(
        check["summary"],
        json!(format!(
            "MicroCeph API at {} is unreachable",
            config.socket.display()
        ))
    );
    let detail = check["detail"].as_array().unwrap();
    assert!(
        detail[0].as_str().unwrap().contains("does not exist"),
        "MicroCeph's socket is named as missing: {detail:?}"
    );
    assert_eq!(
        detail[1],
        json!("`ceph orch` listings show the last state observed; REFRESHED says how old it is")
    );
    let (is_available, reason) = available(&config, PROBE).unwrap();
    assert!(!is_available);
    assert_eq!(
        json!(reason),
        detail[0],
        "availability answers from the last probe"
    );
    fake.restart();
    assert_eq!(tick(&fake, "[]", &CephView::default())["health"], json!({}));
    assert!(available(&config, PROBE).unwrap().0);
}

#[test]
fn a_service_below_its_spec_names_the_missing_daemons() {
    let fake = Fake::start();
    let stored = json!([{"service_type": "rgw", "service_id": "foo", "placement": {"hosts": ["node1", "node2"]}}]).to_string();
    apply(&fake.config(), &stored, "[]", ApplyOptions::default()).unwrap();
    let one_rgw = ceph_view(&json!({"service_map": {"services": {"rgw": {"daemons": {
        "summary": "",
        "5001": {"gid": 5001, "start_stamp": "2026-12-05T07:00:00.000000+0000", "metadata": {"hostname": "node1"}},
    }}}}}));
    let pass = tick(&fake, &stored, &one_rgw);
    assert_eq!(
        pass["health"],
        json!({"MICROCEPH_SERVICE_BELOW_SPEC": {
            "severity": "warning",
            "summary": "1 service runs below its applied spec",
            "count": 1,
            "detail": ["rgw.foo: 1/2 running; rgw.node2 stopped (not in the service map)"],
        }})
    );
    let unknown = tick(&fake, &stored, &CephView::default());
    assert_eq!(
        unknown["health"],
        json!({}),
        "daemons Ceph's maps say nothing of are not counted as failed"
    );
}
