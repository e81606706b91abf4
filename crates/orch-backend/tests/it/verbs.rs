//! The writing verbs against an in-process fake: apply, its preview, remove, the service and daemon actions, and the refusals.
//!
//! Each test checks the exact text an operator would read, since the results and errors are produced here and the shim passes them through.

use orch_backend::{ApplyOptions, BackendError, apply, preview, probe, refusal, remove};
use serde_json::{Value, json};

use crate::support::{Fake, json};

/// Applies specs with no stored specs and default options.
fn apply_specs(fake: &Fake, specs: &Value, stored: &Value, options: ApplyOptions) -> Value {
    json(
        &apply(
            &fake.config(),
            &specs.to_string(),
            &stored.to_string(),
            options,
        )
        .unwrap(),
    )
}

fn rgw(placement: &Value) -> Value {
    json!({"service_type": "rgw", "service_id": "foo", "service_name": "rgw.foo", "placement": placement})
}

#[test]
fn apply_names_what_changed_and_then_that_nothing_had_to() {
    let fake = Fake::start();
    let spec = rgw(&json!({"count": 2}));
    let first = apply_specs(&fake, &json!([spec]), &json!([]), ApplyOptions::default());
    assert_eq!(
        first,
        json!({
            "results": ["rgw.foo: enabled rgw on node1, node2"],
            "store": [{"service_name": "rgw.foo", "spec": spec}],
            "failure": null,
        })
    );
    let again = apply_specs(
        &fake,
        &json!([spec]),
        &json!([spec]),
        ApplyOptions::default(),
    );
    assert_eq!(
        again["results"],
        json!(["rgw.foo: nothing to do (already on node1, node2)"])
    );
}

#[test]
fn a_failed_host_is_named_with_microceph_text_and_the_spec_is_still_stored() {
    let fake = Fake::start();
    let first = rgw(&json!({"hosts": ["node1"]}));
    apply_specs(&fake, &json!([first]), &json!([]), ApplyOptions::default());
    fake.make_unreachable("node2");
    let moved = rgw(&json!({"hosts": ["node2", "node3"]}));
    let outcome = apply_specs(
        &fake,
        &json!([moved]),
        &json!([first]),
        ApplyOptions::default(),
    );
    assert_eq!(outcome["results"], json!([]));
    assert_eq!(
        outcome["store"],
        json!([{"service_name": "rgw.foo", "spec": moved}])
    );
    let message = outcome["failure"]["message"].as_str().unwrap();
    assert!(
        message
            .starts_with("rgw.foo: failed on node2: Failed to send request to target \"node2\": "),
        "{message}"
    );
    assert!(
        message.ends_with("; changed: enabled rgw on node3; not attempted: disable rgw on node1"),
        "{message}"
    );
    assert_eq!(outcome["failure"]["errno"], json!(113));
    assert_eq!(outcome["failure"]["validation"], json!(false));
}

#[test]
fn unsatisfiable_specs_are_validation_failures_and_are_not_stored() {
    let fake = Fake::start();
    let outcome = apply_specs(
        &fake,
        &json!([{"service_type": "mgr", "placement": {"label": "mgr"}}]),
        &json!([]),
        ApplyOptions::default(),
    );
    assert_eq!(outcome["store"], json!([]));
    assert_eq!(outcome["failure"]["validation"], json!(true));
    assert_eq!(outcome["failure"]["errno"], json!(22));
    let message = outcome["failure"]["message"].as_str().unwrap();
    assert!(message.starts_with("mgr: "), "{message}");
    assert!(message.contains("label"), "{message}");
}

#[test]
fn no_overwrite_skips_stored_specs_and_previews_change_nothing() {
    let fake = Fake::start();
    let spec = rgw(&json!({"count": 1}));
    let options = ApplyOptions {
        no_overwrite: true,
        continue_on_error: false,
    };
    let skipped = apply_specs(&fake, &json!([spec]), &json!([spec]), options);
    assert_eq!(
        skipped["results"],
        json!(["rgw.foo: skipped, a spec of that name is stored and --no-overwrite was given"])
    );
    assert_eq!(skipped["store"], json!([]));

    let mut previewed = spec.clone();
    previewed["spec"] = json!({"preview_only": true});
    let preview_only = apply_specs(
        &fake,
        &json!([previewed]),
        &json!([]),
        ApplyOptions::default(),
    );
    assert_eq!(
        preview_only["results"],
        json!(["rgw.foo: preview only, nothing changed (1 call(s) planned)"])
    );
    assert_eq!(preview_only["store"], json!([]));

    let items = json(&preview(&fake.config(), &json!([spec]).to_string(), "[]").unwrap());
    assert_eq!(
        items,
        json!([{"service_type": "rgw", "service_name": "rgw.foo", "add": ["node1"], "remove": []}])
    );
}

#[test]
fn continue_on_error_tries_every_spec_and_reports_them_together() {
    let fake = Fake::start();
    let specs = json!([
        {"service_type": "crash"},
        {"service_type": "rbd-mirror", "placement": {"hosts": ["node3"]}},
    ]);
    let stopped = apply_specs(&fake, &specs, &json!([]), ApplyOptions::default());
    assert_eq!(stopped["results"], json!([]));
    let message = stopped["failure"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("crash: service type 'crash' is not supported by MicroCeph"),
        "{message}"
    );
    assert!(
        message.ends_with("\nnot attempted: rbd-mirror"),
        "{message}"
    );
    assert_eq!(stopped["failure"]["validation"], json!(true));
    let options = ApplyOptions {
        no_overwrite: false,
        continue_on_error: true,
    };
    let all = apply_specs(&fake, &specs, &json!([]), options);
    assert_eq!(
        all["results"],
        json!(["rbd-mirror: enabled rbd-mirror on node3"])
    );
    let message = all["failure"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("1 of 2 specs failed:\ncrash: "),
        "{message}"
    );
    assert!(
        message.ends_with("\nrbd-mirror: enabled rbd-mirror on node3"),
        "{message}"
    );
}

#[test]
fn a_spec_that_does_not_read_is_named_in_the_failure_and_the_preview() {
    let fake = Fake::start();
    let bad_port = json!({
        "service_type": "nfs",
        "service_id": "east",
        "service_name": "nfs.east",
        "placement": {"hosts": ["node1"]},
        "spec": {"port": 99999},
    });
    let specs = json!([
        {"service_type": "rbd-mirror", "placement": {"hosts": ["node3"]}},
        bad_port,
        42,
    ]);
    let outcome = apply_specs(&fake, &specs, &json!([]), ApplyOptions::default());
    assert_eq!(
        outcome["failure"],
        json!({
            "message": "nfs.east: spec field 'port' must be a port number from 0 to 65535, got 99999\n\
                applied before this failure:\n\
                rbd-mirror: enabled rbd-mirror on node3\n\
                not attempted: spec 3",
            "errno": 22,
            "validation": true,
        })
    );
    let options = ApplyOptions {
        no_overwrite: false,
        continue_on_error: true,
    };
    let all = apply_specs(&fake, &specs, &json!([]), options);
    assert_eq!(
        all["failure"]["message"],
        json!(
            "2 of 3 specs failed:\n\
            rbd-mirror: nothing to do (already on node3)\n\
            nfs.east: spec field 'port' must be a port number from 0 to 65535, got 99999\n\
            spec 3: a service spec must be a JSON object, got a number"
        )
    );
    let items = json(&preview(&fake.config(), &specs.to_string(), "[]").unwrap());
    assert_eq!(
        items,
        json!([
            {"service_type": "rbd-mirror", "service_name": "rbd-mirror", "add": [], "remove": []},
            {"error": "nfs.east: spec field 'port' must be a port number from 0 to 65535, got 99999"},
            {"error": "spec 3: a service spec must be a JSON object, got a number"},
        ])
    );
}

#[test]
fn remove_disables_everywhere_and_forgets_the_spec() {
    let fake = Fake::start();
    let spec = rgw(&json!({"count": 2}));
    apply_specs(&fake, &json!([spec]), &json!([]), ApplyOptions::default());
    let removed =
        json(&remove(&fake.config(), "rgw.foo", &json!([spec]).to_string(), false).unwrap());
    assert_eq!(
        removed,
        json!({"result": "rgw.foo: removed; disabled rgw on node1, node2", "forget": "rgw.foo"})
    );
    let error = remove(&fake.config(), "mon", "[]", true).unwrap_err();
    assert!(matches!(error, BackendError::Unsatisfiable(_)));
    assert_eq!(
        error.to_string(),
        "mon: removing the mon service is refused even with --force: the cluster needs at least 1 mon; shrink it with ceph orch apply mon <placement> instead"
    );
}

#[test]
fn probes_say_why_microceph_is_unavailable() {
    let fake = Fake::start();
    assert_eq!(
        probe(&fake.config(), std::time::Duration::from_secs(2)).unwrap(),
        (true, String::new())
    );
    let missing =
        orch_backend::Config::from_json(r#"{"socket": "/nonexistent/control.socket"}"#).unwrap();
    let (available, reason) = probe(&missing, std::time::Duration::from_secs(2)).unwrap();
    assert!(!available);
    assert!(
        reason.starts_with("microceph socket /nonexistent/control.socket does not exist"),
        "{reason}"
    );
}

#[test]
fn refusals_point_to_microceph_commands() {
    let error = refusal("create_osds", "");
    assert_eq!(error.errno(), 95);
    assert_eq!(
        error.to_string(),
        "creating OSDs is not supported by the microceph orchestrator: run `microceph disk add <device>` on the host that owns the disk (ceph orch device ls shows the available ones)"
    );
}
