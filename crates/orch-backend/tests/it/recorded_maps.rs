//! Ceph's maps recorded from real daemons of each release (`test-data/ceph-maps/`), read and judged.
//!
//! The plain recording has one mon and an active mgr named `labhost` and a standby mgr `node2`; the rich one adds osd.0, an active MDS `labhost` on CephFS `labfs`, and an RGW from `labhost`.
//! The same maps as the mgr module gets them and as `ceph ... --format json` prints them must say the same of every daemon.

use std::path::PathBuf;

use orch_backend::update_ceph_maps;
use orch_core::comeback::{Comeback, comeback, mark};
use orch_core::liveness::liveness;
use orch_core::{CephView, ServiceType};
use serde_json::{Map, Value, json};

const RELEASES: [(&str, &str); 3] = [
    ("pacific", "16.2.15"),
    ("reef", "18.2.7"),
    ("tentacle", "20.2.4"),
];

fn read(release: &str, file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-data/ceph-maps")
        .join(release)
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn view(parts: &Value) -> CephView {
    let mut view = CephView::default();
    update_ceph_maps(&mut view, &parts.to_string()).expect("recorded maps read");
    view
}

/// The maps as the mgr module passes them: `dir` is `module` or `rich/module`, and `osd_map` names the OSD map file.
fn module_view(release: &str, dir: &str, mgr_map: &str, osd_map: &str) -> CephView {
    let file = |name: &str| read(release, &format!("{dir}/{name}"));
    view(&json!({
        "mon_status": file("mon_status.json"),
        "mgr_map": file(mgr_map),
        "fs_map": file("fs_map.json"),
        "service_map": file("service_map.json"),
        "osd_map": file(osd_map),
        "daemon_metadata": {
            "mon": {"labhost": file("get_metadata-mon.json")},
            "mgr": {
                "labhost": file("get_metadata-mgr-active.json"),
                "node2": file("get_metadata-mgr-standby.json"),
            },
        },
        "osd_metadata": file("osd_metadata.json"),
    }))
}

/// The maps as `ceph ... --format json` prints them, with the metadata lists keyed by `name` or `id` as the command keys them.
fn cli_view(release: &str, dir: &str) -> CephView {
    let file = |name: &str| read(release, &format!("{dir}/{name}"));
    let keyed = |name: &str, key: &str| -> Value {
        let mut by_id = Map::new();
        for entry in file(name).as_array().expect("a metadata list") {
            by_id.insert(
                entry[key].to_string().trim_matches('"').to_owned(),
                entry.clone(),
            );
        }
        Value::Object(by_id)
    };
    view(&json!({
        "mon_status": file("quorum_status.json"),
        "mgr_map": file("mgr_dump.json"),
        "fs_map": file("fs_dump.json"),
        "service_map": file("service_dump.json"),
        "osd_map": file("osd_dump.json"),
        "daemon_metadata": {
            "mon": keyed("mon_metadata.json", "name"),
            "mgr": keyed("mgr_metadata.json", "name"),
            "mds": keyed("mds_metadata.json", "name"),
            "osd": keyed("osd_metadata.json", "id"),
        },
    }))
}

/// What `ceph` says of each daemon: `name: description version started`.
fn judged(ceph: &CephView, daemons: &[(ServiceType, &str)]) -> Vec<String> {
    daemons
        .iter()
        .map(|(daemon_type, daemon_id)| {
            let found = liveness(ceph, *daemon_type, daemon_id, "labhost");
            format!(
                "{daemon_type}.{daemon_id}: {} {} {}{}",
                found.description(),
                found.version.as_deref().unwrap_or("-"),
                if found.started.is_some() {
                    "started"
                } else {
                    "-"
                },
                if found.is_active { " active" } else { "" },
            )
        })
        .collect()
}

const PLAIN: [(ServiceType, &str); 6] = [
    (ServiceType::Mon, "labhost"),
    (ServiceType::Mgr, "labhost"),
    (ServiceType::Mgr, "node2"),
    (ServiceType::Mgr, "node3"),
    (ServiceType::Mds, "labhost"),
    (ServiceType::Osd, "0"),
];

#[test]
fn the_lab_s_mon_and_mgrs_run_and_the_rest_is_what_ceph_knows() {
    for (release, version) in RELEASES {
        let expected = [
            format!("mon.labhost: running {version} -"),
            format!("mgr.labhost: running {version} - active"),
            format!("mgr.node2: running {version} -"),
            "mgr.node3: stopped (not in the mgr map) - -".to_owned(),
            "mds.labhost: stopped (not in the FS map) - -".to_owned(),
            "osd.0: unknown (not in the OSD map) - -".to_owned(),
        ];
        let module = module_view(release, "module", "mgr_map.json", "osd_map.json");
        assert_eq!(judged(&module, &PLAIN), expected, "{release}");
        assert_eq!(
            judged(&cli_view(release, "cli"), &PLAIN),
            expected,
            "{release} CLI"
        );
        let stopped = module_view(
            release,
            "module",
            "mgr_map-standby-stopped.json",
            "osd_map.json",
        );
        assert_eq!(
            judged(&stopped, &[(ServiceType::Mgr, "node2")]),
            [format!(
                "mgr.node2: stopped (not in the mgr map) {version} -"
            )],
            "{release}: the standby that stopped keeps the version its metadata last named"
        );
    }
}

#[test]
fn an_osd_an_mds_and_an_rgw_of_a_real_cluster_run() {
    let daemons = [
        (ServiceType::Mds, "labhost"),
        (ServiceType::Osd, "0"),
        (ServiceType::Rgw, "labhost"),
        (ServiceType::Nfs, "east.labhost"),
        (ServiceType::RbdMirror, "labhost"),
    ];
    for (release, version) in RELEASES {
        let expected = [
            "mds.labhost: running - -".to_owned(),
            format!("osd.0: running {version} -"),
            format!("rgw.labhost: running {version} started"),
            "nfs.east.labhost: unknown (not in the service map) - -".to_owned(),
            "rbd-mirror.labhost: stopped (not in the service map) - -".to_owned(),
        ];
        let module = module_view(release, "rich/module", "mgr_map.json", "osd_map.json");
        assert_eq!(judged(&module, &daemons), expected, "{release}");
        let mds = liveness(&module, ServiceType::Mds, "labhost", "labhost");
        assert_eq!(mds.rank, Some(0), "{release}");
        let cli = cli_view(release, "rich/cli");
        let mut with_mds_version = expected.clone();
        with_mds_version[0] = format!("mds.labhost: running {version} -");
        assert_eq!(
            judged(&cli, &daemons),
            with_mds_version,
            "{release} CLI, which reads the MDS metadata too"
        );
        let down = module_view(
            release,
            "rich/module",
            "mgr_map.json",
            "osd_map-osd-down.json",
        );
        assert_eq!(
            judged(&down, &[(ServiceType::Osd, "0")]),
            [format!("osd.0: error (osd down) {version} -")],
            "{release}"
        );
    }
}

#[test]
fn a_restarted_osd_is_confirmed_from_its_newer_up_from() {
    for (release, _) in RELEASES {
        let before = module_view(release, "rich/module", "mgr_map.json", "osd_map.json");
        let down = module_view(
            release,
            "rich/module",
            "mgr_map.json",
            "osd_map-osd-down.json",
        );
        let back = module_view(
            release,
            "rich/module",
            "mgr_map.json",
            "osd_map-osd-restarted.json",
        );
        let osd = mark(&before, ServiceType::Osd, "0", "labhost");
        let check = |after: &CephView| comeback(&osd, after, ServiceType::Osd, "0", "labhost");
        assert_eq!(
            check(&before),
            Comeback::Waiting("still up since before the restart".into()),
            "{release}"
        );
        assert_eq!(
            check(&down),
            Comeback::Waiting("not up again".into()),
            "{release}"
        );
        assert_eq!(check(&back), Comeback::Returned, "{release}");
        let mon = mark(&before, ServiceType::Mon, "labhost", "labhost");
        assert_eq!(
            comeback(&mon, &before, ServiceType::Mon, "labhost", "labhost"),
            Comeback::Waiting("no new mon election yet".into()),
            "{release}"
        );
    }
}
