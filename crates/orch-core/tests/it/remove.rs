//! Decision tables for `ceph orch rm`: every service name over every shape, then the mds union and the force flag.

use orch_core::{PlacementSpec, ServiceSpec, plan_remove};

use crate::shapes::{self, case};

const NAMES: [&str; 14] = [
    "mon",
    "mgr",
    "mds.fs1",
    "mds.microceph",
    "rgw.a",
    "rgw.microceph",
    "nfs.alpha",
    "nfs",
    "rbd-mirror",
    "cephfs-mirror",
    "osd",
    "crash",
    "mon.a",
    "nfs.nope",
];

#[test]
fn every_service_name_on_every_shape() {
    for shape in shapes::all() {
        for service_name in NAMES {
            let plan = plan_remove(service_name, &shape.stored, &shape.observed, false);
            let name = format!(
                "rm__{}__{}",
                shape.name,
                service_name.replace(['.', '-'], "_")
            );
            insta::assert_snapshot!(name, case(&format!("rm {service_name}"), &shape, &plan));
        }
    }
}

#[test]
fn force_does_not_remove_every_mon_or_mgr() {
    let shape = shapes::three();
    for service_name in ["mon", "mgr"] {
        let plan = plan_remove(service_name, &shape.stored, &shape.observed, true);
        let name = format!("rm_force__{service_name}");
        insta::assert_snapshot!(
            name,
            case(&format!("rm {service_name} --force"), &shape, &plan)
        );
    }
}

#[test]
fn mds_removal_keeps_what_other_specs_need() {
    let shape = shapes::three();
    let fs1 = ServiceSpec::new("mds")
        .with_service_id("fs1")
        .with_placement(PlacementSpec::hosts(["node1", "node2"]));
    let fs2 = ServiceSpec::new("mds")
        .with_service_id("fs2")
        .with_placement(PlacementSpec::hosts(["node2", "node3"]));
    let fs3 = ServiceSpec::new("mds")
        .with_service_id("fs3")
        .with_placement(PlacementSpec::count(1));
    let cases = [
        (
            "rm_mds_union__other_spec",
            "mds.fs1",
            vec![fs1.clone(), fs2.clone()],
        ),
        (
            "rm_mds_union__count_spec",
            "mds.fs1",
            vec![fs1.clone(), fs3],
        ),
        ("rm_mds_union__orphans", "mds.microceph", vec![fs1]),
        ("rm_mds_union__unknown", "mds.fs9", vec![fs2]),
    ];
    for (name, service_name, stored) in cases {
        let plan = plan_remove(service_name, &stored, &shape.observed, false);
        let names: Vec<String> = stored.iter().map(ServiceSpec::service_name).collect();
        let input = format!("rm {service_name} with stored [{}]", names.join(", "));
        insta::assert_snapshot!(name, case(&input, &shape, &plan));
    }
}
