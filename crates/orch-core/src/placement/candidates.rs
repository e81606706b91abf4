//! Which members a placement can choose from, and the placement combinations that are refused before any member is looked at.
//!
//! Explicit hosts must all be members, a host pattern must match at least one, and neither may name a member that already belongs to another NFS cluster.

use std::collections::BTreeSet;

use super::{Request, Resolution};
use crate::fnmatch::fnmatch;
use crate::index::Index;
use crate::plan::Finding;

/// Checks the combinations Ceph and MicroCeph refuse, before looking at members.
pub(super) fn check_shape(request: &Request<'_>) -> Vec<Finding> {
    let placement = request.placement;
    let mut findings = Vec::new();
    if let Some(label) = &placement.label {
        findings.push(Finding::error(format!(
            "placement by label (label:{label}) is not supported: MicroCeph has no host labels; place {} by host names, a count or a host pattern instead",
            request.service_name
        )));
    }
    if placement.count == Some(0) {
        findings.push(Finding::error("placement count must be at least 1, got 0"));
    }
    match placement.count_per_host {
        Some(0) => findings.push(Finding::error("count-per-host must be at least 1, got 0")),
        Some(count_per_host) if count_per_host > 1 => findings.push(Finding::error(format!(
            "count-per-host:{count_per_host} is not supported: MicroCeph runs one {} per member; use count-per-host:1 or leave it out",
            request.service_type
        ))),
        _ => {}
    }
    if placement.count_per_host.is_some() {
        if placement.count.is_some() {
            findings.push(Finding::error("cannot combine count and count-per-host"));
        }
        if placement.hosts.is_empty()
            && placement.host_pattern.is_none()
            && placement.label.is_none()
        {
            findings.push(Finding::error(
                "count-per-host must be combined with hosts or a host pattern",
            ));
        }
    }
    if !placement.hosts.is_empty() && placement.host_pattern.is_some() {
        findings.push(Finding::error("cannot combine host patterns and hosts"));
    }
    let mut seen = BTreeSet::new();
    let repeated: BTreeSet<&str> = placement
        .hosts
        .iter()
        .map(String::as_str)
        .filter(|host| !seen.insert(*host))
        .collect();
    if !repeated.is_empty() {
        findings.push(Finding::error(format!(
            "host(s) named more than once in placement: {}; MicroCeph runs one {} per member, so name each member once",
            repeated.into_iter().collect::<Vec<_>>().join(", "),
            request.service_type
        )));
    }
    findings
}

/// The named hosts, de-duplicated; unknown names and members of another NFS cluster are errors.
pub(super) fn explicit_pool(
    index: &Index<'_>,
    request: &Request<'_>,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let hosts: BTreeSet<&str> = request.placement.hosts.iter().map(String::as_str).collect();
    let unknown: Vec<&str> = hosts
        .iter()
        .copied()
        .filter(|host| index.member(host).is_none())
        .collect();
    if !unknown.is_empty() {
        findings.push(Finding::error(format!(
            "unknown host(s) in placement: {}; cluster members are: {}",
            unknown.join(", "),
            index.member_list()
        )));
    }
    check_conflicts(request, hosts.iter().copied(), findings);
    let known: Vec<String> = hosts
        .into_iter()
        .filter(|host| index.member(host).is_some())
        .map(str::to_owned)
        .collect();
    known
}

/// The members matching the host pattern; matching nothing, or a member of another NFS cluster, is an error.
pub(super) fn pattern_pool(
    index: &Index<'_>,
    request: &Request<'_>,
    pattern: &str,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let matched: Vec<String> = index
        .member_names()
        .into_iter()
        .filter(|member| fnmatch(pattern, member))
        .map(str::to_owned)
        .collect();
    if matched.is_empty() {
        findings.push(Finding::error(format!(
            "host pattern '{pattern}' matches no cluster member; cluster members are: {}",
            index.member_list()
        )));
    }
    check_conflicts(request, matched.iter().map(String::as_str), findings);
    matched
}

/// An empty placement keeps the service where it runs, and is an error when it runs nowhere.
pub(super) fn keep_existing(
    index: &Index<'_>,
    request: &Request<'_>,
    mut findings: Vec<Finding>,
) -> Resolution {
    let members: BTreeSet<String> = request
        .existing
        .iter()
        .filter(|member| index.member(member).is_some())
        .cloned()
        .collect();
    if members.is_empty() {
        findings.push(Finding::error(format!(
            "the placement of {} is empty and it runs on no member; give hosts, a count or a host pattern",
            request.service_name
        )));
        return Resolution::failed(findings);
    }
    Resolution { members, findings }
}

/// Reports each candidate that already belongs to another NFS cluster.
fn check_conflicts<'m>(
    request: &Request<'_>,
    members: impl Iterator<Item = &'m str>,
    findings: &mut Vec<Finding>,
) {
    for member in members {
        if let Some(other) = request.conflicts.get(member) {
            findings.push(Finding::error(format!(
                "cannot place {} on {member}: it already belongs to {other}, and a member can belong to one NFS cluster only",
                request.service_name
            )));
        }
    }
}
