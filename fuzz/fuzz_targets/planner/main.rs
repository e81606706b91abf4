//! Fuzz target `planner`: `orch-core`'s planners and listings over arbitrary specs, clusters and Ceph's maps.
//!
//! On the cluster exactly as the bytes describe it (duplicate members, services on strangers, hostile and overlong names), every verb and listing must return, and its rendering too.
//! On the same cluster made consistent (as MicroCeph could report it), the properties of `crates/orch-core/tests/it/properties.rs` must hold: plans are deterministic, an unsatisfiable plan has no calls, enables come before disables, every call targets a member, no enable is planned for a service already on its member, mon and mgr never drop to zero, and re-planning after the plan ran (simulated by `apply_plan`) plans no calls.

#![no_main]

mod input;

use libfuzzer_sys::fuzz_target;
use orch_core::{
    ObservedState, Plan, ServiceSpec, apply_plan, listing, plan_apply, plan_daemon_action,
    plan_remove, plan_service_action, plan_shape_violation,
};

use crate::input::Input;

fuzz_target!(|input: Input| {
    let spec = input.spec.build();
    let stored: Vec<ServiceSpec> = input.stored.iter().map(input::Spec::build).collect();
    let service_name = input.service_name.text();
    let ceph = input.ceph();

    let raw = input.raw_state();
    let _ = plan_apply(&spec, &stored, &raw).to_string();
    let _ = plan_remove(&service_name, &stored, &raw, input.force).to_string();
    let _ = plan_service_action(&input.action, &service_name, &raw).to_string();
    let _ = plan_service_action("restart", &service_name, &raw).to_string();
    let _ = plan_daemon_action("restart", &input.daemon_name, &raw).to_string();
    let _ = listing::services(&raw, &stored, &ceph);
    let _ = listing::daemons(&raw, &stored, &ceph);
    let _ = listing::hosts(&raw);
    let _ = listing::inventory(&raw);

    let observed = input.consistent_state();
    let plan = plan_apply(&spec, &stored, &observed);
    assert_eq!(plan, plan_apply(&spec, &stored, &observed), "plans differ");
    check_shape(&observed, &plan);
    let again = plan_apply(&spec, &stored, &apply_plan(&observed, &plan));
    assert!(
        again.calls.is_empty(),
        "apply does not converge\nfirst plan:\n{plan}\nsecond plan:\n{again}"
    );

    let removal = plan_remove(&service_name, &stored, &observed, input.force);
    check_shape(&observed, &removal);
    let again = plan_remove(
        &service_name,
        &stored,
        &apply_plan(&observed, &removal),
        input.force,
    );
    assert!(
        again.calls.is_empty(),
        "rm does not converge\nfirst plan:\n{removal}\nsecond plan:\n{again}"
    );

    check_shape(
        &observed,
        &plan_service_action("restart", &service_name, &observed),
    );
    let restart = plan_daemon_action("restart", &input.daemon_name, &observed);
    check_shape(&observed, &restart);
    assert!(
        restart.calls.len() <= 1,
        "a daemon restart of many calls:\n{restart}"
    );
});

/// What every plan must satisfy, whatever verb made it (see `plan_shape_violation`).
fn check_shape(observed: &ObservedState, plan: &Plan) {
    if let Some(violation) = plan_shape_violation(observed, plan) {
        panic!("{violation}");
    }
}
