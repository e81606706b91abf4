//! OSDs: listed and restarted, but MicroCeph manages them as disks, so `ceph orch apply` and `ceph orch rm` cannot place them.
//!
//! The members that "run" OSDs are the members that own OSD disks, and a daemon id is the OSD number.

use std::collections::BTreeSet;

use super::ServiceKind;
use crate::index::Index;
use crate::plan::Finding;
use crate::service_type::ServiceType;

/// The osd kind.
#[derive(Debug)]
pub(crate) struct Osd;

impl ServiceKind for Osd {
    const SERVICE_TYPE: ServiceType = ServiceType::Osd;
    const RESTART: bool = true;
    const PLACEABLE: bool = false;

    fn running(index: &Index<'_>, _service_id: Option<&str>) -> BTreeSet<String> {
        index.osd_members()
    }

    fn restart_warnings(findings: &mut Vec<Finding>) {
        findings.push(Finding::warning(
            "MicroCeph restarts only the services it records per member and does not record OSDs there, so it may answer an osd restart without restarting any OSD",
        ));
    }

    fn daemon_member(index: &Index<'_>, daemon_id: &str) -> Result<String, String> {
        let known = || {
            let osds: Vec<String> = index
                .osds()
                .map(|disk| format!("osd.{}", disk.osd))
                .collect();
            if osds.is_empty() {
                "the cluster has no OSDs".to_owned()
            } else {
                format!("OSDs are: {}", osds.join(", "))
            }
        };
        let Ok(osd) = daemon_id.parse::<u64>() else {
            return Err(format!(
                "an OSD daemon id is a number, as in osd.3; {}",
                known()
            ));
        };
        match index.osd(osd) {
            Some(disk) if index.member(&disk.member).is_some() => Ok(disk.member.clone()),
            Some(disk) => Err(format!(
                "osd.{osd} belongs to {}, which is not a cluster member",
                disk.member
            )),
            None => Err(format!("MicroCeph has no osd.{osd}; {}", known())),
        }
    }
}
