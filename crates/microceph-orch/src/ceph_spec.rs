//! A service spec as Ceph shows it in `orch ls`: what `ServiceSpec.from_json(spec).to_json()` makes of the spec the backend lists.
//!
//! The mgr module hands every listed spec through Ceph's classes, which settle its layout; the command does the same here, so its JSON matches:
//! the name is completed from `service_name`, `service_id` is dropped for the types that take none, `networks` becomes a list, the placement keeps only its set fields (hosts as `host:network=name` strings),
//! the top level keeps `service_type`, `service_id`, `service_name`, `placement`, `unmanaged`, `networks` and the container arguments when set,
//! and every other field that is set (not `null`, `false`, `0`, empty) goes under `spec`, together with the defaults the release's class adds (see `release.rs`).
//! It also gives the placement's text for the PLACEMENT column, as Ceph's `PlacementSpec.pretty_str()` writes it.

use serde_json::{Map, Value};

use crate::release::Release;

/// The service types whose specs keep a `service_id`.
const TAKES_SERVICE_ID: [&str; 9] = [
    "iscsi",
    "mds",
    "nfs",
    "rgw",
    "container",
    "ingress",
    "nvmeof",
    "smb",
    "osd",
];

/// The fields `to_json()` keeps at the top level, in its order; everything else goes under `spec`.
pub(crate) const TOP_LEVEL: [&str; 9] = [
    "service_type",
    "service_id",
    "service_name",
    "placement",
    "unmanaged",
    "networks",
    "extra_container_args",
    "extra_entrypoint_args",
    "custom_configs",
];

/// The spec as Ceph's classes write it back.
pub(crate) fn as_ceph_shows(spec: &Value, release: Release) -> Value {
    let Value::Object(given) = spec else {
        return spec.clone();
    };
    let mut fields = given.clone();
    if let Some(Value::Object(nested)) = fields.remove("spec") {
        fields.extend(nested);
    }
    fields.remove("status");
    let text = |fields: &Map<String, Value>, key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let name = text(&fields, "service_name");
    let mut service_type = text(&fields, "service_type");
    let mut service_id = text(&fields, "service_id");
    if let Some(name) = &name {
        let (type_part, id_part) = name
            .split_once('.')
            .map_or((name.as_str(), None), |(t, i)| (t, Some(i)));
        service_type.get_or_insert_with(|| type_part.to_owned());
        if service_id.is_none() {
            service_id = id_part.map(str::to_owned);
        }
    }
    let service_type = service_type.unwrap_or_default();
    if !TAKES_SERVICE_ID.contains(&service_type.as_str()) {
        service_id = None;
    }
    if let Some(Value::String(network)) = fields.get("networks") {
        let networks = Value::Array(vec![Value::String(network.clone())]);
        fields.insert("networks".to_owned(), networks);
    }
    let mut shown = Map::new();
    shown.insert(
        "service_type".to_owned(),
        Value::String(service_type.clone()),
    );
    let service_name = match &service_id {
        Some(id) => {
            shown.insert("service_id".to_owned(), Value::String(id.clone()));
            format!("{service_type}.{id}")
        }
        None => service_type.clone(),
    };
    shown.insert("service_name".to_owned(), Value::String(service_name));
    let placement = fields.get("placement").map(placement).unwrap_or_default();
    if !placement.is_empty() {
        shown.insert("placement".to_owned(), Value::Object(placement));
    }
    for key in &TOP_LEVEL[4..] {
        if let Some(value) = fields.get(*key).filter(|value| is_set(value)) {
            shown.insert((*key).to_owned(), value.clone());
        }
    }
    let mut nested: Map<String, Value> = release
        .spec_defaults(&service_type)
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    for (key, value) in fields {
        if !TOP_LEVEL.contains(&key.as_str()) && is_set(&value) {
            nested.insert(key, value);
        }
    }
    if !nested.is_empty() {
        shown.insert("spec".to_owned(), Value::Object(nested));
    }
    Value::Object(shown)
}

/// The PLACEMENT column: `<unmanaged>`, or the placement as `host1;host2`, `count:3`, `label:mon`, `*`..., joined with `;`.
pub(crate) fn placement_text(spec: &Value) -> String {
    if spec.get("unmanaged").is_some_and(is_set) {
        return "<unmanaged>".to_owned();
    }
    let Some(placement) = spec.get("placement").map(placement) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(Value::Array(hosts)) = placement.get("hosts") {
        let hosts: Vec<&str> = hosts.iter().filter_map(Value::as_str).collect();
        parts.push(hosts.join(";"));
    }
    if let Some(count) = placement.get("count") {
        parts.push(format!("count:{count}"));
    }
    if let Some(count) = placement.get("count_per_host") {
        parts.push(format!("count-per-host:{count}"));
    }
    if let Some(Value::String(label)) = placement.get("label") {
        parts.push(format!("label:{label}"));
    }
    match placement.get("host_pattern") {
        Some(Value::String(pattern)) => parts.push(pattern.clone()),
        Some(Value::Object(pattern)) => {
            let text = pattern
                .get("pattern")
                .and_then(Value::as_str)
                .unwrap_or_default();
            parts.push(format!("regex:{text}"));
        }
        _ => {}
    }
    parts.join(";")
}

/// A placement as `PlacementSpec.to_json()` writes it: set fields only, hosts as strings, an fnmatch pattern as its text.
fn placement(value: &Value) -> Map<String, Value> {
    let mut shown = Map::new();
    let Value::Object(fields) = value else {
        return shown;
    };
    for (key, value) in fields {
        if !is_set(value) {
            continue;
        }
        let value = match (key.as_str(), value) {
            ("hosts", Value::Array(hosts)) => Value::Array(hosts.iter().map(host).collect()),
            ("host_pattern", Value::Object(pattern))
                if pattern
                    .get("pattern_type")
                    .and_then(Value::as_str)
                    .is_none_or(|kind| kind == "fnmatch") =>
            {
                pattern.get("pattern").cloned().unwrap_or(Value::Null)
            }
            _ => value.clone(),
        };
        shown.insert(key.clone(), value);
    }
    shown
}

/// A placement host as `host:network=name`.
fn host(value: &Value) -> Value {
    let Value::Object(fields) = value else {
        return value.clone();
    };
    let part = |key: &str| fields.get(key).and_then(Value::as_str).unwrap_or_default();
    let mut text = part("hostname").to_owned();
    if !part("network").is_empty() {
        text = format!("{text}:{}", part("network"));
    }
    if !part("name").is_empty() {
        text = format!("{text}={}", part("name"));
    }
    Value::String(text)
}

/// Whether Python counts the value as true.
fn is_set(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(flag) => *flag,
        Value::Number(number) => number.as_f64().is_some_and(|number| number != 0.0),
        Value::String(text) => !text.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(fields) => !fields.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(spec: &Value, release: Release, expected: &Value) {
        assert_eq!(&as_ceph_shows(spec, release), expected, "spec {spec}");
    }

    #[test]
    fn specs_are_settled_as_cephs_classes_settle_them() {
        check(
            &json!({"service_type": "osd", "service_name": "osd", "placement": {"hosts": ["a"]}, "unmanaged": true}),
            Release::Reef,
            &json!({"service_type": "osd", "service_name": "osd", "placement": {"hosts": ["a"]}, "unmanaged": true, "spec": {"filter_logic": "AND", "objectstore": "bluestore"}}),
        );
        check(
            &json!({"service_type": "rgw", "service_id": "x", "ssl": true, "unmanaged": false, "placement": {"host_pattern": "*", "count": 2}, "config": {"a": "b"}, "rgw_frontend_port": 0}),
            Release::Tentacle,
            &json!({"service_type": "rgw", "service_id": "x", "service_name": "rgw.x", "placement": {"count": 2, "host_pattern": "*"}, "spec": {"config": {"a": "b"}, "rgw_exit_timeout_secs": 120, "ssl": true}}),
        );
        check(
            &json!({"service_name": "nfs.y", "networks": "10.0.0.0/8", "placement": {"hosts": ["a:10.0.0.0/8=n", {"hostname": "b", "network": "", "name": ""}], "count": null}}),
            Release::Pacific,
            &json!({"service_type": "nfs", "service_id": "y", "service_name": "nfs.y", "networks": ["10.0.0.0/8"], "placement": {"hosts": ["a:10.0.0.0/8=n", "b"]}}),
        );
        check(
            &json!({"service_type": "mon", "service_id": "ignored", "spec": {"status": "x"}, "status": {"running": 1}}),
            Release::Unknown,
            &json!({"service_type": "mon", "service_name": "mon"}),
        );
    }

    #[test]
    fn placements_read_as_ceph_prints_them() {
        for (spec, expected) in [
            (
                json!({"placement": {"hosts": ["node1", "node2"]}}),
                "node1;node2",
            ),
            (
                json!({"placement": {"count": 3, "label": "mon"}}),
                "count:3;label:mon",
            ),
            (
                json!({"placement": {"host_pattern": "*", "count_per_host": 2}}),
                "count-per-host:2;*",
            ),
            (
                json!({"placement": {"host_pattern": {"pattern": "n.*", "pattern_type": "regex"}}}),
                "regex:n.*",
            ),
            (
                json!({"placement": {"hosts": ["a"]}, "unmanaged": true}),
                "<unmanaged>",
            ),
            (json!({}), ""),
        ] {
            assert_eq!(placement_text(&spec), expected, "{spec}");
        }
    }
}
