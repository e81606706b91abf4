//! The fake's own control API, which the real daemon does not have: state, member status, timing, daemon switches, faults and logs.
//!
//! [`Control`] is the in-process form for Rust tests; `control_http.rs` serves the same operations under `/fake/1.0/` on the fake's socket.
//! Control calls are never logged as MicroCeph requests and bypass latency and faults.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::cluster::{Cluster, ClusterError, MemberStatus, ServiceName};
use crate::devices::BlockDevice;
use crate::faults::{Fault, PendingFault};
use crate::in_flight::ConcurrencyReport;
use crate::state::{DaemonState, DatabaseStatus, RequestRecord, Shared, Timing};

/// A handle on a running fake's state; cheap to clone and usable from sync or async code.
#[derive(Clone, Debug)]
pub struct Control {
    shared: Arc<Shared>,
}

/// A partial update of one member.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberUpdate {
    /// The new status, if it changes.
    pub status: Option<MemberStatus>,
    /// The new set of services that fail their post-placement check on this member, if it changes.
    pub failing_services: Option<BTreeSet<ServiceName>>,
}

/// A partial update of the daemon switches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DaemonUpdate {
    /// The new database status, if it changes.
    pub database: Option<DatabaseStatus>,
    /// Whether `GET /core/1.0/ready` answers 200, if it changes.
    pub ready: Option<bool>,
    /// Whether the daemon reports that it is shutting down, if it changes.
    pub shutting_down: Option<bool>,
}

/// Why a control operation was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// No member has this name.
    #[error("unknown member {0:?}")]
    UnknownMember(String),
    /// No pending fault has this id.
    #[error("no pending fault with id {0}")]
    UnknownFault(u64),
    /// A replacement cluster is not valid.
    #[error(transparent)]
    InvalidCluster(#[from] ClusterError),
}

impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// A copy of the cluster as it is now.
    pub fn cluster(&self) -> Cluster {
        self.shared.lock().cluster.clone()
    }

    /// Replaces the whole cluster after validating it.
    pub fn replace_cluster(&self, cluster: Cluster) -> Result<(), ControlError> {
        cluster.validate()?;
        self.shared.lock().cluster = cluster;
        Ok(())
    }

    /// Changes one member's status or failing services.
    pub fn update_member(&self, name: &str, update: MemberUpdate) -> Result<(), ControlError> {
        let mut state = self.shared.lock();
        let member = state
            .cluster
            .member_mut(name)
            .ok_or_else(|| ControlError::UnknownMember(name.to_owned()))?;
        if let Some(status) = update.status {
            member.status = status;
        }
        if let Some(failing) = update.failing_services {
            member.failing_services = failing;
        }
        Ok(())
    }

    /// Adds a block device to a member, as if a disk were plugged in; its `id` must be new on that member.
    pub fn add_block_device(&self, name: &str, device: BlockDevice) -> Result<(), ControlError> {
        let mut state = self.shared.lock();
        let mut cluster = state.cluster.clone();
        cluster
            .member_mut(name)
            .ok_or_else(|| ControlError::UnknownMember(name.to_owned()))?
            .block_devices
            .push(device);
        cluster.validate()?;
        state.cluster = cluster;
        Ok(())
    }

    /// The current timing knobs.
    pub fn timing(&self) -> Timing {
        self.shared.timing()
    }

    /// Replaces the timing knobs.
    pub fn set_timing(&self, timing: Timing) {
        self.shared.lock().timing = timing;
    }

    /// The current daemon switches.
    pub fn daemon(&self) -> DaemonState {
        self.shared.lock().daemon
    }

    /// Changes some daemon switches and returns the result.
    pub fn update_daemon(&self, update: DaemonUpdate) -> DaemonState {
        let mut state = self.shared.lock();
        let daemon = &mut state.daemon;
        if let Some(database) = update.database {
            daemon.database = database;
        }
        if let Some(ready) = update.ready {
            daemon.ready = ready;
        }
        if let Some(shutting_down) = update.shutting_down {
            daemon.shutting_down = shutting_down;
        }
        *daemon
    }

    /// Adds a fault and returns its id.
    pub fn add_fault(&self, fault: Fault) -> u64 {
        self.shared.lock().faults.add(fault)
    }

    /// The faults still waiting for matching requests, with their remaining counts.
    pub fn faults(&self) -> Vec<PendingFault> {
        self.shared.lock().faults.pending()
    }

    /// Forgets one pending fault.
    pub fn remove_fault(&self, id: u64) -> Result<(), ControlError> {
        if self.shared.lock().faults.remove(id) {
            Ok(())
        } else {
            Err(ControlError::UnknownFault(id))
        }
    }

    /// Forgets every pending fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every MicroCeph request received so far (up to the log's capacity), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.snapshot()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// How many MicroCeph requests, and how many writes, are being served now, and the most served at once (overall and as one member) since [`Control::reset_concurrency`].
    pub fn concurrency(&self) -> ConcurrencyReport {
        ConcurrencyReport {
            all: self.shared.in_flight.snapshot(),
            writes: self.shared.writes_in_flight.snapshot(),
        }
    }

    /// Sets the concurrency peaks back to what is in flight now.
    pub fn reset_concurrency(&self) {
        self.shared.in_flight.reset_peaks();
        self.shared.writes_in_flight.reset_peaks();
    }

    /// The daemon log, oldest line first: enables, disables and restarts with their outcomes.
    pub fn log(&self) -> Vec<String> {
        self.shared.lock().log.snapshot()
    }

    /// Forgets the daemon log.
    pub fn clear_log(&self) {
        self.shared.lock().log.clear();
    }
}
