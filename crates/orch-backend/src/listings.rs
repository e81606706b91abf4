//! Ceph's four listings (`orch host ls`, `orch ls`, `orch ps`, `orch device ls`) as plain JSON for the shim.
//!
//! Each listing reads the cached observation (see `cache.rs`), projects it with `orch-core`'s listings, applies Ceph's filters and returns
//! `{"observed_at": <unix seconds>, "problems": [<text>...], "items": [...]}`; the shim maps each item onto one of Ceph's classes field by field.
//! `observed_at` is when the data the listing shows was read: the placement for `orch ls` and `orch ps`, the members and their devices for `orch host ls` and `orch device ls`.
//! Services with a stored spec show that spec as the operator applied it, with certificate and key material replaced by a placeholder (see `secrets.rs`); the others get a spec built from where they run.
//! Whether a daemon runs, its version and when it started come from Ceph's maps (see `orch_core::liveness`), which the caller passes.

use orch_core::CephView;
use orch_core::listing::{self, DaemonSummary, ServiceSummary};
use serde_json::{Value, json};

use crate::cache::{Snapshot, snapshot, unix_secs};
use crate::ceph_time;
use crate::config::Config;
use crate::error::BackendError;
use crate::events;
use crate::secrets::redacted_spec;
use crate::spec_json::{ParsedSpec, stored_specs};

/// Ceph's filters of `orch ps`; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct DaemonFilter {
    /// Only daemons of this service.
    pub service_name: Option<String>,
    /// Only daemons of this type.
    pub daemon_type: Option<String>,
    /// Only the daemon with this id.
    pub daemon_id: Option<String>,
    /// Only daemons on this host.
    pub host: Option<String>,
}

/// `orch host ls`: `{hostname, addr, status, labels}` per member.
pub fn hosts(config: &Config, refresh: bool) -> Result<String, BackendError> {
    let snapshot = snapshot(config, refresh)?;
    let items: Vec<Value> = listing::hosts(&snapshot.observation.state)
        .into_iter()
        .map(|host| {
            json!({
                "hostname": host.hostname,
                "addr": host.addr,
                "status": host.status,
                "labels": [],
            })
        })
        .collect();
    Ok(envelope(&snapshot, snapshot.observed_at, &items))
}

/// `orch ls`: `{spec, size, running, ports}` per service, filtered by type and name as Ceph asks.
pub fn services(
    config: &Config,
    stored_json: &str,
    service_type: Option<&str>,
    service_name: Option<&str>,
    refresh: bool,
    ceph: &CephView,
) -> Result<String, BackendError> {
    let stored = stored_specs(stored_json)?;
    let snapshot = snapshot(config, refresh)?;
    let specs: Vec<_> = stored.iter().map(|parsed| parsed.spec.clone()).collect();
    let state = &snapshot.observation.state;
    let daemons = listing::daemons(state, &specs, ceph);
    let items: Vec<Value> = listing::services(state, &specs, ceph)
        .into_iter()
        .filter(|summary| service_type.is_none_or(|wanted| summary.service_type.as_str() == wanted))
        .filter(|summary| service_name.is_none_or(|wanted| summary.service_name == wanted))
        .map(|summary| {
            json!({
                "spec": service_spec(&summary, &stored, &daemons),
                "size": summary.size,
                "running": summary.running,
                "ports": summary.ports,
                "events": events::of(config, &summary.service_name),
            })
        })
        .collect();
    Ok(envelope(&snapshot, snapshot.placement_at, &items))
}

/// `orch ps`: one item per daemon with Ceph's `DaemonDescription` fields, filtered as Ceph asks.
pub fn daemons(
    config: &Config,
    stored_json: &str,
    filter: &DaemonFilter,
    refresh: bool,
    ceph: &CephView,
) -> Result<String, BackendError> {
    let stored = stored_specs(stored_json)?;
    let snapshot = snapshot(config, refresh)?;
    let specs: Vec<_> = stored.into_iter().map(|parsed| parsed.spec).collect();
    let state = &snapshot.observation.state;
    let matches =
        |wanted: &Option<String>, actual: &str| wanted.as_deref().is_none_or(|w| w == actual);
    let items: Vec<Value> = listing::daemons(state, &specs, ceph)
        .into_iter()
        .filter(|daemon| matches(&filter.service_name, &daemon.service_name))
        .filter(|daemon| matches(&filter.daemon_type, daemon.daemon_type.as_str()))
        .filter(|daemon| matches(&filter.daemon_id, &daemon.daemon_id))
        .filter(|daemon| matches(&filter.host, &daemon.hostname))
        .map(|daemon| daemon_item(&daemon))
        .collect();
    Ok(envelope(&snapshot, snapshot.placement_at, &items))
}

/// `orch device ls`: `{name, addr, devices}` per member, optionally only the given hosts.
///
/// MicroCeph has no host labels, so a label filter matches no host.
/// Every device has a boolean `available`, a `sys_api` with `size` (and `rotational` and `model` when known), its rejection reasons and its by-id name.
pub fn inventory(
    config: &Config,
    hosts: Option<&[String]>,
    labels: Option<&[String]>,
    refresh: bool,
) -> Result<String, BackendError> {
    let snapshot = snapshot(config, refresh)?;
    let any_label = labels.is_some_and(|labels| !labels.is_empty());
    let items: Vec<Value> = listing::inventory(&snapshot.observation.state)
        .into_iter()
        .filter(|_| !any_label)
        .filter(|host| {
            hosts.is_none_or(|wanted| wanted.is_empty() || wanted.contains(&host.hostname))
        })
        .map(|host| {
            let devices: Vec<Value> = host
                .devices
                .iter()
                .map(|device| {
                    let mut sys_api = json!({"size": device.size, "model": device.model});
                    match device.device_type {
                        listing::DeviceType::Hdd => sys_api["rotational"] = json!("1"),
                        listing::DeviceType::Ssd => sys_api["rotational"] = json!("0"),
                        listing::DeviceType::Unknown => {}
                    }
                    json!({
                        "path": device.path,
                        "sys_api": sys_api,
                        "available": device.available,
                        "rejected_reasons": device.rejected_reasons,
                        "device_id": device.device_id,
                        "human_readable_type": device.device_type.as_str(),
                    })
                })
                .collect();
            json!({"name": host.hostname, "addr": host.addr, "devices": devices})
        })
        .collect();
    Ok(envelope(&snapshot, snapshot.observed_at, &items))
}

/// The listing envelope: when the data was observed, what could not be, and the items.
fn envelope(snapshot: &Snapshot, observed_at: std::time::SystemTime, items: &[Value]) -> String {
    let problems = snapshot.problem_texts();
    json!({
        "observed_at": unix_secs(observed_at),
        "problems": problems,
        "items": items,
    })
    .to_string()
}

/// The spec `orch ls` shows: the stored one as applied, else one built from where the service runs.
fn service_spec(
    summary: &ServiceSummary,
    stored: &[ParsedSpec],
    daemons: &[DaemonSummary],
) -> Value {
    if let Some(parsed) = stored
        .iter()
        .find(|parsed| parsed.spec.service_name() == summary.service_name)
    {
        return redacted_spec(&parsed.stored_form);
    }
    let mut hosts: Vec<&str> = daemons
        .iter()
        .filter(|daemon| daemon.service_name == summary.service_name)
        .map(|daemon| daemon.hostname.as_str())
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    let mut spec = json!({
        "service_type": summary.service_type.as_str(),
        "service_name": summary.service_name,
    });
    if let Some(service_id) = &summary.service_id {
        spec["service_id"] = json!(service_id);
    }
    if !hosts.is_empty() {
        spec["placement"] = json!({"hosts": hosts});
    }
    if summary.unmanaged {
        spec["unmanaged"] = json!(true);
    }
    spec
}

/// One daemon as Ceph's `DaemonDescription` fields; `started` in seconds since the Unix epoch.
fn daemon_item(daemon: &DaemonSummary) -> Value {
    let liveness = &daemon.liveness;
    json!({
        "daemon_type": daemon.daemon_type.as_str(),
        "daemon_id": daemon.daemon_id,
        "daemon_name": daemon.daemon_name(),
        "service_name": daemon.service_name,
        "hostname": daemon.hostname,
        "ip": daemon.ip,
        "ports": daemon.ports,
        "status": liveness.status.ceph_value(),
        "status_desc": liveness.description(),
        "version": liveness.version,
        "started": liveness.started.as_deref().and_then(ceph_time::unix_secs),
        "is_active": liveness.is_active,
        "rank": liveness.rank,
    })
}
