//! RBD mirroring daemons: one per member, no payload, not restartable through MicroCeph.

use super::ServiceKind;
use crate::service_type::ServiceType;

/// The rbd-mirror kind.
#[derive(Debug)]
pub(crate) struct RbdMirror;

impl ServiceKind for RbdMirror {
    const SERVICE_TYPE: ServiceType = ServiceType::RbdMirror;
}
