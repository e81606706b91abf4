//! The service listing (`orch ls`): one row per service name, from the daemons and the stored specs.
//!
//! `running` counts the daemons Ceph sees running; for mds, whose daemons every spec shares, it counts the running MDS daemons on the members the spec's placement covers.
//! `size` is how many members the stored spec's placement selects, or how many daemons MicroCeph placed when there is no managed spec.

use std::collections::{BTreeMap, BTreeSet};

use super::ServiceSummary;
use super::daemons::{StoredView, covered, daemons, resolved};
use crate::ceph::CephView;
use crate::index::Index;
use crate::liveness::DaemonStatus;
use crate::service_type::{ServiceName, ServiceType};
use crate::services;
use crate::spec::ServiceSpec;
use crate::state::ObservedState;

/// The services, sorted by service name as `orch ls` sorts them.
pub fn services(
    observed: &ObservedState,
    stored_specs: &[ServiceSpec],
    ceph: &CephView,
) -> Vec<ServiceSummary> {
    let index = Index::new(observed);
    let stored = StoredView::new(stored_specs);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut running_on: BTreeMap<ServiceType, BTreeSet<String>> = BTreeMap::new();
    for daemon in daemons(observed, stored_specs, ceph) {
        let group = groups
            .entry(daemon.service_name.clone())
            .or_insert_with(|| Group::new(daemon.daemon_type, &daemon.service_name));
        group.placed += 1;
        if daemon.liveness.status == DaemonStatus::Running {
            group.running += 1;
            running_on
                .entry(daemon.daemon_type)
                .or_default()
                .insert(daemon.hostname.clone());
        }
        group.hosts.insert(daemon.hostname);
        group.ports.extend(daemon.ports);
    }
    for (name, service_name, _) in stored.all() {
        groups
            .entry(service_name.clone())
            .or_insert_with(|| Group::new(name.service_type, service_name));
    }
    groups
        .into_iter()
        .map(|(service_name, group)| {
            let live = running_on
                .get(&group.name.service_type)
                .cloned()
                .unwrap_or_default();
            summarise(&index, &stored, service_name, group, &live)
        })
        .collect()
}

/// The daemons of one service name, gathered.
#[derive(Debug)]
struct Group {
    name: ServiceName,
    placed: usize,
    running: usize,
    hosts: BTreeSet<String>,
    ports: BTreeSet<u16>,
}

impl Group {
    fn new(service_type: ServiceType, service_name: &str) -> Self {
        let service_id = service_name
            .split_once('.')
            .map(|(_, id)| id.to_owned())
            .filter(|_| service_type.takes_service_id());
        Group {
            name: ServiceName {
                service_type,
                service_id,
            },
            placed: 0,
            running: 0,
            hosts: BTreeSet::new(),
            ports: BTreeSet::new(),
        }
    }
}

fn summarise(
    index: &Index<'_>,
    stored: &StoredView<'_>,
    service_name: String,
    group: Group,
    live: &BTreeSet<String>,
) -> ServiceSummary {
    let service_type = group.name.service_type;
    let spec = stored.get(&service_name);
    let running = match spec {
        Some(spec) if services::shared_placement(service_type) => {
            covered(index, &group.name, spec).intersection(live).count()
        }
        _ => group.running,
    };
    let placed = match spec {
        Some(spec) if services::shared_placement(service_type) => {
            let on = services::running(service_type, index, None);
            covered(index, &group.name, spec).intersection(&on).count()
        }
        _ => group.placed,
    };
    let size = spec
        .and_then(|spec| resolved(index, &group.name, spec))
        .map_or(placed, |members| members.len());
    let mut ports = group.ports;
    if let Some(spec) = spec
        && ports.is_empty()
    {
        ports.extend(services::declared_ports(service_type, spec));
    }
    let placement = match spec {
        Some(spec) => spec.placement.pretty(),
        None if services::placeable(service_type) => {
            group.hosts.into_iter().collect::<Vec<_>>().join(";")
        }
        None => String::new(),
    };
    ServiceSummary {
        service_type,
        service_id: group.name.service_id,
        service_name,
        running,
        size,
        placement,
        unmanaged: spec.is_some_and(|spec| spec.unmanaged) || !services::placeable(service_type),
        ports: ports.into_iter().collect(),
    }
}
