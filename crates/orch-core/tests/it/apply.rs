//! Decision tables for `ceph orch apply`: every service type with every placement form over every cluster shape, then the cases that need a particular shape.

use std::fmt::Write;

use orch_core::{CallBody, EnablePayload, PlacementSpec, ServiceSpec, ServiceType, plan_apply};

use crate::shapes::{self, Shape, case, describe};

/// The seven types `ceph orch apply` can place, as specs with the ids the shapes use.
fn base_specs() -> Vec<(&'static str, ServiceSpec)> {
    let mut rgw = ServiceSpec::new("rgw").with_service_id("a");
    rgw.rgw.frontend_port = Some(8080);
    vec![
        ("mon", ServiceSpec::new("mon")),
        ("mgr", ServiceSpec::new("mgr")),
        ("mds", ServiceSpec::new("mds").with_service_id("fs1")),
        ("rgw", rgw),
        ("nfs", ServiceSpec::new("nfs").with_service_id("alpha")),
        ("rbd_mirror", ServiceSpec::new("rbd-mirror")),
        ("cephfs_mirror", ServiceSpec::new("cephfs-mirror")),
    ]
}

/// Every placement form, named.
fn placement_forms(shape: &Shape) -> Vec<(&'static str, PlacementSpec, bool)> {
    let hosts = PlacementSpec::hosts(shape.hosts.clone());
    vec![
        ("hosts", hosts.clone(), false),
        ("count", PlacementSpec::count(2), false),
        (
            "count_hosts",
            PlacementSpec {
                count: Some(1),
                ..PlacementSpec::hosts(shape.count_hosts.clone())
            },
            false,
        ),
        ("star", PlacementSpec::pattern("*"), false),
        ("fnmatch", PlacementSpec::pattern("node[2-3]"), false),
        (
            "label",
            PlacementSpec {
                label: Some("mon".into()),
                ..PlacementSpec::default()
            },
            false,
        ),
        (
            "count_per_host_1",
            PlacementSpec {
                count_per_host: Some(1),
                ..hosts.clone()
            },
            false,
        ),
        (
            "count_per_host_2",
            PlacementSpec {
                count_per_host: Some(2),
                ..hosts
            },
            false,
        ),
        ("empty", PlacementSpec::default(), false),
        ("unmanaged", PlacementSpec::count(1), true),
    ]
}

#[test]
fn every_type_and_placement_form_on_every_shape() {
    for shape in shapes::all() {
        for (type_name, base) in base_specs() {
            for (form, placement, unmanaged) in placement_forms(&shape) {
                let mut spec = base.clone().with_placement(placement);
                spec.unmanaged = unmanaged;
                let plan = plan_apply(&spec, &shape.stored, &shape.observed);
                let name = format!("{}__{type_name}__{form}", shape.name);
                insta::assert_snapshot!(name, case(&describe(&spec), &shape, &plan));
            }
        }
    }
}

/// A case on one shape: a name, a spec, and the stored specs when they differ from the shape's.
struct Case {
    name: &'static str,
    shape: Shape,
    spec: ServiceSpec,
    stored: Option<Vec<ServiceSpec>>,
}

fn on(name: &'static str, shape: Shape, spec: ServiceSpec) -> Case {
    Case {
        name,
        shape,
        spec,
        stored: None,
    }
}

fn with_stored(
    name: &'static str,
    shape: Shape,
    spec: ServiceSpec,
    stored: Option<Vec<ServiceSpec>>,
) -> Case {
    Case {
        name,
        shape,
        spec,
        stored,
    }
}

fn check(cases: Vec<Case>) {
    for Case {
        name,
        shape,
        spec,
        stored,
    } in cases
    {
        let stored = stored.unwrap_or_else(|| shape.stored.clone());
        let plan = plan_apply(&spec, &stored, &shape.observed);
        let mut input = describe(&spec);
        if stored != shape.stored {
            let names: Vec<String> = stored.iter().map(ServiceSpec::service_name).collect();
            write!(input, " with stored [{}]", names.join(", ")).unwrap();
        }
        insta::assert_snapshot!(name, case(&input, &shape, &plan));
    }
}

fn spec(service_type: &str, id: Option<&str>, placement: PlacementSpec) -> ServiceSpec {
    let spec = ServiceSpec::new(service_type).with_placement(placement);
    match id {
        Some(id) => spec.with_service_id(id),
        None => spec,
    }
}

#[test]
fn placement_edge_cases() {
    check(vec![
        on(
            "unknown_hosts",
            shapes::three(),
            spec(
                "mon",
                None,
                PlacementSpec::hosts(["node1", "nodeX", "nodeY"]),
            ),
        ),
        on(
            "hosts_and_pattern",
            shapes::three(),
            spec(
                "mgr",
                None,
                PlacementSpec {
                    host_pattern: Some("*".into()),
                    ..PlacementSpec::hosts(["node1"])
                },
            ),
        ),
        on(
            "count_zero",
            shapes::three(),
            spec("mon", None, PlacementSpec::count(0)),
        ),
        on(
            "count_above_members",
            shapes::bare(),
            spec("rbd-mirror", None, PlacementSpec::count(5)),
        ),
        on(
            "count_with_count_per_host",
            shapes::three(),
            spec(
                "mon",
                None,
                PlacementSpec {
                    count_per_host: Some(1),
                    ..PlacementSpec::count(2)
                },
            ),
        ),
        on(
            "mon_count_1_removes_two",
            shapes::three(),
            spec("mon", None, PlacementSpec::count(1)),
        ),
        on(
            "mon_on_unreachable_only",
            shapes::five(),
            spec("mon", None, PlacementSpec::hosts(["node5"])),
        ),
        on(
            "mgr_count_skips_unreachable",
            shapes::five(),
            spec("mgr", None, PlacementSpec::count(4)),
        ),
        on(
            "pattern_skips_unreachable",
            shapes::five(),
            spec("cephfs-mirror", None, PlacementSpec::pattern("node[45]")),
        ),
        on(
            "pattern_matches_nothing",
            shapes::three(),
            spec("mon", None, PlacementSpec::pattern("ceph-*")),
        ),
        on(
            "id_on_mon_is_ignored",
            shapes::three(),
            spec("mon", Some("a"), PlacementSpec::count(3)),
        ),
        on(
            "unsupported_type",
            shapes::three(),
            spec("crash", None, PlacementSpec::pattern("*")),
        ),
        on(
            "unknown_type",
            shapes::three(),
            spec("rbd_mirror", None, PlacementSpec::pattern("*")),
        ),
        on(
            "osd_type",
            shapes::three(),
            spec("osd", None, PlacementSpec::pattern("*")),
        ),
        on(
            "missing_id",
            shapes::three(),
            spec("nfs", None, PlacementSpec::count(1)),
        ),
    ]);
}

#[test]
fn mds_placement_is_the_union_of_mds_specs() {
    let fs1 = |placement| spec("mds", Some("fs1"), placement);
    let fs2 = |host: &str| spec("mds", Some("fs2"), PlacementSpec::hosts([host]));
    let unmanaged_fs1 = ServiceSpec {
        unmanaged: true,
        ..fs1(PlacementSpec::hosts(["node1"]))
    };
    check(vec![
        on("mds_union_adds_member", shapes::five(), fs2("node4")),
        with_stored(
            "mds_union_keeps_other_spec",
            shapes::three(),
            fs2("node3"),
            Some(vec![fs1(PlacementSpec::hosts(["node1"]))]),
        ),
        with_stored(
            "mds_union_unmanaged_other_keeps_all",
            shapes::three(),
            fs2("node3"),
            Some(vec![unmanaged_fs1]),
        ),
        with_stored(
            "mds_union_unresolvable_other_keeps_all",
            shapes::three(),
            fs2("node3"),
            Some(vec![fs1(PlacementSpec::hosts(["gone"]))]),
        ),
        with_stored(
            "mds_union_settles_count_specs",
            shapes::three(),
            fs2("node1"),
            Some(vec![fs1(PlacementSpec::count(1))]),
        ),
        on(
            "mds_id_starts_with_digit",
            shapes::three(),
            spec("mds", Some("1fs"), PlacementSpec::count(1)),
        ),
    ]);
}

fn rgw(id: &str, placement: PlacementSpec, settings: impl FnOnce(&mut ServiceSpec)) -> ServiceSpec {
    let mut spec = spec("rgw", Some(id), placement);
    settings(&mut spec);
    spec
}

const CERTIFICATE: &str =
    "-----BEGIN CERTIFICATE-----\nMIIBsecretcertificate\n-----END CERTIFICATE-----\n";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEsecretkey\n-----END PRIVATE KEY-----\n";

#[test]
fn rgw_exclusivity_and_payloads() {
    check(vec![
        on(
            "rgw_second_service_refused",
            shapes::five(),
            rgw("b", PlacementSpec::hosts(["node3"]), |_| {}),
        ),
        on(
            "rgw_realm_zone_refused",
            shapes::bare(),
            rgw("a", PlacementSpec::count(1), |spec| {
                spec.rgw.realm = Some("r".into());
                spec.rgw.zonegroup = Some("g".into());
                spec.rgw.zone = Some("z".into());
            }),
        ),
        on(
            "rgw_ssl_certificate_and_key",
            shapes::bare(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.ssl = true;
                spec.rgw.certificate_pem = Some(format!("{CERTIFICATE}{KEY}"));
            }),
        ),
        on(
            "rgw_ssl_custom_port",
            shapes::bare(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.ssl = true;
                spec.rgw.frontend_port = Some(8443);
                spec.rgw.certificate_pem = Some(format!("{KEY}{CERTIFICATE}"));
            }),
        ),
        on(
            "rgw_ssl_certificate_without_key",
            shapes::bare(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.ssl = true;
                spec.rgw.certificate_pem = Some(CERTIFICATE.into());
            }),
        ),
        on(
            "rgw_ssl_without_certificate",
            shapes::bare(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.ssl = true;
            }),
        ),
        on(
            "rgw_ssl_unterminated_pem",
            shapes::bare(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.ssl = true;
                spec.rgw.certificate_pem = Some("-----BEGIN CERTIFICATE-----\nMIIB".into());
            }),
        ),
        on(
            "rgw_certificate_without_ssl",
            shapes::bare(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.certificate_pem = Some(format!("{CERTIFICATE}{KEY}"));
            }),
        ),
        on(
            "rgw_port_change_warns",
            shapes::five(),
            rgw(
                "a",
                PlacementSpec::hosts(["node1", "node2", "node3"]),
                |spec| {
                    spec.rgw.frontend_port = Some(9090);
                },
            ),
        ),
        with_stored(
            "rgw_adopts_running_daemons",
            shapes::five(),
            rgw("b", PlacementSpec::hosts(["node1", "node2"]), |_| {}),
            Some(Vec::new()),
        ),
        // Warnings about running daemons name only those the plan keeps, not those it disables.
        on(
            "rgw_port_change_warns_only_where_it_keeps_running",
            shapes::five(),
            rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
                spec.rgw.frontend_port = Some(9090);
            }),
        ),
        with_stored(
            "rgw_adopts_only_the_daemons_it_keeps",
            shapes::five(),
            rgw("b", PlacementSpec::hosts(["node1", "node3"]), |_| {}),
            Some(Vec::new()),
        ),
        on(
            "rgw_port_zero",
            shapes::bare(),
            rgw("a", PlacementSpec::count(1), |spec| {
                spec.rgw.frontend_port = Some(0);
            }),
        ),
    ]);
}

fn nfs(id: &str, placement: PlacementSpec, settings: impl FnOnce(&mut ServiceSpec)) -> ServiceSpec {
    let mut spec = spec("nfs", Some(id), placement);
    settings(&mut spec);
    spec
}

#[test]
fn nfs_clusters_and_payloads() {
    check(vec![
        on(
            "nfs_member_in_other_cluster",
            shapes::five(),
            nfs("beta", PlacementSpec::hosts(["node1", "node3"]), |_| {}),
        ),
        on(
            "nfs_count_skips_other_cluster",
            shapes::five(),
            nfs("beta", PlacementSpec::count(2), |_| {}),
        ),
        on(
            "nfs_star_hits_other_cluster",
            shapes::five(),
            nfs("beta", PlacementSpec::pattern("*"), |_| {}),
        ),
        on(
            "nfs_custom_bind",
            shapes::bare(),
            nfs("beta", PlacementSpec::hosts(["node2"]), |spec| {
                spec.nfs.port = Some(12049);
                spec.nfs.bind_address = Some("fd00::12".into());
                spec.nfs.v4_min_version = Some(2);
            }),
        ),
        on(
            "nfs_invalid_payload",
            shapes::bare(),
            nfs("beta", PlacementSpec::hosts(["node2"]), |spec| {
                spec.nfs.port = Some(50000);
                spec.nfs.bind_address = Some("localhost".into());
                spec.nfs.v4_min_version = Some(3);
            }),
        ),
        on(
            "nfs_port_zero",
            shapes::bare(),
            nfs("beta", PlacementSpec::hosts(["node2"]), |spec| {
                spec.nfs.port = Some(0);
            }),
        ),
        on(
            "nfs_cluster_id_too_short",
            shapes::bare(),
            nfs("ab", PlacementSpec::count(1), |_| {}),
        ),
        on(
            "nfs_cluster_id_bad_characters",
            shapes::bare(),
            nfs("my cluster!", PlacementSpec::count(1), |_| {}),
        ),
        on(
            "nfs_rebind_warns",
            shapes::five(),
            nfs("alpha", PlacementSpec::hosts(["node3", "node4"]), |spec| {
                spec.nfs.port = Some(3049);
            }),
        ),
        on(
            "nfs_rebind_warns_only_where_it_keeps_running",
            shapes::five(),
            nfs("alpha", PlacementSpec::hosts(["node3"]), |spec| {
                spec.nfs.port = Some(3049);
            }),
        ),
        on(
            "nfs_v4_version_change_warns",
            shapes::five(),
            nfs(
                "alpha",
                PlacementSpec::hosts(["node3", "node4", "node2"]),
                |spec| {
                    spec.nfs.v4_min_version = Some(2);
                },
            ),
        ),
    ]);
}

#[test]
fn cephfs_mirror_on_several_members_warns() {
    check(vec![on(
        "cephfs_mirror_two_members",
        shapes::three(),
        spec("cephfs-mirror", None, PlacementSpec::count(2)),
    )]);
}

#[test]
fn rgw_ssl_payload_is_base64_and_never_rendered() {
    let shape = shapes::bare();
    let spec = rgw("a", PlacementSpec::hosts(["node1"]), |spec| {
        spec.rgw.ssl = true;
        // The key comes first here: the split must not depend on block order.
        spec.rgw.certificate_pem = Some(format!("{KEY}\r\n{CERTIFICATE}"));
    });
    let plan = plan_apply(&spec, &[], &shape.observed);
    let [call] = plan.calls.as_slice() else {
        panic!("expected one call:\n{plan}");
    };
    let expected = CallBody::Enable {
        name: ServiceType::Rgw,
        wait: true,
        payload: EnablePayload::Rgw {
            port: 0,
            ssl_port: 443,
            ssl_certificate_b64: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJzZWNyZXRjZXJ0aWZpY2F0ZQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==".into(),
            ssl_private_key_b64: "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUVzZWNyZXRrZXkKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=".into(),
        },
    };
    assert_eq!(call.body, expected);
    assert_eq!(call.path, ["1.0", "services", "rgw"]);
    for shown in [plan.to_string(), format!("{plan:?}"), format!("{spec:?}")] {
        assert!(!shown.contains("secret"), "secret material shown: {shown}");
        assert!(
            !shown.contains("LS0tLS1"),
            "encoded material shown: {shown}"
        );
    }
}

/// The spec errors found without the cluster: each bad spec gets exactly these, and `plan_apply` on any shape finds them too.
#[test]
fn check_spec_refuses_before_looking_at_the_cluster() {
    let nfs_port = |port| {
        nfs("east", PlacementSpec::hosts(["node1"]), |spec| {
            spec.nfs.port = Some(port);
        })
    };
    let cases: Vec<(ServiceSpec, Vec<&str>)> = vec![
        (
            spec("crash", None, PlacementSpec::count(1)),
            vec![
                "service type 'crash' is not supported by MicroCeph; supported types are: mon, mgr, mds, rgw, nfs, rbd-mirror, cephfs-mirror, osd",
            ],
        ),
        (
            spec("rgw", Some(".."), PlacementSpec::count(1)),
            vec![
                "service id '..' is invalid: a service id cannot be made of dots only; include a letter, digit, '_' or '-'",
            ],
        ),
        (
            spec("nfs", Some("a/b"), PlacementSpec::count(1)),
            vec![
                r"service id 'a/b' is invalid: an NFS cluster id must match MicroCeph's '^[\w][\w.-]{1,61}[\w]$': 3 to 63 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'",
            ],
        ),
        (
            nfs_port(0),
            vec!["nfs port 0 is out of range: MicroCeph accepts 1 to 49151"],
        ),
        (
            nfs_port(49152),
            vec!["nfs port 49152 is out of range: MicroCeph accepts 1 to 49151"],
        ),
        (
            rgw("a", PlacementSpec::hosts(["node1", "node1"]), |spec| {
                spec.rgw.ssl = true;
                spec.rgw.certificate_pem = Some(CERTIFICATE.into());
            }),
            vec![
                "rgw_frontend_ssl_certificate holds a certificate but no private key: append the private key's PEM block (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----) to the certificate in rgw_frontend_ssl_certificate, as Ceph expects one PEM holding both",
                "host(s) named more than once in placement: node1; MicroCeph runs one rgw per member, so name each member once",
            ],
        ),
        (
            rgw("a", PlacementSpec::count(0), |spec| {
                spec.rgw.ssl = true;
                spec.rgw.certificate_pem = Some(KEY.into());
            }),
            vec![
                "rgw_frontend_ssl_certificate holds no CERTIFICATE block: give the certificate chain and its private key, both as PEM, in that one field",
                "placement count must be at least 1, got 0",
            ],
        ),
        // What only the cluster can tell is left to `plan_apply`; unmanaged specs are only stored.
        (spec("mon", None, PlacementSpec::hosts(["node9"])), vec![]),
        (
            ServiceSpec {
                unmanaged: true,
                ..nfs_port(0)
            },
            vec![],
        ),
    ];
    for (spec, expected) in cases {
        let errors: Vec<String> = orch_core::check_spec(&spec)
            .into_iter()
            .map(|finding| finding.message)
            .collect();
        assert_eq!(errors, expected, "check_spec of {}", describe(&spec));
        for shape in [shapes::bare(), shapes::five()] {
            let plan = plan_apply(&spec, &shape.stored, &shape.observed);
            let found: Vec<&str> = plan
                .errors()
                .map(|finding| finding.message.as_str())
                .collect();
            for error in &errors {
                assert!(
                    found.contains(&error.as_str()),
                    "plan_apply of {} misses {error:?}: {found:?}",
                    describe(&spec)
                );
            }
        }
    }
}
