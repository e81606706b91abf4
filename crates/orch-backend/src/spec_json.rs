//! Ceph's service spec JSON, as `ServiceSpec.to_json()` writes it, read into an `orch-core` [`ServiceSpec`].
//!
//! Both of Ceph's layouts are read: the "new" one with type-specific fields nested under `spec`, and the "old" flat one.
//! The name comes from `service_type` and `service_id`, or from `service_name` when they are missing.
//!
//! Honoured: the placement (read in `placement_json.rs`: `hosts` as strings or `{hostname, network, name}` objects, `count`, `count_per_host`, `label`, `host_pattern` as a string or an fnmatch `{pattern, pattern_type}`), `unmanaged`, `preview_only`,
//! for rgw `rgw_frontend_port`, `ssl`, `rgw_frontend_ssl_certificate` (one PEM, or a list of PEM parts that is joined), `rgw_realm`, `rgw_zonegroup` and `rgw_zone` (which the planner refuses),
//! and for nfs `port` and `virtual_ip`, which becomes the address every NFS daemon of the cluster binds to (a `/prefix` is dropped).
//! The planner judges the values; this module only checks their JSON types.
//!
//! Refused, as invalid input: a spec that is not an object, has no type, or has an honoured field of the wrong type; a placement host that names a network or a daemon name, and a regex host pattern, which MicroCeph cannot honour.
//! Ignored with a warning: every other field with a value, such as `networks`, `config` or container arguments; Ceph's own defaults that mean nothing here (`status`, `events`, tentacle's `rgw_exit_timeout_secs`, `rgw_frontend_type: beast`) are ignored silently.
//! A `host` spec (from `ceph orch host add`) is refused as unsupported, pointing to `microceph cluster add`.

use orch_core::{NfsSettings, PlacementSpec, RgwSettings, ServiceSpec};
use serde_json::{Map, Value};

use crate::error::BackendError;
use crate::placement_json::parse_placement;
use crate::secrets::CERTIFICATE_FIELD;
use crate::unsupported;

/// A spec as Ceph gave it, read.
#[derive(Debug, Clone)]
pub struct ParsedSpec {
    /// The spec for the planner.
    pub spec: ServiceSpec,
    /// Ceph's `preview_only`, set by `--dry-run`: plan, change nothing, store nothing.
    pub preview_only: bool,
    /// Fields that were ignored, one sentence each.
    pub warnings: Vec<String>,
    /// The JSON to keep in the mgr store: the spec as given, without `preview_only`.
    pub stored_form: Value,
}

/// Reads a JSON array of specs without interpreting them, naming `what` in errors.
pub fn spec_list(text: &str, what: &str) -> Result<Vec<Value>, BackendError> {
    match serde_json::from_str(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(other) => Err(invalid(format!(
            "{what} must be a JSON array of service specs, got {}",
            kind(&other)
        ))),
        Err(error) => Err(invalid(format!("{what} is not valid JSON: {error}"))),
    }
}

/// A spec's name as its JSON gives it, read or not: `service_name`, else `service_type.service_id` or `service_type`.
pub fn spec_name(value: &Value) -> Option<String> {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    };
    match (
        text("service_name"),
        text("service_type"),
        text("service_id"),
    ) {
        (Some(name), _, _) => Some(name.to_owned()),
        (None, Some(service_type), Some(service_id)) => {
            Some(format!("{service_type}.{service_id}"))
        }
        (None, Some(service_type), None) => Some(service_type.to_owned()),
        (None, None, _) => None,
    }
}

/// Reads the specs kept in the mgr store; one that no longer reads is left out, so a bad entry cannot hide the others.
pub fn stored_specs(text: &str) -> Result<Vec<ParsedSpec>, BackendError> {
    Ok(spec_list(text, "the stored specs")?
        .iter()
        .filter_map(|value| parse_spec(value).ok())
        .collect())
}

/// Reads one spec.
pub fn parse_spec(value: &Value) -> Result<ParsedSpec, BackendError> {
    let Value::Object(top) = value else {
        return Err(invalid(format!(
            "a service spec must be a JSON object, got {}",
            kind(value)
        )));
    };
    let mut fields = top.clone();
    match fields.remove("spec") {
        None | Some(Value::Null) => {}
        Some(Value::Object(nested)) => fields.extend(nested),
        Some(other) => {
            return Err(invalid(format!(
                "spec field 'spec' must be an object, got {}",
                kind(&other)
            )));
        }
    }
    let mut reader = Reader {
        fields,
        warnings: Vec::new(),
    };
    let (service_type, service_id) = reader.name()?;
    if service_type == "host" {
        let hostname = reader.string("hostname")?.unwrap_or_default();
        return Err(unsupported::refusal("add_host", &hostname));
    }
    let placement = match reader.take("placement") {
        Some(placement) => parse_placement(&placement)?,
        None => PlacementSpec::default(),
    };
    let unmanaged = reader.boolean("unmanaged")?;
    let preview_only = reader.boolean("preview_only")?;
    let rgw = if service_type == "rgw" {
        reader.rgw()?
    } else {
        RgwSettings::default()
    };
    let nfs = if service_type == "nfs" {
        reader.nfs()?
    } else {
        NfsSettings::default()
    };
    let warnings = reader.finish(&service_type);
    let mut stored_form = value.clone();
    remove_preview_only(&mut stored_form);
    Ok(ParsedSpec {
        spec: ServiceSpec {
            service_type,
            service_id,
            placement,
            unmanaged,
            rgw,
            nfs,
        },
        preview_only,
        warnings,
        stored_form,
    })
}

/// The fields of one spec still to be read.
#[derive(Debug)]
struct Reader {
    fields: Map<String, Value>,
    warnings: Vec<String>,
}

impl Reader {
    /// Takes a field; `null` counts as absent.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.fields.remove(key).filter(|value| !value.is_null())
    }

    fn string(&mut self, key: &str) -> Result<Option<String>, BackendError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(wrong_type(key, "a string", &other)),
        }
    }

    fn boolean(&mut self, key: &str) -> Result<bool, BackendError> {
        match self.take(key) {
            None => Ok(false),
            Some(Value::Bool(flag)) => Ok(flag),
            Some(other) => Err(wrong_type(key, "true or false", &other)),
        }
    }

    fn port(&mut self, key: &str) -> Result<Option<u16>, BackendError> {
        self.take(key)
            .map(|value| {
                value
                    .as_u64()
                    .and_then(|number| u16::try_from(number).ok())
                    .ok_or_else(|| wrong_type(key, "a port number from 0 to 65535", &value))
            })
            .transpose()
    }

    /// `service_type` and `service_id`, completed from `service_name` as Ceph's `from_json` does.
    fn name(&mut self) -> Result<(String, Option<String>), BackendError> {
        let service_name = self.string("service_name")?;
        let mut service_type = self.string("service_type")?.filter(|text| !text.is_empty());
        let mut service_id = self.string("service_id")?.filter(|text| !text.is_empty());
        if let Some(name) = service_name {
            let (type_part, id_part) = match name.split_once('.') {
                Some((type_part, id_part)) => (type_part.to_owned(), Some(id_part.to_owned())),
                None => (name.clone(), None),
            };
            service_type.get_or_insert(type_part);
            if service_id.is_none() {
                service_id = id_part.filter(|id| !id.is_empty());
            }
        }
        let service_type = service_type
            .filter(|text| !text.is_empty())
            .ok_or_else(|| invalid("the service spec has no service_type".to_owned()))?;
        Ok((service_type, service_id))
    }

    fn rgw(&mut self) -> Result<RgwSettings, BackendError> {
        let certificate_pem = match self.take("rgw_frontend_ssl_certificate") {
            None => None,
            Some(Value::String(pem)) => Some(pem),
            Some(Value::Array(parts)) => Some(
                parts
                    .iter()
                    .map(|part| {
                        part.as_str().map(str::to_owned).ok_or_else(|| {
                            wrong_type(
                                "rgw_frontend_ssl_certificate",
                                "a string or a list of strings",
                                part,
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?
                    .join("\n"),
            ),
            Some(other) => {
                return Err(wrong_type(
                    "rgw_frontend_ssl_certificate",
                    "a string or a list of strings",
                    &other,
                ));
            }
        };
        // MicroCeph's RGW always runs the beast frontend, and tentacle adds its exit timeout to every rgw spec.
        if self.fields.get("rgw_frontend_type").and_then(Value::as_str) == Some("beast") {
            self.fields.remove("rgw_frontend_type");
        }
        self.fields.remove("rgw_exit_timeout_secs");
        Ok(RgwSettings {
            frontend_port: self.port("rgw_frontend_port")?,
            ssl: self.boolean("ssl")?,
            certificate_pem,
            realm: self.string("rgw_realm")?,
            zone: self.string("rgw_zone")?,
            zonegroup: self.string("rgw_zonegroup")?,
        })
    }

    fn nfs(&mut self) -> Result<NfsSettings, BackendError> {
        let bind_address = self.string("virtual_ip")?.map(|address| {
            address
                .split_once('/')
                .map_or(address.clone(), |(ip, _)| ip.to_owned())
        });
        Ok(NfsSettings {
            port: self.port("port")?,
            bind_address,
            v4_min_version: None,
        })
    }

    /// Warns about every field left with a value, and returns the warnings.
    fn finish(mut self, service_type: &str) -> Vec<String> {
        for key in ["status", "events"] {
            self.fields.remove(key);
        }
        for (key, value) in &self.fields {
            if is_empty(value) {
                continue;
            }
            let reason = match key.as_str() {
                "networks" => "MicroCeph does not bind daemons to chosen networks",
                "config" => "set Ceph options with ceph config set instead",
                "extra_container_args" | "extra_entrypoint_args" | "custom_configs" => {
                    "MicroCeph runs Ceph from its snap, not in containers"
                }
                "crush_locations" => "MicroCeph places monitors without CRUSH locations",
                "rgw_frontend_type" => "MicroCeph's RGW always uses the beast frontend",
                _ => "MicroCeph has no equivalent",
            };
            self.warnings.push(format!(
                "spec field '{key}' of {service_type} is ignored: {reason}"
            ));
        }
        self.warnings
    }
}

fn remove_preview_only(value: &mut Value) {
    if let Value::Object(fields) = value {
        fields.remove("preview_only");
        if let Some(Value::Object(nested)) = fields.get_mut("spec") {
            nested.remove("preview_only");
        }
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(flag) => !flag,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Number(_) => false,
    }
}

pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The value is quoted, except in the certificate field, whose value may hold a private key: there only its kind is named.
pub(crate) fn wrong_type(key: &str, expected: &str, value: &Value) -> BackendError {
    let value = if key == CERTIFICATE_FIELD {
        kind(value).to_owned()
    } else {
        value.to_string()
    };
    invalid(format!(
        "spec field '{key}' must be {expected}, got {value}"
    ))
}

pub(crate) fn invalid(message: String) -> BackendError {
    BackendError::InvalidInput(message)
}
