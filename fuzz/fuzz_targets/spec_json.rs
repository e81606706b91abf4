//! Fuzz target `spec_json`: `orch-backend`'s reading of Ceph's spec JSON, over arbitrary text.
//!
//! `spec_list`, `parse_spec`, `spec_name` and `stored_specs` must never panic.
//! A spec that reads must read the same again from the form kept in the mgr store, without `preview_only`, and must plan on a small cluster without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use orch_backend::{parse_spec, spec_list, spec_name, stored_specs};
use orch_core::{Member, ObservedState, PlacedService, ServiceType, plan_apply};

fuzz_target!(|text: &str| {
    let _ = stored_specs(text).map(|specs| specs.len());
    let Ok(values) = spec_list(text, "the fuzzed specs") else {
        return;
    };
    let observed = ObservedState {
        members: ["node1", "node2", "node3"]
            .into_iter()
            .map(|name| Member::online(name, "10.0.0.1:7443"))
            .collect(),
        services: vec![
            PlacedService::new(ServiceType::Mon, "node1"),
            PlacedService::new(ServiceType::Mgr, "node1"),
            PlacedService::nfs("node2", "alpha", "0.0.0.0", 2049),
        ],
        ..ObservedState::default()
    };
    let mut parsed = Vec::new();
    for value in &values {
        let _ = spec_name(value);
        match parse_spec(value) {
            Ok(spec) => {
                let again = parse_spec(&spec.stored_form)
                    .unwrap_or_else(|error| panic!("the stored form does not read again: {error}"));
                assert_eq!(again.spec, spec.spec, "the stored form reads differently");
                assert!(!again.preview_only, "the stored form keeps preview_only");
                parsed.push(spec.spec);
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
    for spec in &parsed {
        let _ = plan_apply(spec, &parsed, &observed).to_string();
    }
});
