//! The listings and `status`, in plain and JSON, with Ceph's maps read, not read (`--no-ceph`) and partly failing.

use serde_json::json;

use crate::maps;
use crate::support::{Lab, json, masked};

/// An RGW spec as the mgr module stores it, so that `rgw.foo` is listed with its spec.
fn store_rgw(lab: &Lab) {
    lab.store(
        "rgw.foo",
        &json!({"service_type": "rgw", "service_id": "foo", "service_name": "rgw.foo", "placement": {"hosts": ["node1", "node2"]}, "spec": {"rgw_frontend_port": 8080}}),
    );
    let spec = lab.write(
        "rgw.yaml",
        "service_type: rgw\nservice_id: foo\nplacement:\n  hosts: [node1, node2]\nspec:\n  rgw_frontend_port: 8080\n",
    );
    assert_eq!(
        lab.run(&["--no-ceph", "apply", spec.to_str().unwrap()])
            .status,
        0
    );
}

#[test]
fn hosts_are_listed_as_ceph_lists_them() {
    let lab = Lab::start();
    let plain = lab.run(&["hosts"]);
    assert_eq!(
        (plain.status, plain.stdout.as_str(), plain.stderr.as_str()),
        (
            0,
            "HOST   ADDR      LABELS  STATUS\nnode1  10.0.0.1\nnode2  10.0.0.2\nnode3  10.0.0.3\n3 hosts in cluster\n",
            ""
        )
    );
    assert_eq!(
        lab.run(&["--format", "json", "hosts"]).stdout,
        "[{\"addr\": \"10.0.0.1\", \"hostname\": \"node1\", \"labels\": [], \"status\": \"\"}, {\"addr\": \"10.0.0.2\", \"hostname\": \"node2\", \"labels\": [], \"status\": \"\"}, {\"addr\": \"10.0.0.3\", \"hostname\": \"node3\", \"labels\": [], \"status\": \"\"}]\n"
    );
    assert!(lab.ceph_calls().is_empty(), "hosts need nothing of Ceph");
}

#[test]
fn services_show_what_runs_and_the_stored_specs() {
    let lab = Lab::start();
    store_rgw(&lab);
    let plain = lab.run(&["ls"]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    assert_eq!(
        masked(&plain.stdout),
        "NAME           PORTS   RUNNING  REFRESHED  AGE  PLACEMENT
mds.microceph              2/3  Ns ago     -    node1;node2;node3
mgr                        2/3  Ns ago     -    node1;node2;node3
mon                        2/3  Ns ago     -    node1;node2;node3
osd                          1  Ns ago     -    <unmanaged>
rgw.foo        ?:8080      1/2  Ns ago     -    node1;node2
"
    );
    assert_eq!(
        masked(&lab.run(&["--format", "json", "ls", "rgw"]).stdout),
        r#"[{"placement": {"hosts": ["node1", "node2"]}, "service_id": "foo", "service_name": "rgw.foo", "service_type": "rgw", "spec": {"rgw_frontend_port": 8080}, "status": {"last_refresh": "<time>", "ports": [8080], "running": 1, "size": 2}}]
"#
    );
    assert_eq!(
        masked(
            &lab.run(&["--format", "json-pretty", "ls", "--service-name", "osd"])
                .stdout
        ),
        "[\n  {\n    \"placement\": {\n      \"hosts\": [\n        \"node1\",\n        \"node2\",\n        \"node3\"\n      ]\n    },\n    \"service_name\": \"osd\",\n    \"service_type\": \"osd\",\n    \"spec\": {\n      \"filter_logic\": \"AND\",\n      \"objectstore\": \"bluestore\"\n    },\n    \"status\": {\n      \"last_refresh\": \"<time>\",\n      \"running\": 1,\n      \"size\": 3\n    },\n    \"unmanaged\": true\n  }\n]\n"
    );
    assert_eq!(
        lab.run(&["ls", "rgw", "--export"]).stdout,
        "service_type: rgw\nservice_id: foo\nservice_name: rgw.foo\nplacement:\n  hosts:\n  - node1\n  - node2\nspec:\n  rgw_frontend_port: 8080\n"
    );
    for format in ["plain", "json"] {
        assert_eq!(
            lab.run(&["--format", format, "ls", "nfs"]).stdout,
            "No services reported\n",
            "as Ceph, whatever the format"
        );
    }
}

#[test]
fn daemons_carry_what_cephs_maps_say_of_them() {
    let lab = Lab::start();
    store_rgw(&lab);
    let plain = lab.run(&["ps"]);
    assert_eq!(plain.status, 0, "{}", plain.stderr);
    assert_eq!(
        masked(&plain.stdout),
        "NAME       HOST   PORTS          STATUS                            REFRESHED  VERSION
mds.node1  node1                 running                              Ns ago  18.2.7
mds.node2  node2                 running                              Ns ago  18.2.7
mds.node3  node3                 stopped (not in the FS map)          Ns ago  <unknown>
mgr.node1  node1                 running                              Ns ago  18.2.7
mgr.node2  node2                 running                              Ns ago  18.2.7
mgr.node3  node3                 stopped (not in the mgr map)         Ns ago  18.2.7
mon.node1  node1                 running                              Ns ago  18.2.7
mon.node2  node2                 running                              Ns ago  18.2.7
mon.node3  node3                 error (not in quorum)                Ns ago  18.2.7
osd.1      node1                 running                              Ns ago  18.2.7
osd.2      node2                 error (osd down)                     Ns ago  18.2.7
osd.3      node3                 unknown (not in the OSD map)         Ns ago  <unknown>
rgw.node1  node1  10.0.0.1:8080  running (<age>)                      Ns ago  18.2.7
rgw.node2  node2  10.0.0.2:8080  stopped (not in the service map)     Ns ago  <unknown>
"
    );
    let rgw = lab.run(&["ps", "node1", "--service-name=rgw.foo"]);
    assert!(
        rgw.stdout
            .lines()
            .nth(1)
            .is_some_and(|row| row.starts_with("rgw.node1  node1  10.0.0.1:8080  running (")),
        "a running daemon shows since when: {}",
        rgw.stdout
    );
    assert_eq!(
        rgw.stdout.lines().count(),
        2,
        "node1's daemons of rgw.foo only"
    );
    assert_eq!(
        masked(
            &lab.run(&["--format", "json", "ps", "--daemon-type", "rgw"])
                .stdout
        ),
        r#"[{"daemon_id": "node1", "daemon_name": "rgw.node1", "daemon_type": "rgw", "hostname": "node1", "ip": "10.0.0.1", "is_active": false, "last_refresh": "<time>", "ports": [8080], "service_name": "rgw.foo", "started": "<time>", "status": 1, "status_desc": "running", "version": "18.2.7"}, {"daemon_id": "node2", "daemon_name": "rgw.node2", "daemon_type": "rgw", "hostname": "node2", "ip": "10.0.0.2", "is_active": false, "last_refresh": "<time>", "ports": [8080], "service_name": "rgw.foo", "status": 0, "status_desc": "stopped (not in the service map)"}]
"#
    );
    assert_eq!(lab.run(&["ps", "node9"]).stdout, "No daemons reported\n");
    assert_eq!(lab.run(&["--format", "json", "ps", "node9"]).stdout, "[]\n");
}

#[test]
fn devices_are_listed_with_cephs_columns() {
    let lab = Lab::start();
    let plain = lab.run(&["devices", "node2"]);
    assert_eq!(
        masked(&plain.stdout),
        "HOST   PATH                                                    TYPE  DEVICE ID                                SIZE  AVAILABLE  REFRESHED  REJECT REASONS
node2  /dev/disk/by-id/ata-Samsung_SSD_870_EVO_S6PNNS0T000002  ssd   ata-Samsung_SSD_870_EVO_S6PNNS0T000002  8192M  Yes        Ns ago
node2  /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node2-sdb      ssd   scsi-0QEMU_QEMU_HARDDISK_node2-sdb      10.0G  No         Ns ago     Used by OSD osd.2
node2  /dev/disk/by-id/wwn-0x5000c50000000002                  hdd   wwn-0x5000c50000000002                  20.0G  Yes        Ns ago
"
    );
    assert!(
        lab.ceph_calls().is_empty(),
        "plain devices need nothing of Ceph"
    );
    let listed = json(&lab.run(&["--format", "json", "devices"]).stdout);
    let hosts: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|host| host["name"].as_str().unwrap())
        .collect();
    assert_eq!(hosts, ["node1", "node2", "node3"]);
    assert_eq!(
        masked(&json!(listed[1]["devices"][1]).to_string()),
        r#"{"available":false,"ceph_device":null,"created":"<time>","crush_device_class":null,"device_id":"scsi-0QEMU_QEMU_HARDDISK_node2-sdb","human_readable_type":"ssd","lsm_data":{},"lvs":[],"path":"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node2-sdb","rejected_reasons":["Used by OSD osd.2"],"sys_api":{"model":"QEMU HARDDISK","rotational":"0","size":10737418240}}"#,
        "reef's devices have ceph_device and crush_device_class"
    );
}

#[test]
fn json_follows_the_release_of_the_active_mgr() {
    let lab = Lab::start();
    for (name, value) in maps::all("tentacle") {
        lab.answer(name, &value);
    }
    let daemons = json(
        &lab.run(&["--format", "json", "ps", "--daemon-type", "mon"])
            .stdout,
    );
    assert_eq!(daemons[0]["pending_daemon_config"], json!(false));
    assert_eq!(daemons[0]["version"], json!("20.2.0"));
    let device = &json(&lab.run(&["--format", "json", "devices", "node1"]).stdout)[0]["devices"][0];
    let keys: Vec<&String> = device.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "available",
            "being_replaced",
            "ceph_device_lvm",
            "created",
            "crush_device_class",
            "device_id",
            "human_readable_type",
            "lsm_data",
            "lvs",
            "path",
            "rejected_reasons",
            "sys_api"
        ]
    );
    lab.fail("mgr_metadata", "Error EACCES: access denied");
    let device = &json(&lab.run(&["--format", "json", "devices", "node1"]).stdout)[0]["devices"][0];
    assert_eq!(
        device.as_object().unwrap().len(),
        9,
        "without the release, only the fields of every release"
    );
}

#[test]
fn status_says_what_answers_and_what_was_read() {
    let lab = Lab::start();
    store_rgw(&lab);
    let socket = lab.socket().display().to_string();
    let status = lab.run(&["status"]);
    let program = lab.run(&["--format", "json", "status"]);
    let program = json(&program.stdout)["ceph"]["program"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        (status.status, status.stdout, status.stderr),
        (
            0,
            format!(
                "MicroCeph: answers on {socket}\nMembers: 3, 3 online\nCeph: 9 of 9 commands read with {program} (the active mgr runs reef)\nStored specs: 1 (rgw.foo)\n"
            ),
            String::new()
        )
    );
    let report = json(&lab.run(&["--format", "json", "status"]).stdout);
    assert_eq!(report["available"], json!(true));
    assert_eq!(
        (report["members"].clone(), report["online"].clone()),
        (json!(3), json!(3))
    );
    assert_eq!(report["ceph"]["unread"], json!({}));
    assert_eq!(report["stored_specs"], json!(["rgw.foo"]));
}

#[test]
fn without_ceph_statuses_are_unknown_and_it_is_said() {
    let lab = Lab::start();
    let ps = lab.run(&["--no-ceph", "ps", "--daemon-type", "mgr"]);
    assert_eq!(
        (masked(&ps.stdout), ps.stderr),
        (
            "NAME       HOST   PORTS  STATUS                              REFRESHED  VERSION
mgr.node1  node1         unknown (the mgr map was not read)     Ns ago  <unknown>
mgr.node2  node2         unknown (the mgr map was not read)     Ns ago  <unknown>
mgr.node3  node3         unknown (the mgr map was not read)     Ns ago  <unknown>
"
            .to_owned(),
            String::new()
        ),
        "--no-ceph asked for it, so no warning"
    );
    let ls = lab.run(&["--no-ceph", "ls", "mon"]);
    assert!(ls.stdout.contains("mon              0/3"), "{}", ls.stdout);
    let status = lab.run(&["--no-ceph", "status"]);
    assert_eq!(
        status.stdout,
        format!(
            "MicroCeph: answers on {}\nMembers: 3, 3 online\nCeph: not read (--no-ceph): daemon statuses are unknown and applied specs are not stored\nStored specs: not read (--no-ceph)\n",
            lab.socket().display()
        )
    );
    assert!(lab.ceph_calls().is_empty(), "ceph was never run");
}

#[test]
fn a_failing_ceph_command_leaves_out_its_part_and_is_named() {
    let lab = Lab::start();
    lab.fail("osd_dump", "Error EACCES: access denied\n");
    lab.hang("mds_metadata");
    let ps = lab.run(&["--timeout", "1", "ps", "--daemon-type", "osd"]);
    assert_eq!(ps.status, 0);
    assert_eq!(
        masked(&ps.stdout),
        "NAME   HOST   PORTS  STATUS                              REFRESHED  VERSION
osd.1  node1         unknown (the OSD map was not read)     Ns ago  18.2.7
osd.2  node2         unknown (the OSD map was not read)     Ns ago  18.2.7
osd.3  node3         unknown (the OSD map was not read)     Ns ago  <unknown>
"
    );
    let program = lab.socket().with_file_name("ceph").join("ceph");
    let program = program.display();
    assert_eq!(
        ps.stderr,
        format!(
            "warning: cannot read `{program} osd dump`: Error EACCES: access denied; what Ceph's maps would tell is shown as unknown\nwarning: cannot read `{program} mds metadata`: it did not finish within 1 s and was stopped; what Ceph's maps would tell is shown as unknown\n"
        )
    );
    let status = lab.run(&["--timeout", "1", "status"]);
    assert_eq!(status.status, 0, "MicroCeph answers");
    assert!(
        status.stdout.contains(&format!("Ceph: 7 of 9 commands read with {program} (the active mgr runs reef)\nCeph: cannot read osd dump: Error EACCES: access denied\nCeph: cannot read mds metadata: it did not finish within 1 s and was stopped\n")),
        "{}",
        status.stdout
    );
    let report = json(
        &lab.run(&["--timeout", "1", "--format", "json", "status"])
            .stdout,
    );
    assert_eq!(
        report["ceph"]["unread"],
        json!({"osd dump": "Error EACCES: access denied", "mds metadata": "it did not finish within 1 s and was stopped"})
    );
}
