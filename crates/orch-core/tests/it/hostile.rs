//! Properties of the planners where every name is hostile and every placement number extreme, the ground the `planner` fuzz target covers.
//!
//! Member names, hosts, host patterns, service ids and NFS cluster ids come from names with `/ ? # % ..`, spaces, control characters, unicode and thousands of characters; counts and counts per host include 0 and `u32::MAX`.
//! - Plans converge: re-planning after the plan ran (simulated with `apply_plan`) plans no calls.
//! - Every call targets a member, by its exact name, and no enable is planned for a service already on its member.
//! - A plan asks for no more instances than there are members, whatever the count.
//! - Plans are deterministic, renderings included.
//! - Listings keep every member name verbatim.

use std::collections::BTreeSet;

use orch_core::{
    CallBody, Member, MemberStatus, NfsSettings, ObservedState, PlacedService, PlacementSpec,
    RgwSettings, ServiceSpec, ServiceType, apply_plan, listing, plan_apply, plan_remove,
};
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::sample::select;

/// Names an operator or a broken cluster could hand over.
const HOSTILE: [&str; 20] = [
    "node1",
    "node2",
    "",
    ".",
    "..",
    "../node1",
    "a/b",
    "node1?x=1",
    "node1#x",
    "100%",
    "%2e%2e",
    "node 1",
    " node1",
    "node1\n",
    "tab\there",
    "ñœud-ü",
    "ノード",
    "node[12]",
    "*",
    "x&target=node2",
];

fn hostile_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => select(&HOSTILE[..]).prop_map(str::to_owned),
        1 => (1usize..5000).prop_map(|length| "n".repeat(length)),
        1 => "\\PC{0,12}",
        1 => "[\\x00-\\x1f ]{0,4}",
    ]
}

fn extreme_number() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        2 => Just(None),
        3 => select(&[0u32, 1, 2, 3, u32::MAX - 1, u32::MAX][..]).prop_map(Some),
        1 => any::<u32>().prop_map(Some),
    ]
}

/// A cluster whose members all have hostile names, with services placed on them.
fn hostile_cluster() -> impl Strategy<Value = ObservedState> {
    btree_set(hostile_name(), 1..6)
        .prop_flat_map(|names| {
            let names: Vec<String> = names.into_iter().collect();
            let services = vec(
                (
                    select(&ServiceType::ALL[..]),
                    select(names.clone()),
                    hostile_name(),
                ),
                0..10,
            );
            (Just(names), services)
        })
        .prop_map(|(names, services)| ObservedState {
            members: names
                .iter()
                .map(|name| Member {
                    name: name.clone(),
                    address: "10.0.0.1:7443".to_owned(),
                    status: MemberStatus::Online,
                })
                .collect(),
            services: services
                .into_iter()
                .filter(|(service_type, _, _)| *service_type != ServiceType::Osd)
                .map(|(service_type, member, cluster_id)| {
                    if service_type == ServiceType::Nfs {
                        PlacedService::nfs(&member, &cluster_id, "0.0.0.0", 2049)
                    } else {
                        PlacedService::new(service_type, &member)
                    }
                })
                .collect(),
            ..ObservedState::default()
        })
}

fn hostile_spec() -> impl Strategy<Value = ServiceSpec> {
    (
        select(
            &[
                "mon",
                "mgr",
                "mds",
                "rgw",
                "nfs",
                "rbd-mirror",
                "cephfs-mirror",
                "osd",
            ][..],
        ),
        proptest::option::of(hostile_name()),
        vec(hostile_name(), 0..4),
        extreme_number(),
        proptest::option::of(hostile_name()),
        extreme_number(),
        proptest::option::weighted(0.5, any::<u16>()),
    )
        .prop_map(
            |(service_type, service_id, hosts, count, host_pattern, count_per_host, port)| {
                ServiceSpec {
                    service_type: service_type.to_owned(),
                    service_id,
                    placement: PlacementSpec {
                        hosts,
                        count,
                        host_pattern,
                        label: None,
                        count_per_host,
                    },
                    unmanaged: false,
                    rgw: RgwSettings {
                        frontend_port: port,
                        ..RgwSettings::default()
                    },
                    nfs: NfsSettings {
                        port,
                        ..NfsSettings::default()
                    },
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn hostile_names_and_extreme_placements_converge(
        observed in hostile_cluster(),
        spec in hostile_spec(),
        stored in vec(hostile_spec(), 0..3),
    ) {
        let plan = plan_apply(&spec, &stored, &observed);
        prop_assert_eq!(&plan, &plan_apply(&spec, &stored, &observed));
        prop_assert_eq!(plan.to_string(), plan_apply(&spec, &stored, &observed).to_string());
        if !plan.is_satisfiable() {
            prop_assert!(plan.calls.is_empty(), "unsatisfiable plan has calls:\n{plan}");
        }
        let members: BTreeSet<&str> = observed.members.iter().map(|m| m.name.as_str()).collect();
        let mut enables = 0;
        for call in &plan.calls {
            prop_assert!(members.contains(call.target.as_str()), "call to a non-member:\n{plan}");
            if let CallBody::Enable { name, .. } = &call.body {
                prop_assert!(
                    !observed.services.iter().any(|placed| placed.member == call.target && placed.service_type == *name),
                    "enable of {name} already on {:?}:\n{plan}", call.target
                );
                enables += 1;
            }
        }
        prop_assert!(enables <= members.len(), "{enables} enables on {} members:\n{plan}", members.len());
        let next = apply_plan(&observed, &plan);
        let again = plan_apply(&spec, &stored, &next);
        prop_assert!(again.calls.is_empty(), "first plan:\n{plan}\nsecond plan:\n{again}");

        let removal = plan_remove(&spec.service_name(), &stored, &next, true);
        let after = apply_plan(&next, &removal);
        prop_assert!(plan_remove(&spec.service_name(), &stored, &after, true).calls.is_empty());
    }

    #[test]
    fn listings_keep_hostile_member_names_verbatim(observed in hostile_cluster()) {
        let hosts: Vec<String> = listing::hosts(&observed).into_iter().map(|host| host.hostname).collect();
        let mut expected: Vec<String> = observed.members.iter().map(|m| m.name.clone()).collect();
        let mut shown = hosts.clone();
        expected.sort();
        shown.sort();
        prop_assert_eq!(shown, expected);
        for daemon in listing::daemons(&observed, &[], &orch_core::CephView::default()) {
            prop_assert!(
                observed.members.iter().any(|member| member.name == daemon.hostname),
                "{:?} is no member", daemon.hostname
            );
        }
    }
}
