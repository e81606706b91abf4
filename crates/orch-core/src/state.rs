//! The cluster state MicroCeph reports, as plain values.
//!
//! The mgr layer fills an [`ObservedState`] from MicroCeph's listings: members from `GET /core/1.0/cluster`, placed services from `GET /1.0/services`, OSD disks from `GET /1.0/disks` and block devices from `GET /1.0/resources` on each member.
//! Nothing here validates or normalises those values; the planners treat duplicates as one and ignore service instances on names that are not cluster members.

use std::collections::BTreeMap;
use std::fmt;

use crate::service_type::ServiceType;

/// Everything the planners know about the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedState {
    /// The cluster members, in any order.
    pub members: Vec<Member>,
    /// The service instances, one per member and service (for NFS, per member and cluster id).
    pub services: Vec<PlacedService>,
    /// The OSDs, each with the disk path MicroCeph recorded and the member that owns it.
    pub osd_disks: Vec<OsdDisk>,
    /// The block devices of each member, keyed by member name; a member without an entry has not been inventoried.
    pub block_devices: BTreeMap<String, Vec<BlockDevice>>,
}

/// One MicroCeph cluster member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The member name, which MicroCeph uses as the `?target=` value and Ceph as the host name.
    pub name: String,
    /// The member address as MicroCeph reports it, `ip:port` or `[ipv6]:port`.
    pub address: String,
    /// Whether the member answered MicroCeph's readiness probe.
    pub status: MemberStatus,
}

/// The status MicroCeph reports for a member.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum MemberStatus {
    /// `ONLINE`: the member answered the readiness probe.
    Online,
    /// `UNREACHABLE`: the member did not answer.
    Unreachable,
    /// `UPGRADING`: the database schema is being upgraded.
    Upgrading,
    /// `NEEDS UPGRADE`: the member waits for a schema upgrade.
    NeedsUpgrade,
    /// Any other status text, kept verbatim.
    Other(String),
}

/// One service instance: a service enabled on one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedService {
    /// The service type; MicroCeph never lists `osd` here.
    pub service_type: ServiceType,
    /// The member the instance runs on.
    pub member: String,
    /// The NFS group and bind information; set for NFS instances only.
    pub nfs: Option<NfsInstance>,
}

/// What MicroCeph records about one NFS instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfsInstance {
    /// The NFS cluster id, MicroCeph's `group_id`.
    pub cluster_id: String,
    /// The address the NFS server binds to.
    pub bind_address: String,
    /// The port the NFS server binds to.
    pub bind_port: u16,
}

/// One OSD as MicroCeph records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsdDisk {
    /// The OSD id, `n` in `osd.n`.
    pub osd: u64,
    /// The device path recorded when the OSD was added, usually `/dev/disk/by-id/...`.
    pub path: String,
    /// The member that owns the disk.
    pub member: String,
}

/// One block device of a member, with the LXD resource fields the inventory needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockDevice {
    /// The kernel name, such as `sdb`.
    pub id: String,
    /// The `/dev/disk/by-path/` name without that prefix; empty when unknown.
    pub device_path: String,
    /// The `/dev/disk/by-id/` name without that prefix; empty when unknown.
    pub device_id: String,
    /// The device model; empty when unknown.
    pub model: String,
    /// LXD's `type`: the bus, such as `scsi`, `nvme` or `virtio`.
    pub bus: String,
    /// The size in bytes.
    pub size: u64,
    /// Whether the device is read-only.
    pub read_only: bool,
    /// Whether the device itself is mounted.
    pub mounted: bool,
    /// The rotation rate; LXD reports 0 for solid-state devices.
    pub rpm: u64,
    /// Whether the device is removable.
    pub removable: bool,
    /// How many partitions the device has.
    pub partitions: u32,
}

impl ObservedState {
    /// Looks a member up by name.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|member| member.name == name)
    }
}

impl Member {
    /// Builds an online member.
    pub fn online(name: &str, address: &str) -> Self {
        Member {
            name: name.to_owned(),
            address: address.to_owned(),
            status: MemberStatus::Online,
        }
    }

    /// Whether the member is `ONLINE`.
    pub fn is_online(&self) -> bool {
        self.status == MemberStatus::Online
    }

    /// The member's IP address: its address without the port and without IPv6 brackets.
    pub fn ip(&self) -> &str {
        address_without_port(&self.address)
    }
}

impl MemberStatus {
    /// Reads MicroCeph's status text; unknown texts are kept as [`MemberStatus::Other`].
    pub fn parse(text: &str) -> Self {
        match text {
            "ONLINE" => MemberStatus::Online,
            "UNREACHABLE" => MemberStatus::Unreachable,
            "UPGRADING" => MemberStatus::Upgrading,
            "NEEDS UPGRADE" => MemberStatus::NeedsUpgrade,
            other => MemberStatus::Other(other.to_owned()),
        }
    }

    /// MicroCeph's spelling of the status.
    pub fn as_str(&self) -> &str {
        match self {
            MemberStatus::Online => "ONLINE",
            MemberStatus::Unreachable => "UNREACHABLE",
            MemberStatus::Upgrading => "UPGRADING",
            MemberStatus::NeedsUpgrade => "NEEDS UPGRADE",
            MemberStatus::Other(text) => text,
        }
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PlacedService {
    /// Builds an instance of a service that is not NFS.
    pub fn new(service_type: ServiceType, member: &str) -> Self {
        PlacedService {
            service_type,
            member: member.to_owned(),
            nfs: None,
        }
    }

    /// Builds an NFS instance.
    pub fn nfs(member: &str, cluster_id: &str, bind_address: &str, bind_port: u16) -> Self {
        PlacedService {
            service_type: ServiceType::Nfs,
            member: member.to_owned(),
            nfs: Some(NfsInstance {
                cluster_id: cluster_id.to_owned(),
                bind_address: bind_address.to_owned(),
                bind_port,
            }),
        }
    }
}

impl BlockDevice {
    /// The path MicroCeph records for an OSD on this device.
    ///
    /// It is `/dev/disk/by-id/<device_id>` when the device has an id, else `/dev/disk/by-path/<device_path>`, else `/dev/<id>`.
    pub fn stable_path(&self) -> String {
        if !self.device_id.is_empty() {
            format!("/dev/disk/by-id/{}", self.device_id)
        } else if !self.device_path.is_empty() {
            format!("/dev/disk/by-path/{}", self.device_path)
        } else {
            format!("/dev/{}", self.id)
        }
    }

    /// Every path under which the device may have been recorded as an OSD.
    pub(crate) fn known_paths(&self) -> Vec<String> {
        let mut paths = vec![format!("/dev/{}", self.id)];
        if !self.device_id.is_empty() {
            paths.push(format!("/dev/disk/by-id/{}", self.device_id));
        }
        if !self.device_path.is_empty() {
            paths.push(format!("/dev/disk/by-path/{}", self.device_path));
        }
        paths
    }
}

/// Strips the port from a member address: `10.0.0.11:7443` gives `10.0.0.11` and `[fd00::1]:7443` gives `fd00::1`.
///
/// A bare IPv6 address, which has more than one colon and no brackets, is returned unchanged.
pub fn address_without_port(address: &str) -> &str {
    if let Some(rest) = address.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((inner, _)) => inner,
            None => address,
        };
    }
    match address.split_once(':') {
        Some((host, port)) if !port.contains(':') => host,
        _ => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(address: &str, expected: &str) {
        assert_eq!(
            address_without_port(address),
            expected,
            "address {address:?}"
        );
    }

    #[test]
    fn strips_ports_from_addresses() {
        check("10.0.0.11:7443", "10.0.0.11");
        check("[fd00::1]:7443", "fd00::1");
        check("[fd00::1]", "fd00::1");
        check("fd00::1", "fd00::1");
        check("node1", "node1");
        check("", "");
        check("[broken", "[broken");
    }

    #[test]
    fn builds_stable_paths_in_microceph_order() {
        let mut device = BlockDevice {
            id: "sdb".into(),
            ..BlockDevice::default()
        };
        assert_eq!(device.stable_path(), "/dev/sdb");
        device.device_path = "pci-0000:00:05.0-scsi-0:0:0:1".into();
        assert_eq!(
            device.stable_path(),
            "/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:0:1"
        );
        device.device_id = "scsi-0QEMU".into();
        assert_eq!(device.stable_path(), "/dev/disk/by-id/scsi-0QEMU");
    }

    #[test]
    fn parses_member_statuses() {
        for text in [
            "ONLINE",
            "UNREACHABLE",
            "UPGRADING",
            "NEEDS UPGRADE",
            "NOT TRUSTED",
        ] {
            assert_eq!(MemberStatus::parse(text).as_str(), text);
        }
    }
}
