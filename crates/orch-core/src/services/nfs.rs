//! NFS-Ganesha: the service id is the NFS cluster id, MicroCeph's `group_id`, and a member can belong to one NFS cluster only.
//!
//! The payload is validated the way MicroCeph validates it, so a bad value is reported before any call.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::{ServiceKind, SpecContext};
use crate::index::Index;
use crate::plan::{CallBody, EnablePayload, Finding};
use crate::service_type::ServiceType;
use crate::spec::ServiceSpec;

/// The nfs kind.
#[derive(Debug)]
pub(crate) struct Nfs;

/// MicroCeph's default bind address.
const DEFAULT_BIND_ADDRESS: &str = "0.0.0.0";
/// MicroCeph's default bind port.
const DEFAULT_BIND_PORT: u16 = 2049;
/// The MicroCeph CLI's default minimum `NFSv4` minor version.
const DEFAULT_V4_MIN_VERSION: u32 = 1;
/// The highest port MicroCeph accepts.
const MAX_BIND_PORT: u16 = 49151;

impl ServiceKind for Nfs {
    const SERVICE_TYPE: ServiceType = ServiceType::Nfs;
    const TAKES_ID: bool = true;
    const ID_HINT: &'static str = "<cluster_id>";

    /// MicroCeph's rule, `^[\w][\w.-]{1,61}[\w]$` with Go's ASCII `\w`, which is stricter than Ceph's.
    fn validate_id(id: &str) -> Result<(), String> {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let chars: Vec<char> = id.chars().collect();
        let valid = (3..=63).contains(&chars.len())
            && chars.first().copied().is_some_and(word)
            && chars.last().copied().is_some_and(word)
            && chars.iter().all(|&c| word(c) || c == '.' || c == '-');
        if valid {
            Ok(())
        } else {
            Err(r"an NFS cluster id must match MicroCeph's '^[\w][\w.-]{1,61}[\w]$': 3 to 63 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'".to_owned())
        }
    }

    fn enable_payload(
        spec: &ServiceSpec,
        service_id: Option<&str>,
        findings: &mut Vec<Finding>,
    ) -> EnablePayload {
        let v4_min_version = spec.nfs.v4_min_version.unwrap_or(DEFAULT_V4_MIN_VERSION);
        if v4_min_version > 2 {
            findings.push(Finding::error(format!(
                "v4_min_version {v4_min_version} is out of range: MicroCeph accepts 0, 1 or 2"
            )));
        }
        let bind_address = spec
            .nfs
            .bind_address
            .as_deref()
            .filter(|address| !address.is_empty())
            .unwrap_or(DEFAULT_BIND_ADDRESS);
        if bind_address.parse::<IpAddr>().is_err() {
            findings.push(Finding::error(format!(
                "nfs bind address '{bind_address}' is not an IP address: MicroCeph needs an IPv4 or IPv6 address, such as 0.0.0.0"
            )));
        }
        let bind_port = spec.nfs.port.unwrap_or(DEFAULT_BIND_PORT);
        if bind_port == 0 || bind_port > MAX_BIND_PORT {
            findings.push(Finding::error(format!(
                "nfs port {bind_port} is out of range: MicroCeph accepts 1 to {MAX_BIND_PORT}"
            )));
        }
        EnablePayload::Nfs {
            cluster_id: service_id.unwrap_or_default().to_owned(),
            v4_min_version,
            bind_address: bind_address.to_owned(),
            bind_port,
        }
    }

    fn declared_ports(spec: &ServiceSpec) -> Vec<u16> {
        vec![spec.nfs.port.unwrap_or(DEFAULT_BIND_PORT)]
    }

    fn check_stored(context: &SpecContext<'_>, findings: &mut Vec<Finding>) {
        let EnablePayload::Nfs {
            cluster_id,
            bind_address,
            bind_port,
            v4_min_version,
        } = context.payload
        else {
            return;
        };
        let this = context.service_name;
        let running: Vec<(&str, String)> = context
            .index
            .nfs_instances()
            .into_iter()
            .filter(|(_, instance)| instance.cluster_id == *cluster_id)
            .map(|(member, instance)| {
                (
                    member,
                    bind_text(&instance.bind_address, instance.bind_port),
                )
            })
            .collect();
        let wanted = bind_text(bind_address, *bind_port);
        // Only the servers the plan keeps matter here; those it disables go away anyway.
        let kept = running
            .iter()
            .filter(|(member, _)| context.desired.contains(*member));
        for (member, bound) in kept {
            if *bound != wanted {
                findings.push(Finding::warning(format!(
                    "{this} on {member} binds {bound}, not {wanted} as the spec asks; MicroCeph cannot rebind a running NFS server: remove and re-apply {this} to change it"
                )));
            }
        }
        let stored_version = context
            .stored
            .iter()
            .find(|spec| spec.service_name() == this)
            .map(|spec| spec.nfs.v4_min_version.unwrap_or(DEFAULT_V4_MIN_VERSION));
        if let Some(stored_version) = stored_version
            && stored_version != *v4_min_version
            && !running.is_empty()
        {
            findings.push(Finding::warning(format!(
                "v4_min_version of {this} changed from {stored_version} to {v4_min_version}; MicroCeph keeps one v4_min_version per NFS cluster, so enabling new members may fail with 'conflicting service group configurations': remove and re-apply {this} to change it"
            )));
        }
    }

    fn running(index: &Index<'_>, service_id: Option<&str>) -> BTreeSet<String> {
        index.nfs_members(service_id.unwrap_or_default())
    }

    fn conflicts(index: &Index<'_>, service_id: Option<&str>) -> BTreeMap<String, String> {
        let cluster_id = service_id.unwrap_or_default();
        let mut conflicts = BTreeMap::new();
        for member in index.member_names() {
            let clusters = index.nfs_clusters_of(member);
            if clusters
                .iter()
                .any(|instance| instance.cluster_id == cluster_id)
            {
                continue;
            }
            if let Some(other) = clusters.first() {
                conflicts.insert(member.to_owned(), format!("nfs.{}", other.cluster_id));
            }
        }
        conflicts
    }

    fn disable_body(service_id: Option<&str>) -> CallBody {
        CallBody::DisableNfs {
            cluster_id: service_id.unwrap_or_default().to_owned(),
        }
    }

    fn daemon_member(index: &Index<'_>, daemon_id: &str) -> Result<String, String> {
        index
            .nfs_instances()
            .into_iter()
            .find(|(member, instance)| format!("{}.{member}", instance.cluster_id) == daemon_id)
            .map(|(member, _)| member.to_owned())
            .ok_or_else(|| {
                format!(
                    "no NFS daemon has id {daemon_id}; NFS daemon ids are <cluster_id>.<member>"
                )
            })
    }
}

/// Shows an address and port, bracketing IPv6 addresses.
fn bind_text(address: &str, port: u16) -> String {
    if address.contains(':') {
        format!("[{address}]:{port}")
    } else {
        format!("{address}:{port}")
    }
}
