//! Properties of the planners over generated clusters and specs, hostile names included.
//!
//! - Re-planning after a plan ran (simulated with `apply_plan`) plans no calls.
//! - Plans are deterministic, and do not depend on the order MicroCeph lists members, services or disks in.
//! - No enable is planned for a service already on its member.
//! - mon and mgr never drop to zero.
//! - Enables come before disables, an unsatisfiable plan has no calls, and every call targets a member.
//! - Nothing panics, whatever the input.

use orch_core::liveness::DaemonStatus;
use orch_core::{
    CephView, MemberStatus, NfsSettings, ObservedState, OsdDisk, PlacedService, PlacementSpec,
    Plan, RgwSettings, ServiceSpec, ServiceType, apply_plan, listing, plan_apply,
    plan_daemon_action, plan_remove, plan_service_action, plan_shape_violation,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;

use crate::shapes::alive;

const NAMES: [&str; 10] = [
    "node1", "node2", "node3", "node4", "n.5", "a/b?c", "", "*", "[x", "ñœ",
];

const PLACEABLE: [ServiceType; 7] = [
    ServiceType::Mon,
    ServiceType::Mgr,
    ServiceType::Mds,
    ServiceType::Rgw,
    ServiceType::Nfs,
    ServiceType::RbdMirror,
    ServiceType::CephfsMirror,
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(&NAMES[..]).prop_map(str::to_owned),
        1 => ".{0,6}",
        1 => "[\\x00-\\x7f]{0,4}",
    ]
}

fn status() -> impl Strategy<Value = MemberStatus> {
    prop_oneof![
        4 => Just(MemberStatus::Online),
        1 => Just(MemberStatus::Unreachable),
        1 => Just(MemberStatus::Other("NOT TRUSTED".into())),
    ]
}

fn cluster_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(&["alpha", "beta", "gamma"][..]).prop_map(str::to_owned),
        1 => ".{0,4}",
    ]
}

/// Mostly the usual member names, sometimes a hostile one.
fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => select(&["node1", "node2", "node3", "node4", "node5"][..]).prop_map(str::to_owned),
        2 => name(),
    ]
}

/// A cluster with unique member names and OSD ids, whose services and OSDs mostly sit on its members.
/// NFS instances all bind alike, so duplicates are identical.
fn cluster() -> impl Strategy<Value = ObservedState> {
    btree_map(member_name(), status(), 0..6)
        .prop_flat_map(|members| {
            let names: Vec<String> = members.keys().cloned().collect();
            let on_member = if names.is_empty() {
                name().boxed()
            } else {
                prop_oneof![9 => select(names), 1 => name()].boxed()
            };
            let service = (select(&PLACEABLE[..]), on_member.clone(), cluster_id());
            (
                Just(members),
                vec(service, 0..16),
                btree_map(0u64..8, on_member, 0..5),
            )
        })
        .prop_map(|(members, services, osds)| ObservedState {
            members: members
                .into_iter()
                .map(|(name, status)| orch_core::Member {
                    address: format!("10.0.0.{}:7443", name.len()),
                    name,
                    status,
                })
                .collect(),
            services: services
                .into_iter()
                .map(|(service_type, member, cluster_id)| {
                    if service_type == ServiceType::Nfs {
                        PlacedService::nfs(&member, &cluster_id, "0.0.0.0", 2049)
                    } else {
                        PlacedService::new(service_type, &member)
                    }
                })
                .collect(),
            osd_disks: osds
                .into_iter()
                .map(|(osd, member)| OsdDisk {
                    osd,
                    path: format!("/dev/disk/by-id/osd{osd}"),
                    member,
                })
                .collect(),
            block_devices: std::collections::BTreeMap::new(),
        })
}

fn service_type_text() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => select(&["mon", "mgr", "mds", "rgw", "nfs", "rbd-mirror", "cephfs-mirror"][..])
            .prop_map(str::to_owned),
        1 => select(&["osd", "crash", "", "mon "][..]).prop_map(str::to_owned),
        1 => ".{0,6}",
    ]
}

fn service_id() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        6 => select(&["fs1", "fs2", "alpha", "beta", "a", "b", "microceph", "9x", "ab"][..])
            .prop_map(|id| Some(id.to_owned())),
        1 => ".{0,6}".prop_map(Some),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(&["*", "node[12]", "node?", "n*", "[", "x", "node[!1]"][..]).prop_map(str::to_owned),
        1 => ".{0,4}",
    ]
}

fn placement(host: &BoxedStrategy<String>) -> impl Strategy<Value = PlacementSpec> + use<> {
    let hosts = || vec(host.clone(), 1..4);
    prop_oneof![
        3 => hosts().prop_map(PlacementSpec::hosts),
        3 => (1u32..5).prop_map(PlacementSpec::count),
        2 => pattern().prop_map(|pattern| PlacementSpec::pattern(&pattern)),
        2 => (hosts(), 1u32..4).prop_map(|(hosts, count)| PlacementSpec {
            count: Some(count),
            ..PlacementSpec::hosts(hosts)
        }),
        1 => (pattern(), 1u32..4).prop_map(|(pattern, count)| PlacementSpec {
            count: Some(count),
            ..PlacementSpec::pattern(&pattern)
        }),
        2 => Just(PlacementSpec::default()),
        1 => (
            vec(host.clone(), 0..3),
            proptest::option::of(0u32..4),
            proptest::option::of(pattern()),
            proptest::option::of(".{0,3}"),
            proptest::option::of(0u32..3),
        )
            .prop_map(|(hosts, count, host_pattern, label, count_per_host)| PlacementSpec {
                hosts,
                count,
                host_pattern,
                label,
                count_per_host,
            }),
    ]
}

const PEMS: [&str; 4] = [
    "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nBB\n-----END PRIVATE KEY-----\n",
    "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n",
    "-----BEGIN CERTIFICATE-----\nAA",
    "garbage",
];

fn rgw_settings() -> impl Strategy<Value = RgwSettings> {
    (
        prop_oneof![4 => Just(None), 4 => (1u16..10000).prop_map(Some), 1 => Just(Some(0))],
        proptest::bool::weighted(0.2),
        proptest::option::of(select(&PEMS[..])),
        proptest::option::weighted(0.05, "[a-z]{0,3}"),
    )
        .prop_map(|(frontend_port, ssl, pem, realm)| RgwSettings {
            frontend_port,
            ssl,
            certificate_pem: pem.map(str::to_owned),
            realm,
            ..RgwSettings::default()
        })
}

/// NFS settings, mostly valid, sometimes out of MicroCeph's ranges.
fn nfs_settings() -> impl Strategy<Value = NfsSettings> {
    (
        prop_oneof![
            6 => Just(None),
            3 => Just(Some(2049u16)),
            1 => select(&[0u16, 3049, 50000][..]).prop_map(Some),
        ],
        prop_oneof![
            6 => Just(None),
            2 => Just(Some("0.0.0.0")),
            1 => Just(Some("::")),
            1 => Just(Some("bad")),
        ],
        prop_oneof![6 => Just(None), 3 => (0u32..3).prop_map(Some), 1 => Just(Some(3))],
    )
        .prop_map(|(port, bind_address, v4_min_version)| NfsSettings {
            port,
            bind_address: bind_address.map(str::to_owned),
            v4_min_version,
        })
}

/// A spec whose explicit hosts come from `host`.
fn spec_on(host: &BoxedStrategy<String>) -> impl Strategy<Value = ServiceSpec> + use<> {
    (
        service_type_text(),
        service_id(),
        placement(host),
        proptest::bool::weighted(0.1),
        rgw_settings(),
        nfs_settings(),
    )
        .prop_map(
            |(service_type, service_id, placement, unmanaged, rgw, nfs)| ServiceSpec {
                service_type,
                service_id,
                placement,
                unmanaged,
                rgw,
                nfs,
            },
        )
}

/// A spec naming any hosts.
fn spec() -> impl Strategy<Value = ServiceSpec> {
    spec_on(&member_name().boxed())
}

/// A cluster, a spec and stored specs whose hosts are mostly the cluster's members.
fn scenario() -> impl Strategy<Value = (ObservedState, ServiceSpec, Vec<ServiceSpec>)> {
    cluster().prop_flat_map(|observed| {
        let names: Vec<String> = observed.members.iter().map(|m| m.name.clone()).collect();
        let host = if names.is_empty() {
            member_name().boxed()
        } else {
            prop_oneof![9 => select(names), 1 => member_name()].boxed()
        };
        (Just(observed), spec_on(&host), vec(spec_on(&host), 0..4))
    })
}

fn stored_specs() -> impl Strategy<Value = Vec<ServiceSpec>> {
    vec(spec(), 0..4)
}

fn removal_name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(&[
            "mon", "mgr", "mds.fs1", "mds.fs2", "mds.microceph", "rgw.a", "rgw.microceph",
            "nfs.alpha", "nfs.beta", "rbd-mirror", "cephfs-mirror", "osd", "nfs",
        ][..])
            .prop_map(str::to_owned),
        1 => ".{0,8}",
    ]
}

/// Checks what every plan must satisfy, whatever verb made it (see `plan_shape_violation`).
fn check_plan_shape(observed: &ObservedState, plan: &Plan) -> Result<(), TestCaseError> {
    if let Some(violation) = plan_shape_violation(observed, plan) {
        return Err(TestCaseError::fail(violation));
    }
    Ok(())
}

fn reversed(observed: &ObservedState) -> ObservedState {
    let mut reversed = observed.clone();
    reversed.members.reverse();
    reversed.services.reverse();
    reversed.osd_disks.reverse();
    reversed
}

proptest! {
    // More than the default 256 cases: only about a fifth of generated specs plan calls.
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn apply_plans_converge((observed, spec, stored) in scenario()) {
        let plan = plan_apply(&spec, &stored, &observed);
        check_plan_shape(&observed, &plan)?;
        let next = apply_plan(&observed, &plan);
        let again = plan_apply(&spec, &stored, &next);
        prop_assert!(again.calls.is_empty(), "first plan:\n{plan}\nsecond plan:\n{again}");
    }

    #[test]
    fn remove_plans_converge(
        (observed, _, stored) in scenario(),
        service_name in removal_name(),
        force in any::<bool>(),
    ) {
        let plan = plan_remove(&service_name, &stored, &observed, force);
        check_plan_shape(&observed, &plan)?;
        let next = apply_plan(&observed, &plan);
        let again = plan_remove(&service_name, &stored, &next, force);
        prop_assert!(again.calls.is_empty(), "first plan:\n{plan}\nsecond plan:\n{again}");
    }

    #[test]
    fn plans_are_deterministic(
        (observed, spec, stored) in scenario(),
        service_name in removal_name(),
    ) {
        let plan = plan_apply(&spec, &stored, &observed);
        prop_assert_eq!(&plan, &plan_apply(&spec, &stored, &observed));
        prop_assert_eq!(&plan, &plan_apply(&spec, &stored, &reversed(&observed)));
        prop_assert_eq!(plan.to_string(), plan_apply(&spec, &stored, &observed).to_string());
        let removal = plan_remove(&service_name, &stored, &observed, false);
        prop_assert_eq!(&removal, &plan_remove(&service_name, &stored, &reversed(&observed), false));
        let restart = plan_service_action("restart", &service_name, &observed);
        prop_assert_eq!(&restart, &plan_service_action("restart", &service_name, &reversed(&observed)));
        prop_assert_eq!(
            listing::services(&observed, &stored, &alive(&observed)),
            listing::services(&reversed(&observed), &stored, &alive(&observed))
        );
    }

    #[test]
    fn restarts_target_members_running_the_service(
        observed in cluster(),
        service_name in removal_name(),
        daemon_name in prop_oneof![
            select(&["mon.node1", "osd.1", "osd.7", "rgw.node2", "mgr.node1", "x"][..]).prop_map(str::to_owned),
            ".{0,8}",
        ],
    ) {
        let plan = plan_service_action("restart", &service_name, &observed);
        check_plan_shape(&observed, &plan)?;
        let plan = plan_daemon_action("restart", &daemon_name, &observed);
        check_plan_shape(&observed, &plan)?;
        prop_assert!(plan.calls.len() <= 1);
    }

    #[test]
    fn nothing_panics_on_hostile_input(
        members in vec((".{0,6}", ".{0,12}", ".{0,6}"), 0..5),
        services in vec((select(&ServiceType::ALL[..]), ".{0,4}", proptest::option::of((".{0,4}", ".{0,6}", any::<u16>()))), 0..8),
        osds in vec((any::<u64>(), ".{0,6}", ".{0,4}"), 0..4),
        spec in spec(),
        stored in stored_specs(),
        text in ".{0,12}",
        action in ".{0,8}",
    ) {
        let observed = ObservedState {
            members: members
                .into_iter()
                .map(|(name, address, status)| orch_core::Member {
                    name,
                    address,
                    status: MemberStatus::parse(&status),
                })
                .collect(),
            services: services
                .into_iter()
                .map(|(service_type, member, nfs)| PlacedService {
                    service_type,
                    member,
                    nfs: nfs.map(|(cluster_id, bind_address, bind_port)| orch_core::NfsInstance {
                        cluster_id,
                        bind_address,
                        bind_port,
                    }),
                })
                .collect(),
            osd_disks: osds
                .into_iter()
                .map(|(osd, member, path)| OsdDisk { osd, path, member })
                .collect(),
            block_devices: std::collections::BTreeMap::new(),
        };
        let _ = plan_apply(&spec, &stored, &observed).to_string();
        let _ = plan_remove(&text, &stored, &observed, true).to_string();
        let _ = plan_service_action(&action, &text, &observed).to_string();
        let _ = plan_service_action("restart", &text, &observed).to_string();
        let _ = plan_daemon_action("restart", &text, &observed).to_string();
        let _ = listing::services(&observed, &stored, &alive(&observed));
        let _ = listing::daemons(&observed, &stored, &alive(&observed));
        let _ = listing::daemons(&observed, &stored, &CephView::default());
        let _ = listing::hosts(&observed);
        let _ = listing::inventory(&observed);
    }
}

/// Ceph's maps over some of `NAMES`: a random quorum, mgrs, MDS states and OSDs.
fn ceph_view() -> impl Strategy<Value = CephView> {
    let names = || {
        vec(select(&NAMES[..]), 0..4)
            .prop_map(|names| names.into_iter().map(str::to_owned).collect::<Vec<_>>())
    };
    (
        names(),
        names(),
        names(),
        vec(
            (
                select(&NAMES[..]),
                select(&["up:active", "up:standby", "down:failed", "damaged", ""][..]),
            ),
            0..4,
        ),
        vec((0u64..6, any::<bool>(), any::<bool>()), 0..6),
    )
        .prop_map(|(monmap, quorum, mgrs, mds, osds)| CephView {
            mons: Some(orch_core::MonView {
                monmap,
                quorum,
                election_epoch: 1,
            }),
            mgrs: Some(orch_core::MgrView {
                active: mgrs.first().cloned(),
                active_gid: 1,
                standbys: mgrs.iter().skip(1).cloned().collect(),
            }),
            mds: Some(
                mds.into_iter()
                    .map(|(name, state)| orch_core::MdsDaemon {
                        name: name.to_owned(),
                        state: state.to_owned(),
                        rank: None,
                        filesystem: None,
                        gid: 1,
                    })
                    .collect(),
            ),
            service_daemons: None,
            osds: Some(
                osds.into_iter()
                    .map(|(id, up, is_in)| orch_core::OsdState {
                        id,
                        up,
                        is_in,
                        up_from: 1,
                    })
                    .collect(),
            ),
            metadata: std::collections::BTreeMap::new(),
        })
}

proptest! {
    #[test]
    fn running_counts_only_what_ceph_sees_running(observed in cluster(), ceph in ceph_view()) {
        let stored: Vec<ServiceSpec> = Vec::new();
        let daemons = listing::daemons(&observed, &stored, &ceph);
        for service in listing::services(&observed, &stored, &ceph) {
            let running = daemons
                .iter()
                .filter(|daemon| daemon.service_name == service.service_name)
                .filter(|daemon| daemon.liveness.status == DaemonStatus::Running)
                .count();
            prop_assert_eq!(service.running, running, "service {}", service.service_name);
            prop_assert!(service.running <= service.size || service.service_type == ServiceType::Osd);
        }
        for daemon in &daemons {
            prop_assert_eq!(daemon.liveness.reason.is_none(), daemon.liveness.status == DaemonStatus::Running);
        }
    }

    #[test]
    fn nothing_runs_when_no_map_was_read(observed in cluster()) {
        let stored: Vec<ServiceSpec> = Vec::new();
        for daemon in listing::daemons(&observed, &stored, &CephView::default()) {
            prop_assert_eq!(daemon.liveness.status, DaemonStatus::Unknown);
        }
        for service in listing::services(&observed, &stored, &CephView::default()) {
            prop_assert_eq!(service.running, 0);
        }
    }
}
