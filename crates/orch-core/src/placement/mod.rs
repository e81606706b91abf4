//! Placement resolution: which members one spec's placement selects.
//!
//! The rules follow Ceph's `PlacementSpec` where MicroCeph can honour them:
//! explicit hosts must all be members; `count:N` keeps members already running the service, then picks the online members with the fewest other services, ties broken by name;
//! a host pattern (`*` or fnmatch) selects the matching members; `count` with hosts or a pattern picks N of them;
//! an empty placement keeps the service where it runs.
//! Labels and more than one instance per host are refused, because MicroCeph has no host labels and runs one instance per member.
//! A member that is not `ONLINE` is never picked for a new instance by count or pattern; naming it explicitly places it with a warning.

use std::collections::{BTreeMap, BTreeSet};

mod candidates;

use candidates::{check_shape, explicit_pool, keep_existing, pattern_pool};

use crate::index::Index;
use crate::plan::Finding;
use crate::service_type::ServiceType;
use crate::services::member_list;
use crate::spec::PlacementSpec;

/// One placement to resolve, with the state it is resolved against.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    /// The service name, for messages.
    pub(crate) service_name: &'a str,
    /// The service type, for messages.
    pub(crate) service_type: ServiceType,
    /// The placement.
    pub(crate) placement: &'a PlacementSpec,
    /// The members taken to run the service now.
    pub(crate) existing: &'a BTreeSet<String>,
    /// Members that cannot take the service, with what they belong to.
    pub(crate) conflicts: &'a BTreeMap<String, String>,
    /// Whether members not in `existing` may be selected; removal planning resolves other specs without new members.
    pub(crate) allow_new: bool,
}

/// The members a placement selects and what was found on the way.
#[derive(Debug, Default)]
pub(crate) struct Resolution {
    /// The selected members; empty when a finding is an error.
    pub(crate) members: BTreeSet<String>,
    /// Warnings and errors.
    pub(crate) findings: Vec<Finding>,
}

/// How the candidate members were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Hosts,
    Pattern,
    Everyone,
}

/// Resolves one placement.
pub(crate) fn resolve(index: &Index<'_>, request: &Request<'_>) -> Resolution {
    let mut findings = check_shape(request);
    if findings.iter().any(Finding::is_error) {
        return Resolution::failed(findings);
    }
    let placement = request.placement;
    let (source, pool) = if !placement.hosts.is_empty() {
        (Source::Hosts, explicit_pool(index, request, &mut findings))
    } else if let Some(pattern) = &placement.host_pattern {
        (
            Source::Pattern,
            pattern_pool(index, request, pattern, &mut findings),
        )
    } else if placement.count.is_some() {
        let pool = index
            .member_names()
            .into_iter()
            .filter(|member| !request.conflicts.contains_key(*member))
            .map(str::to_owned)
            .collect();
        (Source::Everyone, pool)
    } else {
        return keep_existing(index, request, findings);
    };
    if findings.iter().any(Finding::is_error) {
        return Resolution::failed(findings);
    }
    let members = match placement.count {
        Some(count) => pick(index, request, &pool, count, &mut findings),
        None => take_pool(index, request, source, pool, &mut findings),
    };
    if members.is_empty() {
        findings.push(Finding::error(format!(
            "no online member can run {}: the placement '{}' selects no member that is ONLINE or already runs it",
            request.service_name,
            placement.pretty()
        )));
        return Resolution::failed(findings);
    }
    Resolution { members, findings }
}

/// The findings of [`resolve`] that need no look at the members: the placement's shape alone.
pub(crate) fn check_placement(
    service_name: &str,
    service_type: ServiceType,
    placement: &PlacementSpec,
) -> Vec<Finding> {
    let nobody = BTreeSet::new();
    let no_conflicts = BTreeMap::new();
    check_shape(&Request {
        service_name,
        service_type,
        placement,
        existing: &nobody,
        conflicts: &no_conflicts,
        allow_new: true,
    })
}

impl Resolution {
    fn failed(findings: Vec<Finding>) -> Self {
        Resolution {
            members: BTreeSet::new(),
            findings,
        }
    }

    /// Whether a finding is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.findings.iter().any(Finding::is_error)
    }
}

/// The warning for a member that calls will likely not reach.
pub(crate) fn unreachable_warning(index: &Index<'_>, member: &str) -> Option<Finding> {
    let status = index.member(member)?.status.clone();
    (!index.is_online(member)).then(|| {
        Finding::warning(format!(
            "member {member} is {status}; calls to it will likely fail until it is back"
        ))
    })
}

/// Without a count: every named host, or every matching member that is online or already runs the service.
fn take_pool(
    index: &Index<'_>,
    request: &Request<'_>,
    source: Source,
    pool: Vec<String>,
    findings: &mut Vec<Finding>,
) -> BTreeSet<String> {
    let mut members = BTreeSet::new();
    for member in pool {
        let existing = request.existing.contains(&member);
        if !request.allow_new && !existing {
            continue;
        }
        if source == Source::Hosts && request.allow_new {
            findings.extend(unreachable_warning(index, &member));
        }
        if source == Source::Pattern && !existing && !index.is_online(&member) {
            findings.push(Finding::warning(format!(
                "member {member} matches the placement of {} but is not ONLINE; it is left out until it is back",
                request.service_name
            )));
            continue;
        }
        members.insert(member);
    }
    members
}

/// With a count: members already running the service first (online ones first), then the online members with the fewest other services, by name.
fn pick(
    index: &Index<'_>,
    request: &Request<'_>,
    pool: &[String],
    count: u32,
    findings: &mut Vec<Finding>,
) -> BTreeSet<String> {
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let mut existing: Vec<&String> = pool
        .iter()
        .filter(|member| request.existing.contains(*member))
        .collect();
    existing.sort_by_key(|member| (!index.is_online(member), member.as_str()));
    let mut fresh: Vec<&String> = pool
        .iter()
        .filter(|member| {
            request.allow_new && !request.existing.contains(*member) && index.is_online(member)
        })
        .collect();
    fresh.sort_by_key(|member| {
        (
            index.services_besides(member, request.service_type),
            member.as_str(),
        )
    });
    let members: BTreeSet<String> = existing
        .into_iter()
        .chain(fresh)
        .take(count)
        .cloned()
        .collect();
    if members.len() < count && request.allow_new && !members.is_empty() {
        findings.push(Finding::warning(format!(
            "count {count} for {} exceeds the {} member(s) available to it; placing it on {}",
            request.service_name,
            members.len(),
            member_list(&members)
        )));
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Member, MemberStatus, ObservedState, PlacedService};

    fn state() -> ObservedState {
        let mut members: Vec<Member> = ["node1", "node2", "node3", "node4"]
            .iter()
            .map(|name| Member::online(name, "10.0.0.1:7443"))
            .collect();
        members.push(Member {
            name: "node5".into(),
            address: "10.0.0.5:7443".into(),
            status: MemberStatus::Unreachable,
        });
        ObservedState {
            members,
            services: vec![
                PlacedService::new(ServiceType::Mon, "node3"),
                PlacedService::new(ServiceType::Mgr, "node1"),
                PlacedService::new(ServiceType::Mds, "node1"),
                PlacedService::new(ServiceType::Mgr, "node2"),
            ],
            ..ObservedState::default()
        }
    }

    fn check(placement: &PlacementSpec, existing: &[&str], expected: &str) {
        let observed = state();
        let index = Index::new(&observed);
        let existing: BTreeSet<String> = existing.iter().map(|m| (*m).to_owned()).collect();
        let conflicts = BTreeMap::from([("node4".to_owned(), "nfs.other".to_owned())]);
        let request = Request {
            service_name: "mon",
            service_type: ServiceType::Mon,
            placement,
            existing: &existing,
            conflicts: &conflicts,
            allow_new: true,
        };
        let resolution = resolve(&index, &request);
        let mut shown = member_list(&resolution.members);
        for finding in &resolution.findings {
            shown = format!("{shown} | {finding}");
        }
        assert_eq!(shown, expected, "placement {placement:?}");
    }

    #[test]
    fn count_keeps_existing_then_fewest_services() {
        check(&PlacementSpec::count(1), &["node3"], "node3");
        check(&PlacementSpec::count(2), &["node3"], "node2, node3");
        check(&PlacementSpec::count(3), &[], "node1, node2, node3");
        check(
            &PlacementSpec::count(9),
            &[],
            "node1, node2, node3 | warning: count 9 for mon exceeds the 3 member(s) available to it; placing it on node1, node2, node3",
        );
        check(&PlacementSpec::count(1), &["node5", "node2"], "node2");
        check(
            &PlacementSpec::count(2),
            &["node5", "node2"],
            "node2, node5",
        );
    }

    #[test]
    fn hosts_must_be_members() {
        check(
            &PlacementSpec::hosts(["node2", "node1"]),
            &[],
            "node1, node2",
        );
        check(
            &PlacementSpec::hosts(["nodeX", "node1"]),
            &[],
            " | error: unknown host(s) in placement: nodeX; cluster members are: node1, node2, node3, node4, node5",
        );
        check(
            &PlacementSpec::hosts(["node5"]),
            &[],
            "node5 | warning: member node5 is UNREACHABLE; calls to it will likely fail until it is back",
        );
        check(
            &PlacementSpec::hosts(["node4"]),
            &[],
            " | error: cannot place mon on node4: it already belongs to nfs.other, and a member can belong to one NFS cluster only",
        );
    }

    #[test]
    fn patterns_select_online_or_existing_members() {
        check(
            &PlacementSpec::pattern("node[1235]"),
            &[],
            "node1, node2, node3 | warning: member node5 matches the placement of mon but is not ONLINE; it is left out until it is back",
        );
        check(
            &PlacementSpec::pattern("node[125]"),
            &["node5"],
            "node1, node2, node5",
        );
        check(
            &PlacementSpec::pattern("x*"),
            &[],
            " | error: host pattern 'x*' matches no cluster member; cluster members are: node1, node2, node3, node4, node5",
        );
        check(
            &PlacementSpec::pattern("node5"),
            &[],
            " | warning: member node5 matches the placement of mon but is not ONLINE; it is left out until it is back | error: no online member can run mon: the placement 'node5' selects no member that is ONLINE or already runs it",
        );
    }

    #[test]
    fn refuses_what_microceph_cannot_do() {
        let label = PlacementSpec {
            label: Some("mon".into()),
            ..PlacementSpec::default()
        };
        check(
            &label,
            &[],
            " | error: placement by label (label:mon) is not supported: MicroCeph has no host labels; place mon by host names, a count or a host pattern instead",
        );
        let per_host = PlacementSpec {
            count_per_host: Some(2),
            ..PlacementSpec::hosts(["node1"])
        };
        check(
            &per_host,
            &[],
            " | error: count-per-host:2 is not supported: MicroCeph runs one mon per member; use count-per-host:1 or leave it out",
        );
        let both = PlacementSpec {
            host_pattern: Some("*".into()),
            count: Some(0),
            ..PlacementSpec::hosts(["node1"])
        };
        check(
            &both,
            &[],
            " | error: placement count must be at least 1, got 0 | error: cannot combine host patterns and hosts",
        );
        check(
            &PlacementSpec::hosts(["node2", "node1", "node2", "node1", "node3"]),
            &[],
            " | error: host(s) named more than once in placement: node1, node2; MicroCeph runs one mon per member, so name each member once",
        );
    }

    #[test]
    fn empty_placement_keeps_existing() {
        check(&PlacementSpec::default(), &["node3", "gone"], "node3");
        check(
            &PlacementSpec::default(),
            &[],
            " | error: the placement of mon is empty and it runs on no member; give hosts, a count or a host pattern",
        );
    }
}
