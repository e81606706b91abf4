//! The daemon listing (`orch ps`), and the stored-spec view the service listing shares.
//!
//! Daemon ids follow Ceph's own daemon names where MicroCeph has them: `mon.<member>`, `mgr.<member>`, `mds.<member>`, `rgw.<member>`, `osd.<n>`; NFS daemons are `nfs.<cluster_id>.<member>`.
//! An MDS daemon belongs to the first mds spec, by name, whose placement covers its member.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::DaemonSummary;
use crate::ceph::CephView;
use crate::index::Index;
use crate::liveness::liveness;
use crate::placement::{Request, resolve};
use crate::service_type::{ServiceName, ServiceType};
use crate::services::{self, ADOPTED_SERVICE_ID};
use crate::spec::ServiceSpec;
use crate::state::ObservedState;

/// The daemons, grouped by type (in [`ServiceType::ALL`] order, NFS by cluster id, OSDs by number), each group in member order.
///
/// NFS instances live apart from the other services in MicroCeph's model (and in the index), so they are listed from their own table.
///
/// Each daemon carries what `ceph` says of it; an empty [`CephView`] makes every status unknown.
pub fn daemons(
    observed: &ObservedState,
    stored_specs: &[ServiceSpec],
    ceph: &CephView,
) -> Vec<DaemonSummary> {
    let index = Index::new(observed);
    let stored = StoredView::new(stored_specs);
    let mut daemons = Vec::new();
    for service_type in ServiceType::ALL {
        if !services::placeable(service_type) {
            continue;
        }
        for member in index.running(service_type) {
            let (service_name, ports) = stored.daemon_service(&index, service_type, &member);
            daemons.push(DaemonSummary {
                daemon_type: service_type,
                daemon_id: member.clone(),
                service_name,
                ip: index.member(&member).map(|m| m.ip().to_owned()),
                liveness: liveness(ceph, service_type, &member, &member),
                hostname: member,
                ports,
            });
        }
    }
    for (member, instance) in index.nfs_instances() {
        let specific = instance
            .bind_address
            .parse::<IpAddr>()
            .is_ok_and(|address| !address.is_unspecified());
        let ip = if specific {
            Some(instance.bind_address.clone())
        } else {
            index.member(member).map(|m| m.ip().to_owned())
        };
        let daemon_id = format!("{}.{member}", instance.cluster_id);
        daemons.push(DaemonSummary {
            daemon_type: ServiceType::Nfs,
            liveness: liveness(ceph, ServiceType::Nfs, &daemon_id, member),
            daemon_id,
            service_name: format!("nfs.{}", instance.cluster_id),
            hostname: member.to_owned(),
            ip,
            ports: vec![instance.bind_port],
        });
    }
    for disk in index.osds() {
        let daemon_id = disk.osd.to_string();
        daemons.push(DaemonSummary {
            daemon_type: ServiceType::Osd,
            liveness: liveness(ceph, ServiceType::Osd, &daemon_id, &disk.member),
            daemon_id,
            service_name: ServiceType::Osd.to_string(),
            hostname: disk.member.clone(),
            ip: index.member(&disk.member).map(|m| m.ip().to_owned()),
            ports: Vec::new(),
        });
    }
    daemons
}

/// The stored specs that have a valid service name, first of each name kept, in name order.
#[derive(Debug)]
pub(super) struct StoredView<'s> {
    specs: Vec<(ServiceName, String, &'s ServiceSpec)>,
}

impl<'s> StoredView<'s> {
    pub(super) fn new(stored_specs: &'s [ServiceSpec]) -> Self {
        let mut specs: Vec<(ServiceName, String, &'s ServiceSpec)> = Vec::new();
        for spec in stored_specs {
            let Ok(service_type) = ServiceType::parse(&spec.service_type) else {
                continue;
            };
            let id = spec
                .service_id
                .as_deref()
                .filter(|_| service_type.takes_service_id());
            let Ok(name) = ServiceName::from_parts(service_type, id) else {
                continue;
            };
            let text = name.to_string();
            if specs.iter().all(|(_, known, _)| *known != text) {
                specs.push((name, text, spec));
            }
        }
        specs.sort_by(|left, right| left.1.cmp(&right.1));
        StoredView { specs }
    }

    /// Every valid stored spec, as `(name, service name, spec)`.
    pub(super) fn all(&self) -> impl Iterator<Item = &(ServiceName, String, &'s ServiceSpec)> {
        self.specs.iter()
    }

    /// The stored spec with this service name.
    pub(super) fn get(&self, service_name: &str) -> Option<&'s ServiceSpec> {
        self.specs
            .iter()
            .find(|(_, name, _)| name == service_name)
            .map(|(_, _, spec)| *spec)
    }

    fn of_type(
        &self,
        service_type: ServiceType,
    ) -> impl Iterator<Item = &(ServiceName, String, &'s ServiceSpec)> {
        self.specs
            .iter()
            .filter(move |(name, _, _)| name.service_type == service_type)
    }

    /// The service a plain daemon belongs to, and its ports when a spec tells them.
    fn daemon_service(
        &self,
        index: &Index<'_>,
        service_type: ServiceType,
        member: &str,
    ) -> (String, Vec<u16>) {
        if !service_type.takes_service_id() {
            return (service_type.to_string(), Vec::new());
        }
        let mut candidates = self.of_type(service_type);
        let found = if services::shared_placement(service_type) {
            candidates.find(|(name, _, spec)| covered(index, name, spec).contains(member))
        } else {
            candidates.next()
        };
        match found {
            Some((_, name, spec)) => (name.clone(), services::declared_ports(service_type, spec)),
            None => (format!("{service_type}.{ADOPTED_SERVICE_ID}"), Vec::new()),
        }
    }
}

/// The members a stored spec's placement covers: its resolution, or every running instance when it is unmanaged or cannot be resolved.
pub(super) fn covered(
    index: &Index<'_>,
    name: &ServiceName,
    spec: &ServiceSpec,
) -> BTreeSet<String> {
    let running = services::running(name.service_type, index, name.service_id.as_deref());
    resolved(index, name, spec).unwrap_or(running)
}

/// The members a stored spec's placement selects, when it is managed and can be resolved.
pub(super) fn resolved(
    index: &Index<'_>,
    name: &ServiceName,
    spec: &ServiceSpec,
) -> Option<BTreeSet<String>> {
    if spec.unmanaged || !services::placeable(name.service_type) {
        return None;
    }
    let service_id = name.service_id.as_deref();
    let existing = services::running(name.service_type, index, service_id);
    let conflicts = services::conflicts(name.service_type, index, service_id);
    let service_name = name.to_string();
    let resolution = resolve(
        index,
        &Request {
            service_name: &service_name,
            service_type: name.service_type,
            placement: &spec.placement,
            existing: &existing,
            conflicts: &conflicts,
            allow_new: true,
        },
    );
    (!resolution.has_errors()).then_some(resolution.members)
}
