//! Reading Ceph's spec JSON: both layouts, every placement form, the type-specific fields, and what is refused or ignored.
//!
//! The inputs are the shapes `ServiceSpec.to_json()` writes in pacific, reef and tentacle (`ceph-orch-interface.md` §3), plus hand-written ones an operator may feed to `ceph orch apply -i`.

use orch_backend::{BackendError, ParsedSpec, parse_spec};
use serde_json::{Value, json};

/// A one-line summary of a read spec, or the error and its class.
fn show(value: &Value) -> String {
    match parse_spec(value) {
        Ok(parsed) => summary(&parsed),
        Err(error) => format!("{}: {error}", class(&error)),
    }
}

fn summary(parsed: &ParsedSpec) -> String {
    let spec = &parsed.spec;
    let mut parts = vec![
        spec.service_name(),
        format!("placement={:?}", spec.placement.pretty()),
    ];
    if spec.unmanaged {
        parts.push("unmanaged".into());
    }
    if parsed.preview_only {
        parts.push("preview".into());
    }
    if spec.rgw != orch_core::RgwSettings::default() {
        parts.push(format!("rgw={:?}", spec.rgw));
    }
    if spec.nfs != orch_core::NfsSettings::default() {
        parts.push(format!(
            "nfs=port:{:?},bind:{:?}",
            spec.nfs.port, spec.nfs.bind_address
        ));
    }
    for warning in &parsed.warnings {
        parts.push(format!("warning: {warning}"));
    }
    parts.join(" | ")
}

fn class(error: &BackendError) -> &'static str {
    match error {
        BackendError::InvalidInput(_) => "invalid",
        BackendError::Unsupported(_) => "unsupported",
        _ => "other",
    }
}

fn check(value: &Value, expected: &str) {
    assert_eq!(show(value), expected, "spec {value}");
}

#[test]
fn new_and_old_layouts_read_the_same() {
    let expected = r#"rgw.r1 | placement="count:2" | rgw=RgwSettings { frontend_port: Some(8080), ssl: false, certificate_pem: None, realm: None, zone: None, zonegroup: None }"#;
    check(
        &json!({"service_type": "rgw", "service_id": "r1", "service_name": "rgw.r1", "placement": {"count": 2}, "spec": {"rgw_frontend_port": 8080}}),
        expected,
    );
    check(
        &json!({"service_type": "rgw", "service_id": "r1", "placement": {"count": 2}, "rgw_frontend_port": 8080}),
        expected,
    );
}

#[test]
fn names_come_from_service_name_when_type_and_id_are_missing() {
    check(
        &json!({"service_name": "mds.fs1"}),
        r#"mds.fs1 | placement="""#,
    );
    check(
        &json!({"service_name": "rgw.realm.zone"}),
        r#"rgw.realm.zone | placement="""#,
    );
    check(
        &json!({"service_type": "cephfs-mirror", "service_name": "cephfs-mirror"}),
        r#"cephfs-mirror | placement="""#,
    );
    check(
        &json!({"placement": {"count": 1}}),
        "invalid: the service spec has no service_type",
    );
}

#[test]
fn placements_take_every_form_ceph_writes() {
    check(
        &json!({"service_type": "mon", "placement": {"hosts": ["node1", "node2"]}}),
        r#"mon | placement="node1;node2""#,
    );
    check(
        &json!({"service_type": "mon", "placement": {"hosts": [{"hostname": "node1", "network": "", "name": ""}]}}),
        r#"mon | placement="node1""#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"count": 2, "hosts": ["node1", "node2", "node3"]}}),
        r#"mgr | placement="node1;node2;node3;count:2""#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"host_pattern": "node*"}}),
        r#"mgr | placement="node*""#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"host_pattern": {"pattern": "node[12]", "pattern_type": "fnmatch"}}}),
        r#"mgr | placement="node[12]""#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"label": "mgr", "count_per_host": 1}}),
        r#"mgr | placement="count-per-host:1;label:mgr""#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"count": null, "hosts": null}}),
        r#"mgr | placement="""#,
    );
}

#[test]
fn placements_microceph_cannot_honour_are_refused() {
    check(
        &json!({"service_type": "mon", "placement": {"hosts": ["node1:10.0.0.0/24=a"]}}),
        r#"invalid: placement host "node1:10.0.0.0/24=a" names a network or a daemon name, which MicroCeph cannot honour: it runs one daemon per member and binds it as MicroCeph configures it; give the bare host name 'node1'"#,
    );
    check(
        &json!({"service_type": "mon", "placement": {"hosts": [{"hostname": "node1", "network": "10.0.0.0/24", "name": ""}]}}),
        r#"invalid: placement host {"hostname":"node1","name":"","network":"10.0.0.0/24"} names a network or a daemon name, which MicroCeph cannot honour: it runs one daemon per member and binds it as MicroCeph configures it; give the bare host name 'node1'"#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"host_pattern": {"pattern": "node[0-9]+", "pattern_type": "regex"}}}),
        "invalid: placement.host_pattern 'node[0-9]+' is a regex pattern, which MicroCeph's orchestrator does not support; use an fnmatch pattern such as 'node*'",
    );
    // Ceph's CLI reads `--placement=count:abc` as host `count` on network `abc`.
    check(
        &json!({"service_type": "mon", "placement": {"hosts": [{"hostname": "count", "network": "abc", "name": ""}]}}),
        "invalid: placement 'count:abc' has a count that is not a whole number; give count:N with N at least 1, such as count:1",
    );
    check(
        &json!({"service_type": "mon", "placement": {"hosts": ["count-per-host:two"]}}),
        "invalid: placement 'count-per-host:two' has a count-per-host that is not a whole number; give count-per-host:N with N at least 1, such as count-per-host:1",
    );
    check(
        &json!({"service_type": "mgr", "placement": {"count": "3"}}),
        r#"invalid: spec field 'placement.count' must be a whole number, got "3""#,
    );
    check(
        &json!({"service_type": "mgr", "placement": {"cout": 3}}),
        "invalid: unknown placement field 'cout'; a placement takes hosts, count, count_per_host, label and host_pattern",
    );
}

#[test]
fn rgw_fields_are_read_and_tentacle_defaults_ignored() {
    check(
        &json!({"service_type": "rgw", "service_id": "s", "spec": {"ssl": true, "rgw_frontend_port": 443, "rgw_frontend_ssl_certificate": ["-----BEGIN CERTIFICATE-----", "x", "-----END CERTIFICATE-----"], "rgw_exit_timeout_secs": 120, "rgw_frontend_type": "beast"}}),
        r#"rgw.s | placement="" | rgw=RgwSettings { frontend_port: Some(443), ssl: true, certificate_pem: Some("<redacted>"), realm: None, zone: None, zonegroup: None }"#,
    );
    let parsed = parse_spec(&json!({"service_type": "rgw", "service_id": "s", "spec": {"rgw_frontend_ssl_certificate": ["a", "b"]}})).unwrap();
    assert_eq!(parsed.spec.rgw.certificate_pem.as_deref(), Some("a\nb"));
    check(
        &json!({"service_type": "rgw", "service_id": "s", "spec": {"rgw_realm": "r", "rgw_zone": "z", "rgw_zonegroup": "g"}}),
        r#"rgw.s | placement="" | rgw=RgwSettings { frontend_port: None, ssl: false, certificate_pem: None, realm: Some("r"), zone: Some("z"), zonegroup: Some("g") }"#,
    );
    check(
        &json!({"service_type": "rgw", "service_id": "s", "spec": {"rgw_frontend_port": 70000}}),
        "invalid: spec field 'rgw_frontend_port' must be a port number from 0 to 65535, got 70000",
    );
    check(
        &json!({"service_type": "rgw", "service_id": "s", "spec": {"ssl": "yes"}}),
        r#"invalid: spec field 'ssl' must be true or false, got "yes""#,
    );
}

#[test]
fn nfs_binds_to_its_virtual_ip() {
    check(
        &json!({"service_type": "nfs", "service_id": "east", "placement": {"count": 1}, "spec": {"port": 2050, "virtual_ip": "10.0.0.5/24"}}),
        r#"nfs.east | placement="count:1" | nfs=port:Some(2050),bind:Some("10.0.0.5")"#,
    );
    check(
        &json!({"service_type": "nfs", "service_id": "east", "spec": {"enable_haproxy_protocol": true, "port": 2049}}),
        r#"nfs.east | placement="" | nfs=port:Some(2049),bind:None | warning: spec field 'enable_haproxy_protocol' of nfs is ignored: MicroCeph has no equivalent"#,
    );
}

#[test]
fn other_fields_are_ignored_with_a_warning() {
    check(
        &json!({"service_type": "mgr", "networks": ["10.0.0.0/24"], "config": {"debug_mgr": "20"}, "extra_container_args": ["--cpus=2"], "placement": {"count": 2}}),
        concat!(
            r#"mgr | placement="count:2""#,
            " | warning: spec field 'config' of mgr is ignored: set Ceph options with ceph config set instead",
            " | warning: spec field 'extra_container_args' of mgr is ignored: MicroCeph runs Ceph from its snap, not in containers",
            " | warning: spec field 'networks' of mgr is ignored: MicroCeph does not bind daemons to chosen networks",
        ),
    );
    check(
        &json!({"service_type": "mon", "service_name": "mon", "placement": {"count": 3}, "spec": {"crush_locations": {"node1": ["rack=1"]}}}),
        r#"mon | placement="count:3" | warning: spec field 'crush_locations' of mon is ignored: MicroCeph places monitors without CRUSH locations"#,
    );
    check(
        &json!({"service_type": "mgr", "networks": [], "config": {}, "unmanaged": false}),
        r#"mgr | placement="""#,
    );
    check(
        &json!({"service_type": "rgw", "service_id": "s", "port": 80}),
        r#"rgw.s | placement="" | warning: spec field 'port' of rgw is ignored: MicroCeph has no equivalent"#,
    );
}

#[test]
fn listing_output_and_flags_read_back() {
    check(
        &json!({"service_type": "mds", "service_id": "fs1", "service_name": "mds.fs1", "placement": {"count": 2}, "unmanaged": true, "status": {"running": 2, "size": 2}, "events": ["x"]}),
        r#"mds.fs1 | placement="count:2" | unmanaged"#,
    );
    let value =
        json!({"service_type": "mgr", "placement": {"count": 2}, "spec": {"preview_only": true}});
    check(&value, r#"mgr | placement="count:2" | preview"#);
    let parsed = parse_spec(&value).unwrap();
    assert_eq!(
        parsed.stored_form,
        json!({"service_type": "mgr", "placement": {"count": 2}, "spec": {}})
    );
}

#[test]
fn non_specs_and_hosts_are_refused() {
    check(
        &json!(["rgw"]),
        "invalid: a service spec must be a JSON object, got a list",
    );
    check(
        &json!({"service_type": "rgw", "spec": "x"}),
        "invalid: spec field 'spec' must be an object, got a string",
    );
    check(
        &json!({"service_type": "host", "hostname": "node4", "addr": "10.0.0.4", "labels": [], "status": ""}),
        "unsupported: adding host node4 is not supported by the microceph orchestrator: run `microceph cluster add <name>` on a member to get a join token, then `microceph cluster join <token>` on the new host",
    );
}
