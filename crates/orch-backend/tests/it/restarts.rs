//! Restarts and their confirmation from Ceph's maps: back, not back in time, and not confirmable.

use orch_backend::{confirm_restart, daemon_action, service_action, services};
use orch_core::CephView;
use serde_json::{Value, json};

use crate::support::{Fake, ceph_view, json};

/// Ceph's maps with all three mons in quorum after election `epoch`, and osd.1 up since epoch `up_from`.
fn maps(epoch: u64, up_from: u64) -> CephView {
    ceph_view(&json!({
        "mon_status": {
            "election_epoch": epoch,
            "quorum": [0, 1, 2],
            "monmap": {"mons": [
                {"rank": 0, "name": "node1"}, {"rank": 1, "name": "node2"}, {"rank": 2, "name": "node3"}
            ]},
        },
        "osd_map": {"osds": [{"osd": 1, "up": 1, "in": 1, "up_from": up_from}]},
    }))
}

fn lines(answer: &Value) -> Vec<&str> {
    answer["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no lines in {answer}"))
        .iter()
        .map(|line| line.as_str().unwrap())
        .collect()
}

#[test]
fn a_restart_is_confirmed_when_ceph_shows_a_new_election() {
    let fake = Fake::start();
    let config = fake.config_confirming_within(30.0);
    let answer = json(&service_action(&config, "restart", "mon", &maps(8, 10)).unwrap());
    assert_eq!(answer["wait"], json!(1.0), "no new election yet: {answer}");
    assert_eq!(
        answer["read"],
        json!(["mon_status", "osd_map", "service_map"])
    );
    let pending = answer["pending"].as_str().unwrap();
    let still = json(&confirm_restart(pending, &maps(8, 10)).unwrap());
    assert!(still["pending"].is_string(), "{still}");
    let back = json(&confirm_restart(pending, &maps(9, 10)).unwrap());
    assert_eq!(
        lines(&back),
        [
            "mon: restarted mon on node1",
            "mon: restarted mon on node2",
            "mon: restarted mon on node3",
            "mon: Ceph shows mon.node1, mon.node2, mon.node3 back",
        ]
    );
    let listing = json(&services(&config, "[]", Some("mon"), None, false, &maps(9, 10)).unwrap());
    let events = &listing["items"][0]["events"];
    assert_eq!(events.as_array().unwrap().len(), 1, "{events}");
    assert_eq!(events[0]["level"], json!("INFO"));
    assert_eq!(events[0]["message"], json!(lines(&back).join("\n")));
}

#[test]
fn a_daemon_not_back_in_time_fails_the_restart_and_says_why() {
    let fake = Fake::start();
    let config = fake.config_confirming_within(0.2);
    let answer = json(&daemon_action(&config, "restart", "osd.1", &maps(8, 10)).unwrap());
    std::thread::sleep(std::time::Duration::from_millis(300));
    let error = confirm_restart(answer["pending"].as_str().unwrap(), &maps(8, 10)).unwrap_err();
    assert_eq!(error.errno(), 110);
    assert!(!error.is_validation());
    assert_eq!(
        error.to_string(),
        "osd.1: Ceph does not show osd.1 (still up since before the restart) back within 0.2 s after MicroCeph restarted osd on node1\n\
         warning: MicroCeph restarts only the services it records per member and does not record OSDs there, so it may answer an osd restart without restarting any OSD"
    );
    let again = json(&daemon_action(&config, "restart", "osd.1", &maps(8, 10)).unwrap());
    let back = json(&confirm_restart(again["pending"].as_str().unwrap(), &maps(8, 12)).unwrap());
    assert_eq!(
        lines(&back),
        [
            "osd.1: restarted osd on node1",
            "osd.1: Ceph shows osd.1 back",
            "warning: MicroCeph restarts only the services it records per member and does not record OSDs there, so it may answer an osd restart without restarting any OSD",
        ]
    );
}

#[test]
fn daemons_ceph_has_no_record_of_are_named_as_not_confirmed() {
    let fake = Fake::start();
    let answer =
        json(&service_action(&fake.config(), "restart", "mon", &CephView::default()).unwrap());
    assert_eq!(
        lines(&answer),
        [
            "mon: restarted mon on node1",
            "mon: restarted mon on node2",
            "mon: restarted mon on node3",
            "warning: restart not confirmed for mon.node1: the monmap was not read",
            "warning: restart not confirmed for mon.node2: the monmap was not read",
            "warning: restart not confirmed for mon.node3: the monmap was not read",
        ]
    );
    let osd3 = json(&daemon_action(&fake.config(), "restart", "osd.3", &maps(8, 10)).unwrap());
    assert_eq!(
        lines(&osd3)[1],
        "warning: restart not confirmed for osd.3: Ceph has no record of it: it is not in the OSD map"
    );
    let error = daemon_action(&fake.config(), "stop", "mon.node2", &maps(8, 10)).unwrap_err();
    assert!(error.is_validation());
    assert!(
        error
            .to_string()
            .starts_with("mon.node2: action 'stop' is not supported by MicroCeph"),
        "{error}"
    );
}
