//! The executor side of the planner against the real `fake-microceph` binary: observe, plan with `orch-core`, execute, observe again.
//!
//! These tests check that `observe` reads the fake's default cluster faithfully, that an executed plan leaves nothing to re-plan, and that a member MicroCeph cannot reach fails its own call with MicroCeph's text while the other members' calls go through and the disables after them are skipped.
//! The fake runs as a child process through the contract suite's support module.

use microceph_client::{
    CallStatus, ErrorKind, HostProblem, Observation, execute, execute_watched, observe,
};
use orch_core::{MemberStatus, PlacementSpec, ServiceSpec, ServiceType, plan_apply};
use serde_json::json;

use crate::contract::fake::Fake;

/// The services and members of an observation as sorted `type@member` strings.
fn placed(observation: &Observation) -> Vec<String> {
    let mut placed: Vec<String> = observation
        .state
        .services
        .iter()
        .map(|service| format!("{}@{}", service.service_type, service.member))
        .collect();
    placed.sort();
    placed
}

fn rgw_spec(placement: PlacementSpec) -> ServiceSpec {
    ServiceSpec::new("rgw")
        .with_service_id("foo")
        .with_placement(placement)
}

#[tokio::test]
async fn observe_reads_the_default_three_member_cluster() {
    let fake = Fake::start().await;
    let observation = observe(&fake.client()).await.expect("observe succeeds");
    assert!(
        observation.problems.is_empty(),
        "{:?}",
        observation.problems
    );
    let state = &observation.state;
    let members: Vec<(&str, &str, &MemberStatus)> = state
        .members
        .iter()
        .map(|member| {
            (
                member.name.as_str(),
                member.address.as_str(),
                &member.status,
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("node1", "10.0.0.1:7443", &MemberStatus::Online),
            ("node2", "10.0.0.2:7443", &MemberStatus::Online),
            ("node3", "10.0.0.3:7443", &MemberStatus::Online),
        ]
    );
    assert_eq!(
        placed(&observation),
        [
            "mds@node1",
            "mds@node2",
            "mds@node3",
            "mgr@node1",
            "mgr@node2",
            "mgr@node3",
            "mon@node1",
            "mon@node2",
            "mon@node3",
        ]
    );
    let osds: Vec<(u64, &str, &str)> = state
        .osd_disks
        .iter()
        .map(|disk| (disk.osd, disk.member.as_str(), disk.path.as_str()))
        .collect();
    assert_eq!(
        osds,
        [
            (
                1,
                "node1",
                "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node1-sdb"
            ),
            (
                2,
                "node2",
                "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node2-sdb"
            ),
            (
                3,
                "node3",
                "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_node3-sdb"
            ),
        ]
    );
    assert_eq!(
        state.block_devices.keys().collect::<Vec<_>>(),
        ["node1", "node2", "node3"]
    );
    for (member, devices) in &state.block_devices {
        let ids: Vec<(&str, u64)> = devices
            .iter()
            .map(|device| (device.id.as_str(), device.rpm))
            .collect();
        assert_eq!(ids, [("sdb", 0), ("sdc", 7200), ("sdd", 0)], "{member}");
    }
}

#[tokio::test]
async fn an_executed_rgw_plan_leaves_nothing_to_replan() {
    let fake = Fake::start().await;
    let client = fake.client();
    let before = observe(&client).await.unwrap();
    let spec = rgw_spec(PlacementSpec::count(2));
    let plan = plan_apply(&spec, &[], &before.state);
    assert!(plan.is_satisfiable(), "{plan}");
    assert_eq!(plan.calls.len(), 2, "{plan}");

    let report = execute(&client, &plan).await;
    assert!(report.succeeded(), "{report:?}");
    let after = observe(&client).await.unwrap();
    let rgw: Vec<&str> = after
        .state
        .services
        .iter()
        .filter(|service| service.service_type == ServiceType::Rgw)
        .map(|service| service.member.as_str())
        .collect();
    assert_eq!(rgw.len(), 2, "{rgw:?}");
    let targets: Vec<&str> = report.done().map(|call| call.target.as_str()).collect();
    let mut expected = rgw.clone();
    expected.sort_unstable();
    let mut sorted_targets = targets.clone();
    sorted_targets.sort_unstable();
    assert_eq!(sorted_targets, expected);

    let replan = plan_apply(&spec, std::slice::from_ref(&spec), &after.state);
    assert!(replan.is_empty(), "{replan}");
}

#[tokio::test]
async fn an_unreachable_member_fails_its_call_and_skips_the_disables() {
    let fake = Fake::start().await;
    let client = fake.client();
    let first = rgw_spec(PlacementSpec::hosts(["node1"]));
    let setup = plan_apply(&first, &[], &observe(&client).await.unwrap().state);
    assert!(execute(&client, &setup).await.succeeded());

    fake.update_member("node2", &json!({"status": "UNREACHABLE"}))
        .await;
    let observation = observe(&client).await.unwrap();
    assert!(
        observation.problems.is_empty(),
        "{:?}",
        observation.problems
    );
    assert!(
        !observation.state.block_devices.contains_key("node2"),
        "an unreachable member is not asked for its devices"
    );
    let moved = rgw_spec(PlacementSpec::hosts(["node2", "node3"]));
    let plan = plan_apply(&moved, &[first], &observation.state);
    assert!(plan.is_satisfiable(), "{plan}");

    let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let watcher: microceph_client::CallWatcher = {
        let told = std::sync::Arc::clone(&told);
        std::sync::Arc::new(move |call_idx, succeeded| {
            told.lock().unwrap().push((call_idx, succeeded));
        })
    };
    let report = execute_watched(&client, &plan, watcher).await;
    assert!(!report.succeeded());
    let mut told = told.lock().unwrap().clone();
    told.sort_unstable();
    let answered: Vec<(usize, bool)> = report
        .outcomes
        .iter()
        .enumerate()
        .filter(|(_, outcome)| !matches!(outcome.status, CallStatus::Skipped))
        .map(|(call_idx, outcome)| (call_idx, matches!(outcome.status, CallStatus::Done)))
        .collect();
    assert_eq!(
        told, answered,
        "the watcher hears of every answered call, and only those"
    );
    let done: Vec<String> = report.done().map(ToString::to_string).collect();
    assert_eq!(done.len(), 1, "{report:?}");
    assert!(done[0].starts_with("PUT    /1.0/services/rgw?target=node3"));
    let (failed, error) = report.failed().next().expect("one call failed");
    assert_eq!(failed.target, "node2");
    let microceph_client::CallError::MicroCeph(error) = error else {
        panic!("expected a MicroCeph error, got {error}");
    };
    assert_eq!(
        error.kind(),
        ErrorKind::UnreachableTarget {
            target: "node2".to_owned()
        }
    );
    let text = error.api_message().expect("MicroCeph's own text");
    assert!(
        text.starts_with("Failed to send request to target \"node2\": "),
        "{text}"
    );
    let skipped: Vec<&str> = report
        .outcomes
        .iter()
        .filter(|outcome| matches!(outcome.status, CallStatus::Skipped))
        .map(|outcome| outcome.call.target.as_str())
        .collect();
    assert_eq!(skipped, ["node1"], "the disable of node1 is skipped");
    let after = observe(&client).await.unwrap();
    assert!(placed(&after).contains(&"rgw@node1".to_owned()));
    assert!(placed(&after).contains(&"rgw@node3".to_owned()));
}

#[tokio::test]
async fn a_member_whose_devices_cannot_be_listed_is_a_problem_not_a_failure() {
    let fake = Fake::start().await;
    fake.add_fault(&json!({
        "method": "GET",
        "path": "/1.0/resources",
        "target": "node3",
        "action": {"kind": "error", "status": 500, "error": "lxd resources exploded"},
    }))
    .await;
    let observation = observe(&fake.client()).await.unwrap();
    assert_eq!(
        observation.state.block_devices.keys().collect::<Vec<_>>(),
        ["node1", "node2"]
    );
    let [problem] = observation.problems.as_slice() else {
        panic!("expected one problem: {:?}", observation.problems);
    };
    assert_eq!(problem.member(), "node3");
    let HostProblem::Resources { source, .. } = problem else {
        panic!("expected a resources problem: {problem}");
    };
    assert_eq!(source.api_message(), Some("lxd resources exploded"));
}
