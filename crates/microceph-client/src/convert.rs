//! The one place where MicroCeph's listings become `orch-core`'s observed-state values.
//!
//! Each function maps one response type onto its `orch-core` counterpart and keeps MicroCeph's values as they are: names, addresses and paths are copied, never normalised.
//! A row that cannot be mapped faithfully (an NFS instance whose `info` does not decode, a negative OSD id) becomes a [`HostProblem`] instead of failing the whole listing.
//! Services this client does not know (a newer daemon's) are left out: the planner could not act on them anyway.

use crate::observe::HostProblem;
use crate::types::{
    BlockDevice, ClusterMember, MemberStatus, OsdDisk, ServiceInstance, ServiceType,
};

/// A cluster member, with its status.
pub(crate) fn member(member: &ClusterMember) -> orch_core::Member {
    orch_core::Member {
        name: member.name.clone(),
        address: member.address.clone(),
        status: member_status(&member.status),
    }
}

/// A member status; the statuses `orch-core` has no variant for keep MicroCeph's text.
pub(crate) fn member_status(status: &MemberStatus) -> orch_core::MemberStatus {
    match status {
        MemberStatus::Online => orch_core::MemberStatus::Online,
        MemberStatus::Unreachable => orch_core::MemberStatus::Unreachable,
        MemberStatus::Upgrading => orch_core::MemberStatus::Upgrading,
        MemberStatus::NeedsUpgrade => orch_core::MemberStatus::NeedsUpgrade,
        MemberStatus::NotTrusted | MemberStatus::NotFound | MemberStatus::Other(_) => {
            orch_core::MemberStatus::Other(status.as_str().to_owned())
        }
    }
}

/// A service type MicroCeph lists; `None` for a name this client does not know.
pub(crate) fn service_type(service: &ServiceType) -> Option<orch_core::ServiceType> {
    Some(match service {
        ServiceType::Mon => orch_core::ServiceType::Mon,
        ServiceType::Mgr => orch_core::ServiceType::Mgr,
        ServiceType::Mds => orch_core::ServiceType::Mds,
        ServiceType::Rgw => orch_core::ServiceType::Rgw,
        ServiceType::Nfs => orch_core::ServiceType::Nfs,
        ServiceType::RbdMirror => orch_core::ServiceType::RbdMirror,
        ServiceType::CephfsMirror => orch_core::ServiceType::CephfsMirror,
        ServiceType::Other(_) => return None,
    })
}

/// One row of `GET /1.0/services`.
///
/// An unknown service gives `Ok(None)`.
/// An NFS row whose `info` is empty or does not decode is still placed, with an empty bind address and port 0, and reported, so that the planner never enables a second instance of that cluster on the member.
pub(crate) fn placed_service(
    instance: &ServiceInstance,
) -> (Option<orch_core::PlacedService>, Option<HostProblem>) {
    let Some(service_type) = service_type(&instance.service) else {
        return (None, None);
    };
    if service_type != orch_core::ServiceType::Nfs {
        return (
            Some(orch_core::PlacedService::new(
                service_type,
                &instance.location,
            )),
            None,
        );
    }
    let (bind_address, bind_port, problem) = match instance.nfs_info() {
        Ok(Some(info)) => (info.bind_address, info.bind_port, None),
        Ok(None) => (String::new(), 0, None),
        Err(source) => (
            String::new(),
            0,
            Some(HostProblem::NfsInfo {
                member: instance.location.clone(),
                cluster_id: instance.group_id.clone(),
                source,
            }),
        ),
    };
    let placed = orch_core::PlacedService::nfs(
        &instance.location,
        &instance.group_id,
        &bind_address,
        bind_port,
    );
    (Some(placed), problem)
}

/// One row of `GET /1.0/disks`; a negative OSD id cannot name an OSD and is reported instead.
pub(crate) fn osd_disk(disk: &OsdDisk) -> Result<orch_core::OsdDisk, HostProblem> {
    let osd = u64::try_from(disk.osd).map_err(|_| HostProblem::InvalidOsd {
        member: disk.location.clone(),
        osd: disk.osd,
    })?;
    Ok(orch_core::OsdDisk {
        osd,
        path: disk.path.clone(),
        member: disk.location.clone(),
    })
}

/// One block device of `GET /1.0/resources`, with the fields the inventory needs.
pub(crate) fn block_device(device: &BlockDevice) -> orch_core::BlockDevice {
    orch_core::BlockDevice {
        id: device.id.clone(),
        device_path: device.device_path.clone(),
        device_id: device.device_id.clone(),
        model: device.model.clone(),
        bus: device.device_type.clone(),
        size: device.size,
        read_only: device.read_only,
        mounted: device.mounted,
        rpm: device.rpm,
        removable: device.removable,
        partitions: u32::try_from(device.partitions.len()).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::DiskPartition;

    fn instance(json: &str) -> ServiceInstance {
        serde_json::from_str(json).expect("test rows are valid")
    }

    fn check_service(json: &str, expected: &str) {
        let (placed, problem) = placed_service(&instance(json));
        let shown = format!(
            "{placed:?} / {}",
            problem.map_or("no problem".to_owned(), |p| p.to_string())
        );
        assert_eq!(shown, expected, "row {json}");
    }

    #[test]
    fn member_statuses_keep_microceph_text() {
        for (status, expected) in [
            (MemberStatus::Online, orch_core::MemberStatus::Online),
            (
                MemberStatus::Unreachable,
                orch_core::MemberStatus::Unreachable,
            ),
            (MemberStatus::Upgrading, orch_core::MemberStatus::Upgrading),
            (
                MemberStatus::NeedsUpgrade,
                orch_core::MemberStatus::NeedsUpgrade,
            ),
            (
                MemberStatus::NotTrusted,
                orch_core::MemberStatus::Other("NOT TRUSTED".into()),
            ),
            (
                MemberStatus::Other("SLEEPY".into()),
                orch_core::MemberStatus::Other("SLEEPY".into()),
            ),
        ] {
            assert_eq!(member_status(&status), expected);
        }
        let converted = member(
            &serde_json::from_str(
                r#"{"name":"node1","address":"[fd00::1]:7443","status":"UNREACHABLE"}"#,
            )
            .unwrap(),
        );
        assert_eq!(converted.name, "node1");
        assert_eq!(converted.ip(), "fd00::1");
        assert!(!converted.is_online());
    }

    #[test]
    fn services_map_by_type_and_nfs_keeps_its_bind() {
        check_service(
            r#"{"service":"rbd-mirror","location":"node2","group_id":"","info":""}"#,
            r#"Some(PlacedService { service_type: RbdMirror, member: "node2", nfs: None }) / no problem"#,
        );
        check_service(
            r#"{"service":"nvmeof","location":"node2","group_id":"","info":""}"#,
            "None / no problem",
        );
        check_service(
            r#"{"service":"nfs","location":"node3","group_id":"east","info":"{\"bind_address\":\"10.0.0.3\",\"bind_port\":2050}"}"#,
            r#"Some(PlacedService { service_type: Nfs, member: "node3", nfs: Some(NfsInstance { cluster_id: "east", bind_address: "10.0.0.3", bind_port: 2050 }) }) / no problem"#,
        );
        check_service(
            r#"{"service":"nfs","location":"node3","group_id":"east","info":"{broken"}"#,
            r#"Some(PlacedService { service_type: Nfs, member: "node3", nfs: Some(NfsInstance { cluster_id: "east", bind_address: "", bind_port: 0 }) }) / the nfs instance of cluster east on node3 has undecodable bind information"#,
        );
    }

    #[test]
    fn disks_refuse_negative_ids() {
        let disk = OsdDisk {
            osd: 3,
            path: "/dev/disk/by-id/x".into(),
            location: "node1".into(),
        };
        assert_eq!(
            osd_disk(&disk).unwrap(),
            orch_core::OsdDisk {
                osd: 3,
                path: "/dev/disk/by-id/x".into(),
                member: "node1".into()
            }
        );
        let negative = OsdDisk { osd: -1, ..disk };
        assert_eq!(
            osd_disk(&negative).unwrap_err().to_string(),
            "osd id -1 on node1 is negative and was ignored"
        );
    }

    #[test]
    fn block_devices_count_partitions_and_keep_paths() {
        let device = BlockDevice {
            id: "sdb".into(),
            device_type: "scsi".into(),
            device_id: "scsi-0QEMU".into(),
            size: 42,
            rpm: 7200,
            partitions: vec![DiskPartition::default(), DiskPartition::default()],
            ..BlockDevice::default()
        };
        let converted = block_device(&device);
        assert_eq!(converted.partitions, 2);
        assert_eq!(converted.bus, "scsi");
        assert_eq!(converted.stable_path(), "/dev/disk/by-id/scsi-0QEMU");
        assert_eq!((converted.size, converted.rpm), (42, 7200));
    }
}
