//! Ceph's placement JSON, as `PlacementSpec.to_json()` writes it, read into an `orch-core` [`PlacementSpec`].
//!
//! Hosts come as strings (`"node1"`, or Ceph's `"node1:10.0.0.0/24=name"`) or as `{hostname, network, name}` objects; a host pattern as a string or as `{pattern, pattern_type}`.
//! A host with a network or a daemon name and a regex pattern are refused, since MicroCeph runs one daemon per member, binds it as it configures it, and matches hosts with fnmatch patterns only.
//! The values themselves (a count of 0, a label) are left to the planner to judge.

use orch_core::PlacementSpec;
use serde_json::Value;

use crate::error::BackendError;
use crate::spec_json::{invalid, wrong_type};

/// Reads a placement object.
pub(crate) fn parse_placement(value: &Value) -> Result<PlacementSpec, BackendError> {
    let Value::Object(fields) = value else {
        return Err(wrong_type("placement", "an object", value));
    };
    let mut placement = PlacementSpec::default();
    for (key, value) in fields {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "hosts" => {
                let Value::Array(hosts) = value else {
                    return Err(wrong_type("placement.hosts", "a list", value));
                };
                placement.hosts = hosts.iter().map(placement_host).collect::<Result<_, _>>()?;
            }
            "count" => placement.count = Some(count("placement.count", value)?),
            "count_per_host" => {
                placement.count_per_host = Some(count("placement.count_per_host", value)?);
            }
            "label" => match value {
                Value::String(label) => placement.label = Some(label.clone()),
                other => return Err(wrong_type("placement.label", "a string", other)),
            },
            "host_pattern" => placement.host_pattern = Some(host_pattern(value)?),
            other => {
                return Err(invalid(format!(
                    "unknown placement field '{other}'; a placement takes hosts, count, count_per_host, label and host_pattern"
                )));
            }
        }
    }
    Ok(placement)
}

/// One placement host: `"host"`, Ceph's `"host:network=name"`, or `{hostname, network, name}`.
fn placement_host(value: &Value) -> Result<String, BackendError> {
    let (hostname, network, name) = match value {
        Value::String(text) => {
            let end = text.find([':', '=']).unwrap_or(text.len());
            let (hostname, rest) = text.split_at(end);
            let (network, name) = match rest.split_once('=') {
                Some((network, name)) => (network, name),
                None => (rest, ""),
            };
            (
                hostname.to_owned(),
                network.trim_start_matches(':').to_owned(),
                name.to_owned(),
            )
        }
        Value::Object(fields) => {
            let text = |key: &str| fields.get(key).and_then(Value::as_str).unwrap_or_default();
            (
                text("hostname").to_owned(),
                text("network").to_owned(),
                text("name").to_owned(),
            )
        }
        other => {
            return Err(wrong_type("placement.hosts", "a list of host names", other));
        }
    };
    if hostname.is_empty() {
        return Err(invalid(format!("placement host {value} has no host name")));
    }
    // Ceph reads `count:abc`, whose count is not a number, as host `count` on network `abc`.
    if matches!(hostname.as_str(), "count" | "count-per-host") && name.is_empty() {
        return Err(invalid(format!(
            "placement '{hostname}:{network}' has a {hostname} that is not a whole number; give {hostname}:N with N at least 1, such as {hostname}:1"
        )));
    }
    if !network.is_empty() || !name.is_empty() {
        return Err(invalid(format!(
            "placement host {value} names a network or a daemon name, which MicroCeph cannot honour: it runs one daemon per member and binds it as MicroCeph configures it; give the bare host name '{hostname}'"
        )));
    }
    Ok(hostname)
}

fn host_pattern(value: &Value) -> Result<String, BackendError> {
    match value {
        Value::String(pattern) => Ok(pattern.clone()),
        Value::Object(fields) => {
            let pattern_type = fields
                .get("pattern_type")
                .and_then(Value::as_str)
                .unwrap_or("fnmatch");
            let pattern = fields.get("pattern").and_then(Value::as_str);
            match (pattern, pattern_type) {
                (Some(pattern), "fnmatch") => Ok(pattern.to_owned()),
                (Some(pattern), other) => Err(invalid(format!(
                    "placement.host_pattern '{pattern}' is a {other} pattern, which MicroCeph's orchestrator does not support; use an fnmatch pattern such as 'node*'"
                ))),
                (None, _) => Err(wrong_type(
                    "placement.host_pattern",
                    "a pattern string",
                    value,
                )),
            }
        }
        other => Err(wrong_type("placement.host_pattern", "a string", other)),
    }
}

fn count(key: &str, value: &Value) -> Result<u32, BackendError> {
    value
        .as_u64()
        .and_then(|number| u32::try_from(number).ok())
        .ok_or_else(|| wrong_type(key, "a whole number", value))
}
