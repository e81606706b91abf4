//! The decision table of `liveness`: what each of Ceph's maps says of each daemon type.

use std::collections::BTreeMap;

use orch_core::comeback::{self, Comeback};
use orch_core::liveness::liveness;
use orch_core::{
    CephView, DaemonMetadata, MdsDaemon, MgrView, MonView, OsdState, ServiceDaemon, ServiceType,
};

/// A cluster whose maps know `node1` to `node3`: mons node1 and node2 in quorum (node3 out of it), mgr node1 active and node2 standby,
/// MDS node1 active on rank 0 of `fs1`, node2 standby and node3 damaged, osd.1 up, osd.2 down and in, osd.3 down and out,
/// and in the service map an RGW on `node1.example.com` and a superseded and a current rbd-mirror on node2.
fn view() -> CephView {
    let names = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
    let mds = |name: &str, state: &str, rank: Option<u64>| MdsDaemon {
        name: name.to_owned(),
        state: state.to_owned(),
        rank,
        filesystem: rank.map(|_| "fs1".to_owned()),
        gid: 1,
    };
    let registered = |service: &str, hostname: &str, gid: u64, stamp: &str| ServiceDaemon {
        service: service.to_owned(),
        key: gid.to_string(),
        hostname: hostname.to_owned(),
        start_stamp: Some(stamp.to_owned()),
        gid,
        version: Some("18.2.7".to_owned()),
    };
    let osd = |id: u64, up: bool, is_in: bool| OsdState {
        id,
        up,
        is_in,
        up_from: 10,
    };
    let mut metadata = BTreeMap::new();
    metadata.insert(
        "mon.node1".to_owned(),
        DaemonMetadata {
            hostname: Some("node1".to_owned()),
            version: Some("18.2.7".to_owned()),
        },
    );
    CephView {
        mons: Some(MonView {
            monmap: names(&["node1", "node2", "node3"]),
            quorum: names(&["node1", "node2"]),
            election_epoch: 12,
        }),
        mgrs: Some(MgrView {
            active: Some("node1".to_owned()),
            active_gid: 4100,
            standbys: names(&["node2"]),
        }),
        mds: Some(vec![
            mds("node1", "up:active", Some(0)),
            mds("node2", "up:standby", None),
            mds("node3", "damaged", Some(1)),
        ]),
        service_daemons: Some(vec![
            registered(
                "rgw",
                "node1.example.com",
                5001,
                "2026-12-05T07:00:00.000000+0000",
            ),
            registered(
                "rbd-mirror",
                "node2",
                5002,
                "2026-12-05T06:00:00.000000+0000",
            ),
            registered(
                "rbd-mirror",
                "node2",
                5003,
                "2026-12-05T07:30:00.000000+0000",
            ),
        ]),
        osds: Some(vec![
            osd(1, true, true),
            osd(2, false, true),
            osd(3, false, false),
        ]),
        metadata,
    }
}

/// Checks one row: what `ceph` says of `daemon_type.daemon_id` on `member`, as `description | version | started | active | rank`.
fn check(ceph: &CephView, daemon_type: ServiceType, daemon_id: &str, member: &str, expected: &str) {
    let found = liveness(ceph, daemon_type, daemon_id, member);
    let shown = format!(
        "{} | {} | {} | {} | {}",
        found.description(),
        found.version.as_deref().unwrap_or("-"),
        found.started.as_deref().unwrap_or("-"),
        found.is_active,
        found.rank.map_or("-".to_owned(), |rank| rank.to_string()),
    );
    assert_eq!(shown, expected, "{daemon_type}.{daemon_id} on {member}");
}

#[test]
fn each_map_decides_for_its_daemons() {
    use ServiceType::*;
    let ceph = view();
    let rows: &[(ServiceType, &str, &str, &str)] = &[
        (Mon, "node1", "node1", "running | 18.2.7 | - | false | -"),
        (
            Mon,
            "node3",
            "node3",
            "error (not in quorum) | - | - | false | -",
        ),
        (
            Mon,
            "node4",
            "node4",
            "unknown (not in the monmap) | - | - | false | -",
        ),
        (Mgr, "node1", "node1", "running | - | - | true | -"),
        (Mgr, "node2", "node2", "running | - | - | false | -"),
        (
            Mgr,
            "node3",
            "node3",
            "stopped (not in the mgr map) | - | - | false | -",
        ),
        (Mds, "node1", "node1", "running | - | - | false | 0"),
        (Mds, "node2", "node2", "running | - | - | false | -"),
        (Mds, "node3", "node3", "error (damaged) | - | - | false | 1"),
        (
            Mds,
            "node4",
            "node4",
            "stopped (not in the FS map) | - | - | false | -",
        ),
        (Osd, "1", "node1", "running | - | - | false | -"),
        (Osd, "2", "node2", "error (osd down) | - | - | false | -"),
        (
            Osd,
            "3",
            "node3",
            "error (osd down and out) | - | - | false | -",
        ),
        (
            Osd,
            "9",
            "node3",
            "unknown (not in the OSD map) | - | - | false | -",
        ),
        (
            Rgw,
            "node1",
            "node1",
            "running | 18.2.7 | 2026-12-05T07:00:00.000000+0000 | false | -",
        ),
        (
            Rgw,
            "node2",
            "node2",
            "stopped (not in the service map) | - | - | false | -",
        ),
        (
            RbdMirror,
            "node2",
            "node2",
            "running | 18.2.7 | 2026-12-05T07:30:00.000000+0000 | false | -",
        ),
        (
            CephfsMirror,
            "node1",
            "node1",
            "stopped (not in the service map) | - | - | false | -",
        ),
        (
            Nfs,
            "east.node1",
            "node1",
            "unknown (not in the service map) | - | - | false | -",
        ),
    ];
    for (daemon_type, daemon_id, member, expected) in rows {
        check(&ceph, *daemon_type, daemon_id, member, expected);
    }
}

#[test]
fn a_map_that_was_not_read_leaves_its_daemons_unknown() {
    use ServiceType::*;
    let ceph = CephView::default();
    assert!(!ceph.is_read());
    let rows: &[(ServiceType, &str, &str)] = &[
        (
            Mon,
            "node1",
            "unknown (the monmap was not read) | - | - | false | -",
        ),
        (
            Mgr,
            "node1",
            "unknown (the mgr map was not read) | - | - | false | -",
        ),
        (
            Mds,
            "node1",
            "unknown (the FS map was not read) | - | - | false | -",
        ),
        (
            Osd,
            "1",
            "unknown (the OSD map was not read) | - | - | false | -",
        ),
        (
            Rgw,
            "node1",
            "unknown (the service map was not read) | - | - | false | -",
        ),
    ];
    for (daemon_type, daemon_id, expected) in rows {
        check(&ceph, *daemon_type, daemon_id, "node1", expected);
    }
}

/// Checks a restart: the mark taken from `before`, then what `after` says.
fn check_comeback(
    before: &CephView,
    after: &CephView,
    daemon_type: ServiceType,
    daemon_id: &str,
    expected: &str,
) {
    let mark = comeback::mark(before, daemon_type, daemon_id, "node1");
    let shown = match comeback::comeback(&mark, after, daemon_type, daemon_id, "node1") {
        Comeback::Returned => "returned".to_owned(),
        Comeback::Waiting(why) => format!("waiting: {why}"),
        Comeback::Unconfirmable(why) => format!("unconfirmable: {why}"),
    };
    assert_eq!(shown, expected, "{daemon_type}.{daemon_id}");
}

#[test]
fn restarts_are_confirmed_from_newer_epochs_and_registrations() {
    use ServiceType::*;
    let before = view();
    let mut mon_restarted = view();
    mon_restarted.mons.as_mut().unwrap().election_epoch = 14;
    let mut mon_out = mon_restarted.clone();
    mon_out
        .mons
        .as_mut()
        .unwrap()
        .quorum
        .retain(|name| name != "node1");
    check_comeback(
        &before,
        &before,
        Mon,
        "node1",
        "waiting: no new mon election yet",
    );
    check_comeback(
        &before,
        &mon_out,
        Mon,
        "node1",
        "waiting: not back in quorum",
    );
    check_comeback(&before, &mon_restarted, Mon, "node1", "returned");
    check_comeback(
        &before,
        &mon_restarted,
        Mon,
        "node9",
        "unconfirmable: Ceph has no record of it: it is not in the monmap",
    );

    let mut osd_down = view();
    osd_down.osds.as_mut().unwrap()[0].up = false;
    let mut osd_back = view();
    osd_back.osds.as_mut().unwrap()[0].up_from = 11;
    check_comeback(
        &before,
        &before,
        Osd,
        "1",
        "waiting: still up since before the restart",
    );
    check_comeback(&before, &osd_down, Osd, "1", "waiting: not up again");
    check_comeback(&before, &osd_back, Osd, "1", "returned");
    check_comeback(
        &before,
        &osd_back,
        Osd,
        "7",
        "unconfirmable: Ceph has no record of it: it is not in the OSD map",
    );

    let mut rgw_gone = view();
    rgw_gone
        .service_daemons
        .as_mut()
        .unwrap()
        .retain(|daemon| daemon.service != "rgw");
    let mut rgw_back = view();
    rgw_back.service_daemons.as_mut().unwrap()[0].gid = 6001;
    check_comeback(
        &before,
        &before,
        Rgw,
        "node1",
        "waiting: still registered from before the restart",
    );
    check_comeback(
        &before,
        &rgw_gone,
        Rgw,
        "node1",
        "waiting: not registered in the service map again",
    );
    check_comeback(&before, &rgw_back, Rgw, "node1", "returned");
    check_comeback(&rgw_gone, &rgw_back, Rgw, "node1", "returned");

    check_comeback(
        &CephView::default(),
        &before,
        Mon,
        "node1",
        "unconfirmable: the monmap was not read",
    );
    check_comeback(
        &before,
        &before,
        Mgr,
        "node1",
        "unconfirmable: MicroCeph does not restart mgr daemons",
    );
}
