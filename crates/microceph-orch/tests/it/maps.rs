//! The fake `ceph`'s answers: Ceph's maps of the fake's three-member cluster, in the shapes `ceph ... --format json` prints (trimmed of fields nothing reads).
//!
//! mons node1 and node2 are in quorum of a monmap of all three; mgr node1 is active and node2 standby; MDS node1 is active for `cephfs` and node2 standby;
//! osd.1 is up and osd.2 down, osd.3 missing from the OSD map; an RGW is registered from node1; every daemon but osd.3 has metadata with the given release.

use serde_json::{Value, json};

/// Every answer, by the name the fake `ceph` looks it up with.
pub(crate) fn all(release: &str) -> Vec<(&'static str, Value)> {
    let (version, short) = match release {
        "pacific" => (
            "ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)",
            "16.2.15",
        ),
        "tentacle" => (
            "ceph version 20.2.0 (69f84cc2651aa259a15bc192ddaabd3baba07489) tentacle (stable)",
            "20.2.0",
        ),
        _ => (
            "ceph version 18.2.7 (6b0e988052ec84cf2d4a54ff9bbbc5e720b621ad) reef (stable)",
            "18.2.7",
        ),
    };
    let metadata = |field: &str, name: Value, host: &str| {
        json!({
            field: name,
            "hostname": host,
            "arch": "x86_64",
            "ceph_release": release,
            "ceph_version": version,
            "ceph_version_short": short,
            "distro": "ubuntu",
            "distro_version": "24.04",
            "os": "Linux",
        })
    };
    let nodes = ["node1", "node2", "node3"];
    vec![
        ("quorum_status", quorum_status()),
        ("mgr_dump", mgr_dump()),
        ("fs_dump", fs_dump()),
        ("service_dump", service_dump(version)),
        ("osd_dump", osd_dump()),
        (
            "mon_metadata",
            Value::Array(
                nodes
                    .iter()
                    .map(|node| metadata("name", json!(node), node))
                    .collect(),
            ),
        ),
        (
            "mgr_metadata",
            Value::Array(
                nodes
                    .iter()
                    .map(|node| metadata("name", json!(node), node))
                    .collect(),
            ),
        ),
        (
            "mds_metadata",
            Value::Array(
                nodes[..2]
                    .iter()
                    .map(|node| metadata("name", json!(node), node))
                    .collect(),
            ),
        ),
        (
            "osd_metadata",
            json!([
                metadata("id", json!(1), "node1"),
                metadata("id", json!(2), "node2")
            ]),
        ),
    ]
}

fn quorum_status() -> Value {
    let mon = |rank: u64, name: &str, ip: &str| {
        json!({
            "rank": rank,
            "name": name,
            "public_addrs": {"addrvec": [
                {"type": "v2", "addr": format!("{ip}:3300"), "nonce": 0},
                {"type": "v1", "addr": format!("{ip}:6789"), "nonce": 0},
            ]},
            "addr": format!("{ip}:6789/0"),
            "public_addr": format!("{ip}:6789/0"),
            "priority": 0,
            "weight": 0,
            "crush_location": "{}",
        })
    };
    json!({
        "election_epoch": 8,
        "quorum": [0, 1],
        "quorum_names": ["node1", "node2"],
        "quorum_leader_name": "node1",
        "quorum_age": 40,
        "monmap": {
            "epoch": 3,
            "fsid": "33d44278-b88c-464a-b49b-9a5b553a8069",
            "modified": "2026-12-05T08:00:05.567865Z",
            "created": "2026-12-05T07:50:05.567865Z",
            "min_mon_release": 18,
            "min_mon_release_name": "reef",
            "election_strategy": 1,
            "stretch_mode": false,
            "mons": [mon(0, "node1", "10.0.0.1"), mon(1, "node2", "10.0.0.2"), mon(2, "node3", "10.0.0.3")],
        },
    })
}

fn mgr_dump() -> Value {
    json!({
        "epoch": 11,
        "flags": 0,
        "active_gid": 4152,
        "active_name": "node1",
        "active_addr": "10.0.0.1:6801/4170326666",
        "active_change": "2026-12-05T08:00:28.152055+0000",
        "available": true,
        "standbys": [{"gid": 4160, "name": "node2", "available_modules": []}],
        "modules": ["iostat", "microceph"],
        "available_modules": [],
        "services": {},
    })
}

fn fs_dump() -> Value {
    let mds = |gid: u64, name: &str, rank: i64, state: &str| json!({"gid": gid, "name": name, "rank": rank, "incarnation": 4, "state": state, "state_seq": 2, "addr": "10.0.0.1:6800/1", "join_fscid": -1});
    json!({
        "epoch": 7,
        "default_fscid": 1,
        "filesystems": [{"id": 1, "mdsmap": {
            "epoch": 7,
            "fs_name": "cephfs",
            "max_mds": 1,
            "in": [0],
            "up": {"mds_0": 4300},
            "info": {"gid_4300": mds(4300, "node1", 0, "up:active")},
        }}],
        "standbys": [mds(4301, "node2", -1, "up:standby")],
    })
}

fn service_dump(version: &str) -> Value {
    json!({
        "epoch": 4,
        "modified": "2026-12-05T08:00:05.691690+0000",
        "services": {"rgw": {"daemons": {
            "summary": "",
            "5001": {
                "start_epoch": 3,
                "start_stamp": "2026-12-05T07:00:00.000000+0000",
                "gid": 5001,
                "addr": "10.0.0.1:0/2364213526",
                "metadata": {"hostname": "node1", "ceph_version": version, "frontend_config#0": "beast port=80", "id": "node1"},
                "task_status": {},
            },
        }}},
    })
}

fn osd_dump() -> Value {
    let osd = |id: u64, up: u64, up_from: u64| json!({"osd": id, "uuid": format!("6f6a9d5c-0000-4000-8000-00000000000{id}"), "up": up, "in": 1, "weight": 1, "primary_affinity": 1, "up_from": up_from, "up_thru": up_from + 2, "down_at": 0, "lost_at": 0, "state": if up == 1 { json!(["exists", "up"]) } else { json!(["exists"]) }});
    json!({
        "epoch": 30,
        "fsid": "33d44278-b88c-464a-b49b-9a5b553a8069",
        "flags": "sortbitwise,recovery_deletes,purged_snapdirs,pglog_hardlimit",
        "max_osd": 3,
        "require_osd_release": "reef",
        "pools": [],
        "osds": [osd(1, 1, 10), osd(2, 0, 9)],
    })
}
