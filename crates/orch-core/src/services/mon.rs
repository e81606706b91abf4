//! Ceph monitors: one per member, never fewer than one in the cluster, restartable.

use super::ServiceKind;
use crate::service_type::ServiceType;

/// The mon kind.
#[derive(Debug)]
pub(crate) struct Mon;

impl ServiceKind for Mon {
    const SERVICE_TYPE: ServiceType = ServiceType::Mon;
    const FLOOR: usize = 1;
    const RESTART: bool = true;
}
