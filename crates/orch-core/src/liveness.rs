//! Whether a daemon MicroCeph placed is alive, as Ceph's own maps tell.
//!
//! Each daemon type has the map that knows it, and absence from that map means something different for each:
//!
//! | type | running when | not running | no record |
//! |---|---|---|---|
//! | mon | in quorum | in the monmap, out of quorum: error | not in the monmap |
//! | mgr | active or standby in the mgr map | not in the mgr map (which lists live mgrs only): stopped | — |
//! | mds | in the FS map in an `up:` state | in another state: error; not in the FS map (which lists live MDSs only): stopped | — |
//! | rgw, rbd-mirror, cephfs-mirror | registered in the service map from the member | not registered (these always register): stopped | — |
//! | nfs | registered in the service map from the member | — | not registered |
//! | osd | up in the OSD map | down: error | not in the OSD map |
//!
//! A map that was not read gives `unknown` for its daemons, saying so.
//! Versions come from the daemons' metadata or their service map entry; start times only from the service map, the one place Ceph records them.

use crate::ceph::{CephView, ServiceDaemon, same_host};
use crate::service_type::ServiceType;

/// What Ceph says of one daemon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liveness {
    /// The status.
    pub status: DaemonStatus,
    /// Why the daemon is not running, or why nothing is known; `None` when it runs.
    pub reason: Option<String>,
    /// The Ceph version it runs, when Ceph's metadata has it.
    pub version: Option<String>,
    /// When it started, in Ceph's timestamp format, when Ceph records it.
    pub started: Option<String>,
    /// Whether it is the active mgr.
    pub is_active: bool,
    /// The MDS rank it holds.
    pub rank: Option<u64>,
}

/// Ceph's daemon statuses, as far as the maps can tell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DaemonStatus {
    /// Ceph sees the daemon alive.
    Running,
    /// Ceph lists only live daemons of this type, and this one is not among them.
    Stopped,
    /// Ceph knows the daemon and says it is not working: out of quorum, down.
    Error,
    /// Ceph has no record of the daemon, or its map was not read.
    Unknown,
}

impl DaemonStatus {
    /// Ceph's spelling, as `DaemonDescriptionStatus` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            DaemonStatus::Running => "running",
            DaemonStatus::Stopped => "stopped",
            DaemonStatus::Error => "error",
            DaemonStatus::Unknown => "unknown",
        }
    }

    /// Ceph's `DaemonDescriptionStatus` value.
    pub fn ceph_value(self) -> i32 {
        match self {
            DaemonStatus::Running => 1,
            DaemonStatus::Stopped => 0,
            DaemonStatus::Error => -1,
            DaemonStatus::Unknown => -2,
        }
    }
}

impl Liveness {
    /// The text `orch ps` shows: `running`, or the status and its reason, such as `error (not in quorum)`.
    pub fn description(&self) -> String {
        match &self.reason {
            Some(reason) => format!("{} ({reason})", self.status.as_str()),
            None => self.status.as_str().to_owned(),
        }
    }

    fn running() -> Self {
        Liveness {
            status: DaemonStatus::Running,
            reason: None,
            version: None,
            started: None,
            is_active: false,
            rank: None,
        }
    }

    fn not_running(status: DaemonStatus, reason: impl Into<String>) -> Self {
        Liveness {
            status,
            reason: Some(reason.into()),
            ..Liveness::running()
        }
    }

    fn unread(map: &str) -> Self {
        Liveness::not_running(DaemonStatus::Unknown, format!("the {map} was not read"))
    }
}

/// What Ceph says of the daemon `daemon_type.daemon_id` that MicroCeph placed on `member`.
pub fn liveness(
    ceph: &CephView,
    daemon_type: ServiceType,
    daemon_id: &str,
    member: &str,
) -> Liveness {
    let mut liveness = match daemon_type {
        ServiceType::Mon => mon(ceph, daemon_id),
        ServiceType::Mgr => mgr(ceph, daemon_id),
        ServiceType::Mds => mds(ceph, daemon_id),
        ServiceType::Osd => osd(ceph, daemon_id),
        ServiceType::Rgw | ServiceType::RbdMirror | ServiceType::CephfsMirror => {
            registered(ceph, daemon_type, member, DaemonStatus::Stopped)
        }
        ServiceType::Nfs => registered(ceph, daemon_type, member, DaemonStatus::Unknown),
    };
    if liveness.version.is_none() {
        liveness.version = ceph
            .metadata
            .get(&format!("{daemon_type}.{daemon_id}"))
            .and_then(|metadata| metadata.version.clone());
    }
    liveness
}

fn mon(ceph: &CephView, name: &str) -> Liveness {
    let Some(mons) = &ceph.mons else {
        return Liveness::unread("monmap");
    };
    if mons.quorum.iter().any(|known| known == name) {
        Liveness::running()
    } else if mons.monmap.iter().any(|known| known == name) {
        Liveness::not_running(DaemonStatus::Error, "not in quorum")
    } else {
        Liveness::not_running(DaemonStatus::Unknown, "not in the monmap")
    }
}

fn mgr(ceph: &CephView, name: &str) -> Liveness {
    let Some(mgrs) = &ceph.mgrs else {
        return Liveness::unread("mgr map");
    };
    if mgrs.active.as_deref() == Some(name) {
        Liveness {
            is_active: true,
            ..Liveness::running()
        }
    } else if mgrs.standbys.iter().any(|known| known == name) {
        Liveness::running()
    } else {
        Liveness::not_running(DaemonStatus::Stopped, "not in the mgr map")
    }
}

fn mds(ceph: &CephView, name: &str) -> Liveness {
    let Some(daemons) = &ceph.mds else {
        return Liveness::unread("FS map");
    };
    let Some(daemon) = daemons.iter().find(|daemon| daemon.name == name) else {
        return Liveness::not_running(DaemonStatus::Stopped, "not in the FS map");
    };
    let mut liveness = if daemon.state.starts_with("up:") {
        Liveness::running()
    } else {
        Liveness::not_running(DaemonStatus::Error, daemon.state.clone())
    };
    liveness.rank = daemon.rank;
    liveness
}

fn osd(ceph: &CephView, daemon_id: &str) -> Liveness {
    let Some(osds) = &ceph.osds else {
        return Liveness::unread("OSD map");
    };
    let Some(osd) = daemon_id
        .parse::<u64>()
        .ok()
        .and_then(|id| osds.iter().find(|osd| osd.id == id))
    else {
        return Liveness::not_running(DaemonStatus::Unknown, "not in the OSD map");
    };
    match (osd.up, osd.is_in) {
        (true, _) => Liveness::running(),
        (false, true) => Liveness::not_running(DaemonStatus::Error, "osd down"),
        (false, false) => Liveness::not_running(DaemonStatus::Error, "osd down and out"),
    }
}

/// A daemon that registers in the service map; `absent` is the status when it has not.
fn registered(
    ceph: &CephView,
    daemon_type: ServiceType,
    member: &str,
    absent: DaemonStatus,
) -> Liveness {
    let Some(daemons) = &ceph.service_daemons else {
        return Liveness::unread("service map");
    };
    match registration(daemons, daemon_type, member) {
        Some(daemon) => Liveness {
            version: daemon.version.clone(),
            started: daemon.start_stamp.clone(),
            ..Liveness::running()
        },
        None => Liveness::not_running(absent, "not in the service map"),
    }
}

/// The service map entry of the daemon of `daemon_type` on `member`: the newest when there are several.
pub(crate) fn registration<'c>(
    daemons: &'c [ServiceDaemon],
    daemon_type: ServiceType,
    member: &str,
) -> Option<&'c ServiceDaemon> {
    daemons
        .iter()
        .filter(|daemon| daemon.service == daemon_type.as_str())
        .filter(|daemon| same_host(&daemon.hostname, member))
        .max_by_key(|daemon| daemon.gid)
}
