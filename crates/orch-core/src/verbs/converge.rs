//! The placement a service converges to, settled to a fixed point.
//!
//! For most types one spec decides the placement.
//! For mds every spec shares the same daemons, so the placement is the union of all mds specs, and a spec placed by count may choose differently once another spec has added members.
//! Resolving again against the union until nothing changes gives a placement that re-planning leaves alone, which is what makes a re-applied spec plan zero calls.

use std::collections::{BTreeMap, BTreeSet};

use crate::index::Index;
use crate::placement::{Request, resolve};
use crate::plan::Finding;
use crate::service_type::ServiceType;
use crate::spec::PlacementSpec;

/// One spec's contribution to a placement.
#[derive(Debug)]
pub(crate) struct SpecPlacement<'a> {
    /// The spec's service name.
    pub(crate) service_name: String,
    /// Its placement.
    pub(crate) placement: &'a PlacementSpec,
    /// Whether it is unmanaged, in which case it keeps every current instance.
    pub(crate) unmanaged: bool,
}

/// What to settle.
#[derive(Debug)]
pub(crate) struct Settle<'a> {
    /// The service type.
    pub(crate) service_type: ServiceType,
    /// The spec being applied, whose errors refuse the plan; `None` when removing.
    pub(crate) primary: Option<SpecPlacement<'a>>,
    /// The stored specs that share the placement.
    pub(crate) others: Vec<SpecPlacement<'a>>,
    /// The members running the service now.
    pub(crate) existing: &'a BTreeSet<String>,
    /// Members that cannot take the service.
    pub(crate) conflicts: &'a BTreeMap<String, String>,
    /// Whether members not running the service may be added.
    pub(crate) allow_new: bool,
}

/// The settled placement and the findings of the first resolution.
#[derive(Debug)]
pub(crate) struct Settled {
    /// The members the service should run on.
    pub(crate) members: BTreeSet<String>,
    /// Warnings and errors about the placement.
    pub(crate) findings: Vec<Finding>,
}

/// Resolves every spec against the current members, then against the result, until the result stops changing.
pub(crate) fn settle(index: &Index<'_>, request: &Settle<'_>) -> Settled {
    let (mut next, findings) = union_once(index, request, request.existing);
    if findings.iter().any(Finding::is_error) {
        return Settled {
            members: BTreeSet::new(),
            findings,
        };
    }
    let mut current = request.existing.clone();
    let rounds = index.member_names().len() + 2;
    for _ in 0..rounds {
        if next == current {
            return Settled {
                members: next,
                findings,
            };
        }
        current = next;
        next = union_once(index, request, &current).0;
    }
    let mut findings = findings;
    findings.push(Finding::error(format!(
        "the {} placements do not settle on a stable set of members; give the {} specs explicit hosts",
        request.service_type, request.service_type
    )));
    Settled {
        members: BTreeSet::new(),
        findings,
    }
}

fn union_once(
    index: &Index<'_>,
    request: &Settle<'_>,
    existing: &BTreeSet<String>,
) -> (BTreeSet<String>, Vec<Finding>) {
    let mut members = BTreeSet::new();
    let mut findings = Vec::new();
    let resolve_one = |spec: &SpecPlacement<'_>| {
        resolve(
            index,
            &Request {
                service_name: &spec.service_name,
                service_type: request.service_type,
                placement: spec.placement,
                existing,
                conflicts: request.conflicts,
                allow_new: request.allow_new,
            },
        )
    };
    if let Some(primary) = &request.primary {
        let resolution = resolve_one(primary);
        findings.extend(resolution.findings);
        members.extend(resolution.members);
    }
    for other in &request.others {
        if other.unmanaged {
            members.extend(existing.iter().cloned());
            continue;
        }
        let resolution = resolve_one(other);
        if resolution.has_errors() {
            members.extend(existing.iter().cloned());
            if request.allow_new {
                let problems: Vec<String> = resolution
                    .findings
                    .iter()
                    .filter(|finding| finding.is_error())
                    .map(|finding| finding.message.clone())
                    .collect();
                findings.push(Finding::warning(format!(
                    "the stored spec {} cannot be resolved ({}); every current {} instance is kept for it",
                    other.service_name,
                    problems.join("; "),
                    request.service_type
                )));
            }
        } else {
            members.extend(resolution.members);
        }
    }
    (members, findings)
}
