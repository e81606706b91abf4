//! What differs between service types, one file per type, combined in one closed `match`.
//!
//! Each type implements [`ServiceKind`]: whether it takes a service id and how that id is checked, what its enable payload looks like, which members run it, its safety floor, and whether MicroCeph can restart it.
//! The `with_kind!` macro is the only place that maps a [`ServiceType`] to its kind, so adding a type is one new file and one new arm.
//! Generic planning code asks these functions instead of comparing type names.

mod cephfs_mirror;
mod mds;
mod mgr;
mod mon;
mod nfs;
mod osd;
mod rbd_mirror;
mod rgw;

use std::collections::{BTreeMap, BTreeSet};

use crate::index::Index;
use crate::plan::{CallBody, EnablePayload, Finding};
use crate::service_type::ServiceType;
use crate::spec::ServiceSpec;

/// The behaviour of one service type.
pub(crate) trait ServiceKind {
    /// The type this kind describes.
    const SERVICE_TYPE: ServiceType;
    /// Whether Ceph names the service with an id.
    const TAKES_ID: bool = false;
    /// What the id stands for, shown in messages such as `nfs.<cluster_id>`.
    const ID_HINT: &'static str = "<service_id>";
    /// The fewest instances the cluster may keep; removing below it is refused.
    const FLOOR: usize = 0;
    /// Whether `POST /1.0/services/restart` restarts this type.
    const RESTART: bool = false;
    /// Whether `ceph orch apply` and `ceph orch rm` can place and remove it.
    const PLACEABLE: bool = true;
    /// Whether every spec of this type shares the same per-member daemons, so the placement is the union of all specs.
    const SHARED_PLACEMENT: bool = false;

    /// Checks a service id; the error states the rule it breaks.
    fn validate_id(id: &str) -> Result<(), String> {
        ceph_id_rule(id)
    }

    /// Checks the spec's type-specific fields and builds the enable payload, pushing a finding for each problem.
    fn enable_payload(
        _spec: &ServiceSpec,
        _service_id: Option<&str>,
        _findings: &mut Vec<Finding>,
    ) -> EnablePayload {
        EnablePayload::None
    }

    /// Checks the spec against the stored specs and the observed instances.
    fn check_stored(_context: &SpecContext<'_>, _findings: &mut Vec<Finding>) {}

    /// The members running this service (for NFS, in the given cluster).
    fn running(index: &Index<'_>, _service_id: Option<&str>) -> BTreeSet<String> {
        index.running(Self::SERVICE_TYPE)
    }

    /// Members that cannot take this service, with what they already belong to.
    fn conflicts(_index: &Index<'_>, _service_id: Option<&str>) -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    /// The body of a disable call.
    fn disable_body(_service_id: Option<&str>) -> CallBody {
        CallBody::None
    }

    /// Warnings about the final placement.
    fn placement_warnings(_members: &BTreeSet<String>, _findings: &mut Vec<Finding>) {}

    /// The ports a spec of this type declares.
    fn declared_ports(_spec: &ServiceSpec) -> Vec<u16> {
        Vec::new()
    }

    /// Warnings about restarting this type.
    fn restart_warnings(_findings: &mut Vec<Finding>) {}

    /// Finds the member a daemon id names; the error says why none matches.
    fn daemon_member(index: &Index<'_>, daemon_id: &str) -> Result<String, String> {
        plain_daemon_member(index, Self::SERVICE_TYPE, daemon_id)
    }
}

/// What [`ServiceKind::check_stored`] looks at.
#[derive(Debug)]
pub(crate) struct SpecContext<'a> {
    /// The spec being applied.
    pub(crate) spec: &'a ServiceSpec,
    /// Its service name.
    pub(crate) service_name: &'a str,
    /// The payload its enables would carry.
    pub(crate) payload: &'a EnablePayload,
    /// The specs the orchestrator has stored.
    pub(crate) stored: &'a [ServiceSpec],
    /// The observed state.
    pub(crate) index: &'a Index<'a>,
    /// The members the service runs on once the plan is carried out; warnings about running
    /// daemons name only these, not those the plan disables.
    pub(crate) desired: &'a BTreeSet<String>,
}

/// Runs `$body` with `$kind` bound to the kind type of `$service_type`: the one closed mapping from types to kinds.
macro_rules! with_kind {
    ($service_type:expr, $kind:ident => $body:expr) => {
        match $service_type {
            ServiceType::Mon => {
                type $kind = mon::Mon;
                $body
            }
            ServiceType::Mgr => {
                type $kind = mgr::Mgr;
                $body
            }
            ServiceType::Mds => {
                type $kind = mds::Mds;
                $body
            }
            ServiceType::Rgw => {
                type $kind = rgw::Rgw;
                $body
            }
            ServiceType::Nfs => {
                type $kind = nfs::Nfs;
                $body
            }
            ServiceType::RbdMirror => {
                type $kind = rbd_mirror::RbdMirror;
                $body
            }
            ServiceType::CephfsMirror => {
                type $kind = cephfs_mirror::CephfsMirror;
                $body
            }
            ServiceType::Osd => {
                type $kind = osd::Osd;
                $body
            }
        }
    };
}

/// The service id of adopted services: instances of an id-taking type that run without any stored spec, such as the MDS daemons MicroCeph places at bootstrap.
pub const ADOPTED_SERVICE_ID: &str = "microceph";

/// See [`ServiceKind::TAKES_ID`].
pub(crate) fn takes_service_id(service_type: ServiceType) -> bool {
    with_kind!(service_type, K => K::TAKES_ID)
}

/// See [`ServiceKind::ID_HINT`].
pub(crate) fn id_hint(service_type: ServiceType) -> &'static str {
    with_kind!(service_type, K => K::ID_HINT)
}

/// See [`ServiceKind::FLOOR`].
pub(crate) fn floor(service_type: ServiceType) -> usize {
    with_kind!(service_type, K => K::FLOOR)
}

/// See [`ServiceKind::RESTART`].
pub(crate) fn restart_supported(service_type: ServiceType) -> bool {
    with_kind!(service_type, K => K::RESTART)
}

/// See [`ServiceKind::PLACEABLE`].
pub(crate) fn placeable(service_type: ServiceType) -> bool {
    with_kind!(service_type, K => K::PLACEABLE)
}

/// See [`ServiceKind::SHARED_PLACEMENT`].
pub(crate) fn shared_placement(service_type: ServiceType) -> bool {
    with_kind!(service_type, K => K::SHARED_PLACEMENT)
}

/// See [`ServiceKind::validate_id`].
pub(crate) fn validate_service_id(service_type: ServiceType, id: &str) -> Result<(), String> {
    with_kind!(service_type, K => K::validate_id(id))
}

/// See [`ServiceKind::enable_payload`].
pub(crate) fn enable_payload(
    service_type: ServiceType,
    spec: &ServiceSpec,
    service_id: Option<&str>,
    findings: &mut Vec<Finding>,
) -> EnablePayload {
    with_kind!(service_type, K => K::enable_payload(spec, service_id, findings))
}

/// See [`ServiceKind::check_stored`].
pub(crate) fn check_stored(
    service_type: ServiceType,
    context: &SpecContext<'_>,
    findings: &mut Vec<Finding>,
) {
    with_kind!(service_type, K => K::check_stored(context, findings));
}

/// See [`ServiceKind::running`].
pub(crate) fn running(
    service_type: ServiceType,
    index: &Index<'_>,
    service_id: Option<&str>,
) -> BTreeSet<String> {
    with_kind!(service_type, K => K::running(index, service_id))
}

/// See [`ServiceKind::conflicts`].
pub(crate) fn conflicts(
    service_type: ServiceType,
    index: &Index<'_>,
    service_id: Option<&str>,
) -> BTreeMap<String, String> {
    with_kind!(service_type, K => K::conflicts(index, service_id))
}

/// See [`ServiceKind::disable_body`].
pub(crate) fn disable_body(service_type: ServiceType, service_id: Option<&str>) -> CallBody {
    with_kind!(service_type, K => K::disable_body(service_id))
}

/// See [`ServiceKind::placement_warnings`].
pub(crate) fn placement_warnings(
    service_type: ServiceType,
    members: &BTreeSet<String>,
    findings: &mut Vec<Finding>,
) {
    with_kind!(service_type, K => K::placement_warnings(members, findings));
}

/// See [`ServiceKind::declared_ports`].
pub(crate) fn declared_ports(service_type: ServiceType, spec: &ServiceSpec) -> Vec<u16> {
    with_kind!(service_type, K => K::declared_ports(spec))
}

/// See [`ServiceKind::restart_warnings`].
pub(crate) fn restart_warnings(service_type: ServiceType, findings: &mut Vec<Finding>) {
    with_kind!(service_type, K => K::restart_warnings(findings));
}

/// See [`ServiceKind::daemon_member`].
pub(crate) fn daemon_member(
    service_type: ServiceType,
    index: &Index<'_>,
    daemon_id: &str,
) -> Result<String, String> {
    with_kind!(service_type, K => K::daemon_member(index, daemon_id))
}

/// The restartable types, for messages: `mon, rgw and osd`.
pub(crate) fn restartable_list() -> String {
    let names: Vec<&str> = ServiceType::ALL
        .into_iter()
        .filter(|service_type| restart_supported(*service_type))
        .map(ServiceType::as_str)
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The longest service id accepted, as long as a DNS label or an NFS cluster id.
const MAX_ID_CHARS: usize = 63;

/// Ceph's service id rule, `^[a-zA-Z0-9_.-]+$`, plus two of ours: not only dots, at most [`MAX_ID_CHARS`] characters.
fn ceph_id_rule(id: &str) -> Result<(), String> {
    let valid = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid {
        return Err("only [a-zA-Z0-9_.-] allowed".to_owned());
    }
    if id.chars().all(|c| c == '.') {
        return Err(
            "a service id cannot be made of dots only; include a letter, digit, '_' or '-'"
                .to_owned(),
        );
    }
    let length = id.chars().count();
    if length > MAX_ID_CHARS {
        return Err(format!(
            "a service id is at most {MAX_ID_CHARS} characters long, this one has {length}"
        ));
    }
    Ok(())
}

/// A plain daemon's id is the name of the member it runs on.
fn plain_daemon_member(
    index: &Index<'_>,
    service_type: ServiceType,
    daemon_id: &str,
) -> Result<String, String> {
    if index.member(daemon_id).is_none() {
        return Err(format!(
            "{daemon_id} is not a cluster member; cluster members are: {}",
            index.member_list()
        ));
    }
    if !index.running(service_type).contains(daemon_id) {
        return Err(format!("{service_type} does not run on {daemon_id}"));
    }
    Ok(daemon_id.to_owned())
}

/// Joins member names for messages.
pub(crate) fn member_list(members: &BTreeSet<String>) -> String {
    members
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(service_type: ServiceType, id: &str, expected: Result<(), &str>) {
        assert_eq!(
            validate_service_id(service_type, id),
            expected.map_err(str::to_owned),
            "{service_type} id {id:?}"
        );
    }

    #[test]
    fn validates_ids_per_type() {
        check(ServiceType::Rgw, "realm.zone", Ok(()));
        check(ServiceType::Rgw, "a/b", Err("only [a-zA-Z0-9_.-] allowed"));
        for unsafe_id in ["a?b", "a#b", "a%2Fb", "a b", "n\u{153}ud", "a\u{7}b", ""] {
            check(
                ServiceType::Rgw,
                unsafe_id,
                Err("only [a-zA-Z0-9_.-] allowed"),
            );
        }
        let dots = "a service id cannot be made of dots only; include a letter, digit, '_' or '-'";
        check(ServiceType::Rgw, ".", Err(dots));
        check(ServiceType::Rgw, "..", Err(dots));
        check(ServiceType::Mds, "..", Err(dots));
        check(ServiceType::Rgw, "a..b", Ok(()));
        check(ServiceType::Rgw, &"a".repeat(63), Ok(()));
        check(
            ServiceType::Rgw,
            &"a".repeat(300),
            Err("a service id is at most 63 characters long, this one has 300"),
        );
        check(ServiceType::Mds, "fs-1", Ok(()));
        check(
            ServiceType::Mds,
            "9fs",
            Err("an MDS service id (the file system name) cannot start with a digit"),
        );
        check(ServiceType::Nfs, "foo-cluster", Ok(()));
        check(ServiceType::Nfs, "abc", Ok(()));
        let nfs_rule = r"an NFS cluster id must match MicroCeph's '^[\w][\w.-]{1,61}[\w]$': 3 to 63 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'";
        check(ServiceType::Nfs, "ab", Err(nfs_rule));
        check(ServiceType::Nfs, "-abc", Err(nfs_rule));
        check(ServiceType::Nfs, "abc.", Err(nfs_rule));
        check(ServiceType::Nfs, &"a".repeat(63), Ok(()));
        check(ServiceType::Nfs, &"a".repeat(64), Err(nfs_rule));
        check(ServiceType::Nfs, "é-cluster", Err(nfs_rule));
    }

    #[test]
    fn lists_restartable_types() {
        assert_eq!(restartable_list(), "mon, rgw and osd");
    }
}
