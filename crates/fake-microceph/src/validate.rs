//! The invariants of a cluster description that the handlers rely on.
//!
//! A cluster needs members with unique names and parseable addresses, an existing local member, unique OSD ids and block device ids, and NFS groups with valid ids that name existing members, each serving at most one group.
//! Every error names the member or group at fault.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};

use crate::cluster::{Cluster, ClusterError, Member, ServiceName};
use crate::payload::is_valid_cluster_id;

impl Cluster {
    /// Checks the invariants the fake relies on, naming the first problem found.
    pub fn validate(&self) -> Result<(), ClusterError> {
        if self.members.is_empty() {
            return Err(ClusterError::new(
                "members: a cluster needs at least one member",
            ));
        }
        let mut names = BTreeSet::new();
        let mut osd_owners: BTreeMap<u64, &str> = BTreeMap::new();
        for member in &self.members {
            validate_member(member)?;
            if !names.insert(member.name.as_str()) {
                return Err(ClusterError::new(format!(
                    "duplicate member name {:?}",
                    member.name
                )));
            }
            for disk in &member.disks {
                if let Some(owner) = osd_owners.insert(disk.osd, &member.name) {
                    return Err(ClusterError::new(format!(
                        "duplicate osd id {} (on {owner} and {})",
                        disk.osd, member.name
                    )));
                }
            }
        }
        if !names.contains(self.local_member.as_str()) {
            return Err(ClusterError::new(format!(
                "local_member {:?} is not a member of the cluster",
                self.local_member
            )));
        }
        self.validate_nfs_groups(&names)
    }

    fn validate_nfs_groups(&self, names: &BTreeSet<&str>) -> Result<(), ClusterError> {
        let mut group_of_member: BTreeMap<&str, &str> = BTreeMap::new();
        let mut group_ids = BTreeSet::new();
        for group in &self.nfs_groups {
            let id = group.cluster_id.as_str();
            let fail =
                |problem: String| Err(ClusterError::new(format!("nfs group {id:?}: {problem}")));
            if !is_valid_cluster_id(id) {
                return fail("cluster_id must match ^[\\w][\\w.-]{1,61}[\\w]$".to_owned());
            }
            if !group_ids.insert(id) {
                return fail("duplicate cluster_id".to_owned());
            }
            if group.v4_min_version > 2 {
                return fail(format!(
                    "v4_min_version {} is not in [0, 2]",
                    group.v4_min_version
                ));
            }
            if group.members.is_empty() {
                return fail("a group needs at least one member".to_owned());
            }
            for entry in &group.members {
                let member = entry.member.as_str();
                if !names.contains(member) {
                    return fail(format!("unknown member {member:?}"));
                }
                if let Some(other) = group_of_member.insert(member, id) {
                    return fail(format!(
                        "member {member:?} already serves nfs group {other:?}; a member serves at most one"
                    ));
                }
                if entry.bind_address.parse::<IpAddr>().is_err() {
                    return fail(format!(
                        "bind_address {:?} of {member} is not an IP address",
                        entry.bind_address
                    ));
                }
                if !(1..=49151).contains(&entry.bind_port) {
                    return fail(format!(
                        "bind_port {} of {member} is not in [1, 49151]",
                        entry.bind_port
                    ));
                }
            }
        }
        Ok(())
    }
}

fn validate_member(member: &Member) -> Result<(), ClusterError> {
    let fail = |problem: String| {
        Err(ClusterError::new(format!(
            "member {:?}: {problem}",
            member.name
        )))
    };
    if member.name.is_empty() {
        return Err(ClusterError::new("a member name must not be empty"));
    }
    if member.address.parse::<SocketAddr>().is_err() {
        return fail(format!(
            "address {:?} is not an ip:port address",
            member.address
        ));
    }
    if member.services.contains(&ServiceName::Nfs) {
        return fail("nfs is placed through nfs_groups, not services".to_owned());
    }
    let mut device_ids = BTreeSet::new();
    for device in &member.block_devices {
        if device.id.is_empty() {
            return fail("a block device needs an id".to_owned());
        }
        if !device_ids.insert(device.id.as_str()) {
            return fail(format!("duplicate block device id {:?}", device.id));
        }
    }
    if let Some(disk) = member.disks.iter().find(|disk| disk.path.is_empty()) {
        return fail(format!("osd {} has an empty path", disk.osd));
    }
    Ok(())
}
