//! The emulated cluster: members, their placed services, OSD disks and block devices, and NFS groups.
//!
//! This is what MicroCeph keeps in its dqlite database and what the fake's handlers read and change.
//! [`Cluster::generate`] builds the default cluster of `serve --members N`; `schema.rs` reads and writes the same model as a versioned JSON cluster description file.
//! `validate.rs` holds [`Cluster::validate`], which enforces the invariants the handlers rely on.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::SocketAddr;

use serde::Serialize;

use crate::devices::{BlockDevice, osd_device_id, standard_devices};

/// A whole emulated MicroCeph cluster.
///
/// `schema.rs` reads and writes it as a cluster description file; see [`Cluster::from_json`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// The member that owns the unix socket: requests without `?target=` act on it.
    pub local_member: String,
    /// Members in join order, which is also the order of `GET /1.0/services` and `GET /core/1.0/cluster`.
    pub members: Vec<Member>,
    /// NFS service groups (`service_groups` plus `grouped_services`).
    pub nfs_groups: Vec<NfsGroup>,
}

/// One cluster member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Member name, such as `node1`.
    pub name: String,
    /// Cluster address as `ip:port`, IPv6 in brackets.
    pub address: String,
    /// What `GET /core/1.0/cluster` reports; `UNREACHABLE` also makes `?target=` fail.
    pub status: MemberStatus,
    /// The dqlite role.
    pub role: MemberRole,
    /// Plain services placed on the member (never `nfs`, which lives in NFS groups).
    pub services: BTreeSet<ServiceName>,
    /// OSD disks recorded for the member.
    pub disks: Vec<Disk>,
    /// Every block device of the member, as `GET /1.0/resources` lists them.
    pub block_devices: Vec<BlockDevice>,
    /// Services that fail MicroCeph's post-placement check on this member when enabled.
    pub failing_services: BTreeSet<ServiceName>,
    /// How often each service was restarted on this member, by service name.
    pub restarts: BTreeMap<String, u64>,
}

/// A member status as `GET /core/1.0/cluster` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MemberStatus {
    /// `ONLINE`.
    #[serde(rename = "ONLINE")]
    Online,
    /// `UNREACHABLE`: `?target=` requests to the member fail to connect.
    #[serde(rename = "UNREACHABLE")]
    Unreachable,
    /// `UPGRADING`.
    #[serde(rename = "UPGRADING")]
    Upgrading,
    /// `NEEDS UPGRADE`.
    #[serde(rename = "NEEDS UPGRADE")]
    NeedsUpgrade,
}

/// A dqlite role as `GET /core/1.0/cluster` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MemberRole {
    /// `voter`.
    #[serde(rename = "voter")]
    Voter,
    /// `stand-by`.
    #[serde(rename = "stand-by")]
    StandBy,
    /// `spare`.
    #[serde(rename = "spare")]
    Spare,
    /// `PENDING`, while joining or leaving.
    #[serde(rename = "PENDING")]
    Pending,
}

/// A service MicroCeph can enable; the variants sort by name, which is the order of `GET /1.0/services`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ServiceName {
    /// `cephfs-mirror`.
    #[serde(rename = "cephfs-mirror")]
    CephfsMirror,
    /// `mds`.
    #[serde(rename = "mds")]
    Mds,
    /// `mgr`.
    #[serde(rename = "mgr")]
    Mgr,
    /// `mon`.
    #[serde(rename = "mon")]
    Mon,
    /// `nfs`, placed through NFS groups.
    #[serde(rename = "nfs")]
    Nfs,
    /// `rbd-mirror`.
    #[serde(rename = "rbd-mirror")]
    RbdMirror,
    /// `rgw`.
    #[serde(rename = "rgw")]
    Rgw,
}

/// An OSD disk row of `GET /1.0/disks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disk {
    /// The OSD id.
    pub osd: u64,
    /// The device path as recorded, usually under `/dev/disk/by-id/`.
    pub path: String,
}

/// An NFS cluster: members enabled with the same `cluster_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NfsGroup {
    /// The NFS cluster id, which `GET /1.0/services` reports as `group_id`.
    pub cluster_id: String,
    /// The group's minimum `NFSv4` minor version (0 to 2).
    pub v4_min_version: u64,
    /// The members serving the group, in the order they joined it.
    pub members: Vec<NfsMember>,
}

/// One member serving an NFS group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NfsMember {
    /// The member name.
    pub member: String,
    /// The address ganesha binds, as given (an IP).
    pub bind_address: String,
    /// The port ganesha binds.
    pub bind_port: u64,
}

/// Why a cluster description is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ClusterError {
    message: String,
}

impl ClusterError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl MemberStatus {
    /// Every status with its spelling.
    pub const ALL: [(&'static str, Self); 4] = [
        ("ONLINE", Self::Online),
        ("UNREACHABLE", Self::Unreachable),
        ("UPGRADING", Self::Upgrading),
        ("NEEDS UPGRADE", Self::NeedsUpgrade),
    ];

    /// The status as MicroCeph spells it.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, status)| *status == self)
            .map_or("", |(name, _)| name)
    }
}

impl MemberRole {
    /// Every role with its spelling.
    pub const ALL: [(&'static str, Self); 4] = [
        ("voter", Self::Voter),
        ("stand-by", Self::StandBy),
        ("spare", Self::Spare),
        ("PENDING", Self::Pending),
    ];

    /// The role as dqlite spells it.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, role)| *role == self)
            .map_or("", |(name, _)| name)
    }
}

impl ServiceName {
    /// Every service with its name; these are exactly the names `PUT /1.0/services/{name}` can enable.
    pub const ALL: [(&'static str, Self); 7] = [
        ("mon", Self::Mon),
        ("mgr", Self::Mgr),
        ("mds", Self::Mds),
        ("nfs", Self::Nfs),
        ("rgw", Self::Rgw),
        ("rbd-mirror", Self::RbdMirror),
        ("cephfs-mirror", Self::CephfsMirror),
    ];

    /// The service's name.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, service)| *service == self)
            .map_or("", |(name, _)| name)
    }

    /// Parses a service name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(candidate, _)| *candidate == name)
            .map(|(_, service)| *service)
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Cluster {
    /// The cluster `serve --members N` emulates, described in the crate's README.
    pub fn generate(member_count: usize) -> Self {
        let members = (1..=member_count)
            .map(|index| {
                let name = format!("node{index}");
                let control_plane = index <= 3;
                Member {
                    address: generated_address(index),
                    status: MemberStatus::Online,
                    role: if control_plane {
                        MemberRole::Voter
                    } else {
                        MemberRole::Spare
                    },
                    services: if control_plane {
                        [ServiceName::Mon, ServiceName::Mgr, ServiceName::Mds].into()
                    } else {
                        BTreeSet::new()
                    },
                    disks: vec![Disk {
                        osd: index as u64,
                        path: format!("/dev/disk/by-id/{}", osd_device_id(&name)),
                    }],
                    block_devices: standard_devices(&name, index),
                    failing_services: BTreeSet::new(),
                    restarts: BTreeMap::new(),
                    name,
                }
            })
            .collect();
        Self {
            local_member: "node1".to_owned(),
            members,
            nfs_groups: Vec::new(),
        }
    }

    /// The member called `name`.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|member| member.name == name)
    }

    /// The member called `name`, for changes.
    pub fn member_mut(&mut self, name: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|member| member.name == name)
    }

    /// The NFS group a member serves, if any.
    pub fn nfs_group_of(&self, member: &str) -> Option<&NfsGroup> {
        self.nfs_groups
            .iter()
            .find(|group| group.members.iter().any(|entry| entry.member == member))
    }
}

impl Member {
    /// The member's IP as MicroCeph records it in `mon.host.<member>`: IPv6 in brackets.
    pub fn mon_address(&self) -> String {
        match self.address.parse::<SocketAddr>() {
            Ok(SocketAddr::V4(address)) => address.ip().to_string(),
            Ok(SocketAddr::V6(address)) => format!("[{}]", address.ip()),
            Err(_) => self.address.clone(),
        }
    }
}

/// A unique, valid address for the `index`th generated member (1-based).
fn generated_address(index: usize) -> String {
    if index <= 254 {
        format!("10.0.0.{index}:7443")
    } else {
        format!("10.0.{}.{}:7443", index / 254, index % 254 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_addresses_are_unique_and_valid() {
        let addresses: BTreeSet<String> = (1..=10_000).map(generated_address).collect();
        assert_eq!(addresses.len(), 10_000);
        assert!(
            addresses
                .iter()
                .all(|address| address.parse::<SocketAddr>().is_ok())
        );
    }

    #[test]
    fn generated_clusters_are_valid() {
        for count in [1, 3, 5, 300] {
            Cluster::generate(count).validate().unwrap();
        }
    }

    #[test]
    fn mon_addresses_bracket_ipv6() {
        let mut member = Cluster::generate(1).members.remove(0);
        assert_eq!(member.mon_address(), "10.0.0.1");
        member.address = "[fd00::1]:7443".to_owned();
        assert_eq!(member.mon_address(), "[fd00::1]");
    }
}
