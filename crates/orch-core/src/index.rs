//! A sorted, de-duplicated view of an [`ObservedState`] that the planners query.
//!
//! Members are keyed by name (the first entry wins on duplicates), and service instances on names that are not members are dropped, so a plan never targets a non-member.
//! Everything is in `BTreeMap`s and `BTreeSet`s, so every iteration is in name order.

use std::collections::{BTreeMap, BTreeSet};

use crate::service_type::ServiceType;
use crate::state::{Member, NfsInstance, ObservedState, OsdDisk};

/// The observed state, indexed for planning.
#[derive(Debug)]
pub(crate) struct Index<'a> {
    members: BTreeMap<&'a str, &'a Member>,
    plain: BTreeMap<ServiceType, BTreeSet<String>>,
    nfs: BTreeMap<String, BTreeMap<String, &'a NfsInstance>>,
    osds: BTreeMap<u64, &'a OsdDisk>,
    service_counts: BTreeMap<String, BTreeMap<ServiceType, usize>>,
}

/// The instance an NFS service without group data falls back to.
static NO_GROUP: NfsInstance = NfsInstance {
    cluster_id: String::new(),
    bind_address: String::new(),
    bind_port: 0,
};

impl<'a> Index<'a> {
    /// Indexes a state.
    pub(crate) fn new(observed: &'a ObservedState) -> Self {
        let mut members = BTreeMap::new();
        for member in &observed.members {
            members.entry(member.name.as_str()).or_insert(member);
        }
        let mut index = Index {
            members,
            plain: BTreeMap::new(),
            nfs: BTreeMap::new(),
            osds: BTreeMap::new(),
            service_counts: BTreeMap::new(),
        };
        for placed in &observed.services {
            if !index.members.contains_key(placed.member.as_str()) {
                continue;
            }
            let new = if placed.service_type == ServiceType::Nfs {
                let instance = placed.nfs.as_ref().unwrap_or(&NO_GROUP);
                index
                    .nfs
                    .entry(placed.member.clone())
                    .or_default()
                    .insert(instance.cluster_id.clone(), instance)
                    .is_none()
            } else {
                index
                    .plain
                    .entry(placed.service_type)
                    .or_default()
                    .insert(placed.member.clone())
            };
            if new {
                *index
                    .service_counts
                    .entry(placed.member.clone())
                    .or_default()
                    .entry(placed.service_type)
                    .or_default() += 1;
            }
        }
        for disk in &observed.osd_disks {
            index.osds.entry(disk.osd).or_insert(disk);
        }
        index
    }

    /// The members, in name order.
    pub(crate) fn members(&self) -> impl Iterator<Item = &'a Member> + '_ {
        self.members.values().copied()
    }

    /// The member names, in name order.
    pub(crate) fn member_names(&self) -> Vec<&'a str> {
        self.members.keys().copied().collect()
    }

    /// Looks a member up.
    pub(crate) fn member(&self, name: &str) -> Option<&'a Member> {
        self.members.get(name).copied()
    }

    /// Whether the named member exists and is `ONLINE`.
    pub(crate) fn is_online(&self, name: &str) -> bool {
        self.member(name).is_some_and(Member::is_online)
    }

    /// The members running a service that is not NFS.
    pub(crate) fn running(&self, service_type: ServiceType) -> BTreeSet<String> {
        self.plain.get(&service_type).cloned().unwrap_or_default()
    }

    /// The members in the given NFS cluster.
    pub(crate) fn nfs_members(&self, cluster_id: &str) -> BTreeSet<String> {
        self.nfs
            .iter()
            .filter(|(_, groups)| groups.contains_key(cluster_id))
            .map(|(member, _)| member.clone())
            .collect()
    }

    /// Every NFS instance as `(member, instance)`, ordered by cluster id, then member.
    pub(crate) fn nfs_instances(&self) -> Vec<(&str, &'a NfsInstance)> {
        let mut instances: Vec<(&str, &'a NfsInstance)> = self
            .nfs
            .iter()
            .flat_map(|(member, groups)| {
                groups
                    .values()
                    .map(move |instance| (member.as_str(), *instance))
            })
            .collect();
        instances.sort_by(|left, right| {
            (&left.1.cluster_id, left.0).cmp(&(&right.1.cluster_id, right.0))
        });
        instances
    }

    /// The NFS clusters a member belongs to.
    pub(crate) fn nfs_clusters_of(&self, member: &str) -> Vec<&'a NfsInstance> {
        self.nfs
            .get(member)
            .map(|groups| groups.values().copied().collect())
            .unwrap_or_default()
    }

    /// How many services other than `excluded` run on a member.
    pub(crate) fn services_besides(&self, member: &str, excluded: ServiceType) -> usize {
        self.service_counts.get(member).map_or(0, |counts| {
            counts
                .iter()
                .filter(|(service_type, _)| **service_type != excluded)
                .map(|(_, count)| count)
                .sum()
        })
    }

    /// The OSDs, in id order.
    pub(crate) fn osds(&self) -> impl Iterator<Item = &'a OsdDisk> + '_ {
        self.osds.values().copied()
    }

    /// Looks an OSD up by id.
    pub(crate) fn osd(&self, osd: u64) -> Option<&'a OsdDisk> {
        self.osds.get(&osd).copied()
    }

    /// The members that own at least one OSD and are cluster members.
    pub(crate) fn osd_members(&self) -> BTreeSet<String> {
        self.osds
            .values()
            .filter(|disk| self.members.contains_key(disk.member.as_str()))
            .map(|disk| disk.member.clone())
            .collect()
    }

    /// The member names joined for messages, or `none` for an empty cluster.
    pub(crate) fn member_list(&self) -> String {
        if self.members.is_empty() {
            "none".to_owned()
        } else {
            self.member_names().join(", ")
        }
    }
}
