//! CephFS metadata servers: the service id is the file system name, but every mds spec shares the same per-member MDS daemons.
//!
//! MicroCeph runs one bare MDS per member that serves any file system, so the MDS placement is the union of every mds spec's placement.

use super::{ServiceKind, ceph_id_rule};
use crate::service_type::ServiceType;

/// The mds kind.
#[derive(Debug)]
pub(crate) struct Mds;

impl ServiceKind for Mds {
    const SERVICE_TYPE: ServiceType = ServiceType::Mds;
    const TAKES_ID: bool = true;
    const ID_HINT: &'static str = "<fs_name>";
    const SHARED_PLACEMENT: bool = true;

    fn validate_id(id: &str) -> Result<(), String> {
        ceph_id_rule(id)?;
        if id.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(
                "an MDS service id (the file system name) cannot start with a digit".to_owned(),
            );
        }
        Ok(())
    }
}
