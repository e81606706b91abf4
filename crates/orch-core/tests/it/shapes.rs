//! The cluster shapes the decision tables run over, and helpers to render cases.
//!
//! - `single`: one member running mon, mgr and mds, with one OSD.
//! - `three`: MicroCeph's default shape, mon, mgr and mds on three members with one OSD each.
//! - `five`: five members; rgw on two, an NFS cluster `alpha` on two, rbd-mirror and cephfs-mirror on one each, node4 on IPv6 and node5 UNREACHABLE; specs `rgw.a`, `nfs.alpha` and `mds.fs1` are stored.
//! - `bare`: three members with no services, no OSDs and no stored specs.

use std::fmt::Write;

use orch_core::{
    BlockDevice, CephView, MdsDaemon, Member, MemberStatus, MgrView, MonView, ObservedState,
    OsdDisk, OsdState, PlacedService, ServiceDaemon, ServiceSpec, ServiceType,
};

/// A cluster shape: what MicroCeph reports and what the orchestrator stores.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub(crate) name: &'static str,
    pub(crate) observed: ObservedState,
    pub(crate) stored: Vec<ServiceSpec>,
    /// Two explicit hosts for the `hosts` placement form.
    pub(crate) hosts: Vec<&'static str>,
    /// The hosts for the `count:1` plus hosts form.
    pub(crate) count_hosts: Vec<&'static str>,
}

pub(crate) fn all() -> Vec<Shape> {
    vec![single(), three(), five(), bare()]
}

pub(crate) fn single() -> Shape {
    let observed = ObservedState {
        members: vec![Member::online("node1", "10.0.0.11:7443")],
        services: plain(
            &["node1"],
            &[ServiceType::Mon, ServiceType::Mgr, ServiceType::Mds],
        ),
        osd_disks: vec![osd(0, "node1", "/dev/disk/by-id/virtio-osd0")],
        block_devices: [(
            "node1".to_owned(),
            vec![
                device("vda", "virtio-root", 0, 3),
                device("vdb", "virtio-osd0", 0, 0),
                device("vdc", "virtio-free", 0, 0),
            ],
        )]
        .into(),
    };
    Shape {
        name: "single",
        observed,
        stored: Vec::new(),
        hosts: vec!["node1"],
        count_hosts: vec!["node1"],
    }
}

pub(crate) fn three() -> Shape {
    let members = ["node1", "node2", "node3"];
    let observed = ObservedState {
        members: vec![
            Member::online("node1", "10.0.0.11:7443"),
            Member::online("node2", "10.0.0.12:7443"),
            Member::online("node3", "10.0.0.13:7443"),
        ],
        services: plain(
            &members,
            &[ServiceType::Mon, ServiceType::Mgr, ServiceType::Mds],
        ),
        osd_disks: vec![
            osd(1, "node1", "/dev/disk/by-id/scsi-osd1"),
            osd(2, "node2", "/dev/disk/by-id/scsi-osd2"),
            osd(3, "node3", "/dev/sdb"),
        ],
        block_devices: [
            (
                "node1".to_owned(),
                vec![
                    device("sdb", "scsi-osd1", 7200, 0),
                    device("sdc", "scsi-free1", 7200, 0),
                ],
            ),
            ("node2".to_owned(), vec![device("sdb", "scsi-osd2", 0, 0)]),
            (
                "node3".to_owned(),
                vec![
                    device("sdb", "", 0, 0),
                    BlockDevice {
                        size: 1024 * 1024 * 1024,
                        ..device("sdc", "scsi-small", 0, 0)
                    },
                    BlockDevice {
                        read_only: true,
                        mounted: true,
                        ..device("sr0", "", 0, 0)
                    },
                ],
            ),
        ]
        .into(),
    };
    Shape {
        name: "three",
        observed,
        stored: Vec::new(),
        hosts: vec!["node1", "node2"],
        count_hosts: vec!["node2", "node3"],
    }
}

pub(crate) fn five() -> Shape {
    let mut services = plain(
        &["node1", "node2", "node3"],
        &[ServiceType::Mon, ServiceType::Mgr, ServiceType::Mds],
    );
    services.extend(plain(&["node1", "node2"], &[ServiceType::Rgw]));
    services.push(PlacedService::new(ServiceType::RbdMirror, "node4"));
    services.push(PlacedService::new(ServiceType::CephfsMirror, "node1"));
    services.push(PlacedService::nfs("node3", "alpha", "0.0.0.0", 2049));
    services.push(PlacedService::nfs("node4", "alpha", "0.0.0.0", 2049));
    let observed = ObservedState {
        members: vec![
            Member::online("node1", "10.0.0.11:7443"),
            Member::online("node2", "10.0.0.12:7443"),
            Member::online("node3", "10.0.0.13:7443"),
            Member::online("node4", "[fd00::14]:7443"),
            Member {
                name: "node5".into(),
                address: "10.0.0.15:7443".into(),
                status: MemberStatus::Unreachable,
            },
        ],
        services,
        osd_disks: vec![
            osd(1, "node1", "/dev/disk/by-id/nvme-osd1"),
            osd(2, "node2", "/dev/disk/by-id/nvme-osd2"),
            osd(3, "node3", "/dev/disk/by-id/nvme-osd3"),
            osd(4, "node4", "/dev/disk/by-id/nvme-osd4"),
            osd(5, "node5", "/dev/disk/by-id/nvme-osd5"),
        ],
        block_devices: [(
            "node4".to_owned(),
            vec![
                device("nvme0n1", "nvme-osd4", 0, 0),
                device("nvme1n1", "nvme-free4", 0, 0),
            ],
        )]
        .into(),
    };
    let rgw = {
        let mut spec = ServiceSpec::new("rgw")
            .with_service_id("a")
            .with_placement(orch_core::PlacementSpec::hosts(["node1", "node2"]));
        spec.rgw.frontend_port = Some(8080);
        spec
    };
    let nfs = ServiceSpec::new("nfs")
        .with_service_id("alpha")
        .with_placement(orch_core::PlacementSpec::hosts(["node3", "node4"]));
    let mds = ServiceSpec::new("mds")
        .with_service_id("fs1")
        .with_placement(orch_core::PlacementSpec::count(3));
    Shape {
        name: "five",
        observed,
        stored: vec![rgw, nfs, mds],
        hosts: vec!["node2", "node5"],
        count_hosts: vec!["node3", "node4"],
    }
}

pub(crate) fn bare() -> Shape {
    Shape {
        name: "bare",
        observed: ObservedState {
            members: vec![
                Member::online("node1", "10.0.0.11:7443"),
                Member::online("node2", "10.0.0.12:7443"),
                Member::online("node3", "10.0.0.13:7443"),
            ],
            ..ObservedState::default()
        },
        stored: Vec::new(),
        hosts: vec!["node1", "node2"],
        count_hosts: vec!["node2", "node3"],
    }
}

fn plain(members: &[&str], types: &[ServiceType]) -> Vec<PlacedService> {
    members
        .iter()
        .flat_map(|member| types.iter().map(|t| PlacedService::new(*t, member)))
        .collect()
}

fn osd(osd: u64, member: &str, path: &str) -> OsdDisk {
    OsdDisk {
        osd,
        path: path.to_owned(),
        member: member.to_owned(),
    }
}

fn device(id: &str, device_id: &str, rpm: u64, partitions: u32) -> BlockDevice {
    BlockDevice {
        id: id.to_owned(),
        device_path: format!("pci-0000:00:05.0-scsi-{id}"),
        device_id: device_id.to_owned(),
        model: "QEMU HARDDISK".to_owned(),
        bus: "scsi".to_owned(),
        size: 10 * 1024 * 1024 * 1024,
        rpm,
        partitions,
        ..BlockDevice::default()
    }
}

/// Renders a case: its input on the first line, then the plan.
pub(crate) fn case(input: &str, shape: &Shape, plan: &orch_core::Plan) -> String {
    format!("{input} on {}\n---\n{plan}", shape.name)
}

/// Describes a spec on one line, without certificate material.
pub(crate) fn describe(spec: &ServiceSpec) -> String {
    let mut text = format!("apply {}", spec.service_name());
    if !spec.placement.is_empty() {
        write!(text, " placement '{}'", spec.placement.pretty()).unwrap();
    }
    if spec.unmanaged {
        text.push_str(" unmanaged");
    }
    text
}

/// Ceph's maps of a cluster where every daemon MicroCeph placed is alive: every mon in quorum, the first mgr active and the others standby, every MDS a standby, every OSD up and in, every other daemon registered in the service map from its member.
pub(crate) fn alive(observed: &ObservedState) -> CephView {
    let on = |service_type: ServiceType| -> Vec<String> {
        let mut members: Vec<String> = observed
            .services
            .iter()
            .filter(|placed| placed.service_type == service_type)
            .map(|placed| placed.member.clone())
            .collect();
        members.sort();
        members.dedup();
        members
    };
    let mons = on(ServiceType::Mon);
    let mgrs = on(ServiceType::Mgr);
    let mut service_daemons = Vec::new();
    for service_type in [
        ServiceType::Rgw,
        ServiceType::Nfs,
        ServiceType::RbdMirror,
        ServiceType::CephfsMirror,
    ] {
        for member in on(service_type) {
            service_daemons.push(ServiceDaemon {
                service: service_type.to_string(),
                key: format!("{}", service_daemons.len() + 4100),
                hostname: member,
                start_stamp: None,
                gid: service_daemons.len() as u64 + 4100,
                version: None,
            });
        }
    }
    CephView {
        mons: Some(MonView {
            monmap: mons.clone(),
            quorum: mons,
            election_epoch: 4,
        }),
        mgrs: Some(MgrView {
            active: mgrs.first().cloned(),
            active_gid: 4200,
            standbys: mgrs.iter().skip(1).cloned().collect(),
        }),
        mds: Some(
            on(ServiceType::Mds)
                .into_iter()
                .enumerate()
                .map(|(mds_idx, name)| MdsDaemon {
                    name,
                    state: "up:standby".to_owned(),
                    rank: None,
                    filesystem: None,
                    gid: mds_idx as u64 + 4300,
                })
                .collect(),
        ),
        service_daemons: Some(service_daemons),
        osds: Some(
            observed
                .osd_disks
                .iter()
                .map(|disk| OsdState {
                    id: disk.osd,
                    up: true,
                    is_in: true,
                    up_from: 7,
                })
                .collect(),
        ),
        metadata: std::collections::BTreeMap::new(),
    }
}
