//! What Ceph itself knows of its daemons, as plain values: the other half of what `orch ps` shows.
//!
//! MicroCeph records where a service is placed; Ceph's maps say whether its daemon is alive.
//! The mgr layer fills a [`CephView`] from the maps ceph-mgr holds (the mon status with its quorum, the mgr map, the FS map, the service map, the OSD map and the daemons' metadata), and the command does the same from `ceph ... --format json`.
//! Each part is an `Option`: `None` means that map was not read, which is different from a map that lists nothing.
//! Nothing here interprets the values; [`crate::liveness`] does.

use std::collections::BTreeMap;

/// Ceph's maps, as far as the listings need them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CephView {
    /// The monmap and the quorum.
    pub mons: Option<MonView>,
    /// The mgr map.
    pub mgrs: Option<MgrView>,
    /// The MDS daemons of the FS map, in filesystems and standby.
    pub mds: Option<Vec<MdsDaemon>>,
    /// The daemons registered in the service map.
    pub service_daemons: Option<Vec<ServiceDaemon>>,
    /// The OSDs of the OSD map.
    pub osds: Option<Vec<OsdState>>,
    /// Daemon metadata, keyed by daemon name (`mon.node1`, `osd.3`).
    pub metadata: BTreeMap<String, DaemonMetadata>,
}

/// The monmap and who is in quorum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonView {
    /// The names of the mons in the monmap.
    pub monmap: Vec<String>,
    /// The names of the mons in quorum.
    pub quorum: Vec<String>,
    /// The election epoch: every mon restart makes it grow.
    pub election_epoch: u64,
}

/// The mgr map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MgrView {
    /// The active mgr's name, when there is one.
    pub active: Option<String>,
    /// The active mgr's global id, which changes when it restarts.
    pub active_gid: u64,
    /// The standby mgrs' names.
    pub standbys: Vec<String>,
}

/// One MDS daemon of the FS map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MdsDaemon {
    /// The daemon's name, its id.
    pub name: String,
    /// Its state, such as `up:active` or `up:standby`.
    pub state: String,
    /// Its rank, when it holds one.
    pub rank: Option<u64>,
    /// The filesystem it serves, when it holds a rank or follows one.
    pub filesystem: Option<String>,
    /// Its global id, which changes when it restarts.
    pub gid: u64,
}

/// One daemon registered in the service map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceDaemon {
    /// The service it registered under, such as `rgw`, `rbd-mirror` or `cephfs-mirror`.
    pub service: String,
    /// The name it registered with (a global id for newer RGWs).
    pub key: String,
    /// The host its metadata names.
    pub hostname: String,
    /// When it registered, in Ceph's timestamp format.
    pub start_stamp: Option<String>,
    /// Its global id, which changes when it restarts.
    pub gid: u64,
    /// The Ceph version its metadata names.
    pub version: Option<String>,
}

/// One OSD of the OSD map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsdState {
    /// The OSD id.
    pub id: u64,
    /// Whether it is up.
    pub up: bool,
    /// Whether it is in.
    pub is_in: bool,
    /// The epoch it last came up in; a restart makes it grow.
    pub up_from: u64,
}

/// What Ceph's metadata says of one daemon.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaemonMetadata {
    /// The host the daemon reported.
    pub hostname: Option<String>,
    /// The Ceph version it runs, such as `18.2.7`.
    pub version: Option<String>,
}

impl CephView {
    /// Whether any part of the maps was read.
    pub fn is_read(&self) -> bool {
        self.mons.is_some()
            || self.mgrs.is_some()
            || self.mds.is_some()
            || self.service_daemons.is_some()
            || self.osds.is_some()
    }
}

/// Whether a host name Ceph reported is the member: the same name, or one is the first label of the other, fully qualified one.
pub fn same_host(ceph_hostname: &str, member: &str) -> bool {
    let short = |name: &str| name.split('.').next().unwrap_or(name).to_owned();
    ceph_hostname == member
        || ((!ceph_hostname.contains('.') || !member.contains('.'))
            && short(ceph_hostname) == short(member))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_by_name_or_short_name() {
        assert!(same_host("node1", "node1"));
        assert!(same_host("node1.example.com", "node1"));
        assert!(!same_host("node10", "node1"));
        assert!(same_host("node1", "node1.example.com"));
        assert!(!same_host("node1.a.example", "node1.b.example"));
        assert!(!same_host("node2.example.com", "node1"));
    }
}
