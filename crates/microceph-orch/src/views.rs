//! The backend's listings as the objects Ceph's `ceph orch ... --format json` prints: `ServiceDescription`, `DaemonDescription`, `HostSpec` and `InventoryHost`, each as its `to_json()` writes it.
//!
//! The fields and their values are those the mgr module passes to Ceph's classes (`convert.py`), so the same data prints the same JSON through either face.
//! Times are the listing's `observed_at` (`last_refresh`, and a device's `created`) and a daemon's `started`, written as ISO timestamps; fields Ceph drops when `None` are dropped.
//! The lists are in Ceph's order: services by name, daemons by type, host and id, devices by path.

use orch_backend::BackendError;
use serde_json::{Map, Value, json};

use crate::ceph_spec;
use crate::release::Release;
use crate::time;

/// A backend listing: when its data was observed, what could not be, and its items.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    pub observed_at: f64,
    pub problems: Vec<String>,
    pub items: Vec<Value>,
}

impl Listing {
    /// Reads the backend's listing JSON.
    pub(crate) fn parse(text: &str) -> Result<Self, BackendError> {
        let value: Value = serde_json::from_str(text).map_err(|error| {
            BackendError::Internal(format!("the backend's listing is not JSON: {error}"))
        })?;
        let strings = |value: &Value| -> Vec<String> {
            value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        Ok(Listing {
            observed_at: value["observed_at"].as_f64().unwrap_or_default(),
            problems: strings(&value["problems"]),
            items: value["items"].as_array().cloned().unwrap_or_default(),
        })
    }
}

/// `orch ls`: `ServiceDescription.to_json()` per service, by service name.
pub(crate) fn services(listing: &Listing, release: Release) -> Vec<Value> {
    let mut services: Vec<Value> = listing
        .items
        .iter()
        .map(|item| {
            let mut shown = ceph_spec::as_ceph_shows(&item["spec"], release);
            let mut status = json!({
                "size": item["size"],
                "running": item["running"],
                "last_refresh": time::iso(listing.observed_at),
            });
            if item["ports"]
                .as_array()
                .is_some_and(|ports| !ports.is_empty())
            {
                status["ports"] = item["ports"].clone();
            }
            shown["status"] = status;
            if item["events"]
                .as_array()
                .is_some_and(|events| !events.is_empty())
            {
                shown["events"] = item["events"].clone();
            }
            shown
        })
        .collect();
    services.sort_by_key(service_name);
    services
}

/// `orch ls --export`: the specs as Ceph shows them, by service name.
pub(crate) fn exported_specs(listing: &Listing, release: Release) -> Vec<Value> {
    let mut specs: Vec<Value> = listing
        .items
        .iter()
        .map(|item| ceph_spec::as_ceph_shows(&item["spec"], release))
        .collect();
    specs.sort_by_key(service_name);
    specs
}

/// `orch ps`: `DaemonDescription.to_json()` per daemon, by type, host and id.
pub(crate) fn daemons(listing: &Listing, release: Release) -> Vec<Value> {
    const KEPT: [&str; 12] = [
        "daemon_type",
        "daemon_id",
        "service_name",
        "daemon_name",
        "hostname",
        "version",
        "status",
        "status_desc",
        "is_active",
        "ports",
        "ip",
        "rank",
    ];
    let mut daemons: Vec<Value> = listing
        .items
        .iter()
        .map(|item| {
            let mut shown = Map::new();
            for key in KEPT {
                if let Some(value) = item.get(key).filter(|value| !value.is_null()) {
                    shown.insert(key.to_owned(), value.clone());
                }
            }
            for (key, value) in release.daemon_fields() {
                shown.insert(key.to_owned(), value);
            }
            shown.insert(
                "last_refresh".to_owned(),
                json!(time::iso(listing.observed_at)),
            );
            if let Some(started) = item["started"].as_f64() {
                shown.insert("started".to_owned(), json!(time::iso(started)));
            }
            if item["events"]
                .as_array()
                .is_some_and(|events| !events.is_empty())
            {
                shown.insert("events".to_owned(), item["events"].clone());
            }
            Value::Object(shown)
        })
        .collect();
    let key = |daemon: &Value| -> [String; 3] {
        ["daemon_type", "hostname", "daemon_id"]
            .map(|field| daemon[field].as_str().unwrap_or("<unknown>").to_owned())
    };
    daemons.sort_by_key(key);
    daemons
}

/// `orch host ls`: `HostSpec.to_json()` per member.
pub(crate) fn hosts(listing: &Listing) -> Vec<Value> {
    listing
        .items
        .iter()
        .map(|item| {
            json!({
                "hostname": item["hostname"],
                "addr": item["addr"],
                "labels": item["labels"],
                "status": item["status"],
            })
        })
        .collect()
}

/// `orch device ls`: `InventoryHost.to_json()` per member, its devices by path.
pub(crate) fn inventory(listing: &Listing, release: Release) -> Vec<Value> {
    let created = time::iso(listing.observed_at);
    listing
        .items
        .iter()
        .map(|item| {
            let mut devices: Vec<Value> = item["devices"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|device| {
                    let mut shown = json!({
                        "path": device["path"],
                        "sys_api": device["sys_api"],
                        "available": device["available"],
                        "rejected_reasons": device["rejected_reasons"],
                        "device_id": device["device_id"],
                        "human_readable_type": device["human_readable_type"],
                        "lvs": [],
                        "lsm_data": {},
                        "created": created,
                    });
                    for (key, value) in release.device_fields() {
                        shown[key] = value;
                    }
                    shown
                })
                .collect();
            devices.sort_by_key(|device| device["path"].as_str().unwrap_or_default().to_owned());
            json!({
                "name": item["name"],
                "addr": item["addr"],
                "devices": devices,
                "labels": [],
            })
        })
        .collect()
}

fn service_name(spec: &Value) -> String {
    spec["service_name"]
        .as_str()
        .unwrap_or("<unknown>")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyjson::dumps;

    fn listing(items: &Value) -> Listing {
        Listing {
            observed_at: 1_796_454_828.25,
            problems: Vec::new(),
            items: items.as_array().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn daemons_read_as_ceph_writes_them() {
        let items = json!([
            {"daemon_type": "osd", "daemon_id": "1", "daemon_name": "osd.1", "service_name": "osd", "hostname": "node1",
             "ip": "10.0.0.1", "ports": [], "status": 1, "status_desc": "running", "version": "18.2.7",
             "started": 1_796_454_000.0, "is_active": false, "rank": null},
            {"daemon_type": "mgr", "daemon_id": "node2", "daemon_name": "mgr.node2", "service_name": "mgr", "hostname": "node2",
             "ip": null, "ports": [], "status": -2, "status_desc": "unknown (the mgr map was not read)", "version": null,
             "started": null, "is_active": false, "rank": null},
        ]);
        let shown = daemons(&listing(&items), Release::Tentacle);
        assert_eq!(
            dumps(&Value::Array(shown)),
            r#"[{"daemon_id": "node2", "daemon_name": "mgr.node2", "daemon_type": "mgr", "hostname": "node2", "is_active": false, "last_refresh": "2026-12-05T07:13:48.250000Z", "pending_daemon_config": false, "ports": [], "service_name": "mgr", "status": -2, "status_desc": "unknown (the mgr map was not read)"}, {"daemon_id": "1", "daemon_name": "osd.1", "daemon_type": "osd", "hostname": "node1", "ip": "10.0.0.1", "is_active": false, "last_refresh": "2026-12-05T07:13:48.250000Z", "pending_daemon_config": false, "ports": [], "service_name": "osd", "started": "2026-12-05T07:00:00.000000Z", "status": 1, "status_desc": "running", "version": "18.2.7"}]"#
        );
    }

    #[test]
    fn services_carry_their_status_and_devices_their_release_fields() {
        let items = json!([
            {"spec": {"service_type": "rgw", "service_id": "foo", "placement": {"count": 2}}, "size": 2, "running": 1, "ports": [8080]},
            {"spec": {"service_type": "mgr", "service_name": "mgr"}, "size": 1, "running": 1, "ports": [], "events": ["e"]},
        ]);
        assert_eq!(
            dumps(&Value::Array(services(&listing(&items), Release::Reef))),
            r#"[{"events": ["e"], "service_name": "mgr", "service_type": "mgr", "status": {"last_refresh": "2026-12-05T07:13:48.250000Z", "running": 1, "size": 1}}, {"placement": {"count": 2}, "service_id": "foo", "service_name": "rgw.foo", "service_type": "rgw", "status": {"last_refresh": "2026-12-05T07:13:48.250000Z", "ports": [8080], "running": 1, "size": 2}}]"#
        );
        let hosts = json!([{"name": "n1", "addr": "10.0.0.1", "devices": [
            {"path": "/dev/b", "sys_api": {"size": 1}, "available": true, "rejected_reasons": [], "device_id": "b", "human_readable_type": "unknown"},
        ]}]);
        assert_eq!(
            dumps(&Value::Array(inventory(&listing(&hosts), Release::Reef))),
            r#"[{"addr": "10.0.0.1", "devices": [{"available": true, "ceph_device": null, "created": "2026-12-05T07:13:48.250000Z", "crush_device_class": null, "device_id": "b", "human_readable_type": "unknown", "lsm_data": {}, "lvs": [], "path": "/dev/b", "rejected_reasons": [], "sys_api": {"size": 1}}], "labels": [], "name": "n1"}]"#
        );
    }
}
