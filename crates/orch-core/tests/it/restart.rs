//! Decision tables for `ceph orch <action> <service>` and `ceph orch daemon <action> <daemon>` over every shape.

use orch_core::{plan_daemon_action, plan_service_action};

use crate::shapes::{self, case};

const SERVICE_ACTIONS: [(&str, &str); 11] = [
    ("restart", "mon"),
    ("restart", "mgr"),
    ("restart", "mds.fs1"),
    ("restart", "rgw.a"),
    ("restart", "nfs.alpha"),
    ("restart", "rbd-mirror"),
    ("restart", "osd"),
    ("restart", "crash"),
    ("restart", "nfs"),
    ("stop", "mon"),
    ("redeploy", "rgw.a"),
];

const DAEMON_ACTIONS: [(&str, &str); 12] = [
    ("restart", "mon.node1"),
    ("restart", "mon.node5"),
    ("restart", "osd.1"),
    ("restart", "osd.99"),
    ("restart", "osd.x"),
    ("restart", "rgw.node1"),
    ("restart", "mgr.node1"),
    ("restart", "mon.nodeX"),
    ("restart", "mon"),
    ("restart", "nfs.alpha.node3"),
    ("restart", "bogus.node1"),
    ("start", "mon.node1"),
];

fn snapshot_name(prefix: &str, shape: &str, action: &str, target: &str) -> String {
    format!(
        "{prefix}__{shape}__{action}__{}",
        target.replace(['.', '-'], "_")
    )
}

#[test]
fn service_actions_on_every_shape() {
    for shape in shapes::all() {
        for (action, service_name) in SERVICE_ACTIONS {
            let plan = plan_service_action(action, service_name, &shape.observed);
            let name = snapshot_name("service", shape.name, action, service_name);
            let input = format!("orch {action} {service_name}");
            insta::assert_snapshot!(name, case(&input, &shape, &plan));
        }
    }
}

#[test]
fn daemon_actions_on_every_shape() {
    for shape in shapes::all() {
        for (action, daemon_name) in DAEMON_ACTIONS {
            let plan = plan_daemon_action(action, daemon_name, &shape.observed);
            let name = snapshot_name("daemon", shape.name, action, daemon_name);
            let input = format!("orch daemon {action} {daemon_name}");
            insta::assert_snapshot!(name, case(&input, &shape, &plan));
        }
    }
}
