//! CephFS mirroring daemons: no payload, not restartable, and documented by MicroCeph as one instance per cluster.
//!
//! MicroCeph's API does not enforce the single instance, so a wider placement is allowed with a warning.

use std::collections::BTreeSet;

use super::{ServiceKind, member_list};
use crate::plan::Finding;
use crate::service_type::ServiceType;

/// The cephfs-mirror kind.
#[derive(Debug)]
pub(crate) struct CephfsMirror;

impl ServiceKind for CephfsMirror {
    const SERVICE_TYPE: ServiceType = ServiceType::CephfsMirror;

    fn placement_warnings(members: &BTreeSet<String>, findings: &mut Vec<Finding>) {
        if members.len() > 1 {
            findings.push(Finding::warning(format!(
                "MicroCeph documents cephfs-mirror as one instance per cluster; this placement runs it on {} members ({})",
                members.len(),
                member_list(members)
            )));
        }
    }
}
