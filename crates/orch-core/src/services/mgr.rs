//! Ceph managers: one per member and never fewer than one in the cluster; MicroCeph has no restart handler for them.

use super::ServiceKind;
use crate::service_type::ServiceType;

/// The mgr kind.
#[derive(Debug)]
pub(crate) struct Mgr;

impl ServiceKind for Mgr {
    const SERVICE_TYPE: ServiceType = ServiceType::Mgr;
    const FLOOR: usize = 1;
}
