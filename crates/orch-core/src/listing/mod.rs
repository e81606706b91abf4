//! Projections of the observed state for Ceph's listings: `orch ls`, `orch ps`, `orch host ls` and `orch device ls`.
//!
//! Each projection is sorted and built from plain values, so the mgr layer only maps fields onto Ceph's classes.
//! MicroCeph reports where services are enabled, not whether their processes are healthy; whether each daemon is alive comes from Ceph's maps (see [`crate::liveness`]).
//! Instances of `mds` and `rgw` that run without a stored spec are listed under the service id [`ADOPTED_SERVICE_ID`](crate::ADOPTED_SERVICE_ID), as in `mds.microceph`.

mod daemons;
mod inventory;
mod services;

pub use daemons::daemons;
pub use inventory::inventory;
pub use services::services;

use crate::index::Index;
use crate::liveness::Liveness;
use crate::service_type::ServiceType;
use crate::state::{MemberStatus, ObservedState};

/// One row of `orch ls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSummary {
    /// The service type.
    pub service_type: ServiceType,
    /// The service id, for the types that take one.
    pub service_id: Option<String>,
    /// The service name, `type` or `type.id`.
    pub service_name: String,
    /// How many daemons of the service Ceph sees running.
    pub running: usize,
    /// How many daemons the placement asks for; without a managed spec, how many MicroCeph placed.
    pub size: usize,
    /// The placement, as Ceph's `pretty_str()` shows it; for a service without a stored spec, the members running it.
    pub placement: String,
    /// Whether the orchestrator leaves the service alone; OSDs are always unmanaged here, as MicroCeph manages them as disks.
    pub unmanaged: bool,
    /// The ports the service listens on, when known.
    pub ports: Vec<u16>,
}

/// One row of `orch ps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonSummary {
    /// The daemon type, which is the service type.
    pub daemon_type: ServiceType,
    /// The daemon id: the member name, `<cluster_id>.<member>` for NFS, the OSD number for OSDs.
    pub daemon_id: String,
    /// The service the daemon belongs to.
    pub service_name: String,
    /// The member it runs on.
    pub hostname: String,
    /// The address it serves on: the NFS bind address when it is specific, else the member's IP; `None` when the host is not a member.
    pub ip: Option<String>,
    /// The ports it listens on, when known.
    pub ports: Vec<u16>,
    /// What Ceph's maps say of the daemon.
    pub liveness: Liveness,
}

/// One row of `orch host ls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSummary {
    /// The member name.
    pub hostname: String,
    /// The member's IP address, without port or brackets.
    pub addr: String,
    /// Ceph's host status: empty when `ONLINE`, `offline` when `UNREACHABLE`, else MicroCeph's status in lower case.
    pub status: String,
}

/// The devices of one host, for `orch device ls`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostInventory {
    /// The member name.
    pub hostname: String,
    /// The member's IP address.
    pub addr: String,
    /// The devices, sorted by path.
    pub devices: Vec<Device>,
}

/// One device of a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The stable path MicroCeph would record for an OSD on it, or the recorded OSD path.
    pub path: String,
    /// The kind of medium.
    pub device_type: DeviceType,
    /// The size in bytes; 0 when unknown.
    pub size: u64,
    /// The `/dev/disk/by-id/` name, when known.
    pub device_id: String,
    /// The model, when known.
    pub model: String,
    /// Whether MicroCeph would offer it for a new OSD.
    pub available: bool,
    /// Why it is not available, in a fixed order.
    pub rejected_reasons: Vec<String>,
}

/// The kind of medium, Ceph's `human_readable_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceType {
    /// A rotating disk: LXD reports a non-zero rpm.
    Hdd,
    /// A solid-state device: LXD reports rpm 0.
    Ssd,
    /// Not known, such as an OSD whose device was not inventoried.
    Unknown,
}

impl DaemonSummary {
    /// Ceph's daemon name, `<daemon_type>.<daemon_id>`.
    pub fn daemon_name(&self) -> String {
        format!("{}.{}", self.daemon_type, self.daemon_id)
    }
}

impl DeviceType {
    /// Ceph's spelling: `hdd`, `ssd` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Hdd => "hdd",
            DeviceType::Ssd => "ssd",
            DeviceType::Unknown => "unknown",
        }
    }
}

/// The members as `orch host ls` shows them, in name order.
pub fn hosts(observed: &ObservedState) -> Vec<HostSummary> {
    Index::new(observed)
        .members()
        .map(|member| HostSummary {
            hostname: member.name.clone(),
            addr: member.ip().to_owned(),
            status: match &member.status {
                MemberStatus::Online => String::new(),
                MemberStatus::Unreachable => "offline".to_owned(),
                other => other.as_str().to_lowercase(),
            },
        })
        .collect()
}
