//! Ceph's map dumps, read into `orch-core`'s [`CephView`].
//!
//! The mgr module passes what ceph-mgr's `MgrModule.get()` returns, and the command what `ceph ... --format json` prints; both are the same C++ dumps, so one reader serves both.
//! The input is one JSON object whose keys name the parts it carries; a part that is present replaces the one held before, a missing part leaves it alone:
//!
//! | key | what | fields read |
//! |---|---|---|
//! | `mon_status` | `get('mon_status')`, which wraps the mon's JSON text as `{"json": "<text>"}`, or `ceph quorum_status` | `monmap.mons[].name` and `.rank`, `quorum` (ranks) or `quorum_names`, `election_epoch` |
//! | `mgr_map` | `get('mgr_map')` or `ceph mgr dump` | `active_name`, `active_gid`, `available`, `standbys[].name` |
//! | `fs_map` | `get('fs_map')` or `ceph fs dump` | `standbys[]` and `filesystems[].mdsmap.info.*`: `name`, `state`, `rank`, `gid`, and `mdsmap.fs_name` |
//! | `service_map` | `get('service_map')` or `ceph service dump` | `services.<name>.daemons.<key>`: `gid`, `start_stamp`, `metadata.hostname`, `metadata.ceph_version` |
//! | `osd_map` | `get('osd_map')` or `ceph osd dump` | `osds[]`: `osd`, `up`, `in`, `up_from` |
//! | `daemon_metadata` | `{"<type>": {"<id>": <metadata>}}` of every daemon, from `get_metadata()` or `ceph <type> metadata` | `hostname`, `ceph_version_short` or `ceph_version` |
//! | `osd_metadata`, `mds_metadata` | `{"<id>": <metadata>}` of every OSD or MDS, from `get('osd_metadata')` or `get('mds_metadata')` | the same; they replace the metadata of their type only |
//!
//! A part that is `null` (ceph-mgr has no such data yet) makes that part unread again.
//! A part that does not have the expected shape is an error naming the part and what was wrong, and nothing is changed.

use std::collections::BTreeMap;

use orch_core::{CephView, DaemonMetadata, MdsDaemon, MgrView, MonView, OsdState, ServiceDaemon};
use serde_json::{Map, Value};

use crate::error::BackendError;

/// Every part a map update may carry, in the order they are applied.
pub const PARTS: [&str; 8] = [
    "mon_status",
    "mgr_map",
    "fs_map",
    "service_map",
    "osd_map",
    "daemon_metadata",
    "osd_metadata",
    "mds_metadata",
];

/// The parts to read again when ceph-mgr sends the notification `notify_type`, or every part for `all`.
///
/// ceph-mgr notifies `mon_map`, `osd_map` and `fs_map` when those maps change, and `health` with every digest the mons send, every few seconds, which is when the quorum, the mgr map and the service map are read again.
/// The metadata of every daemon costs one call per daemon, so it is read with `all` and when the monmap changes, which is rare; OSD and MDS metadata come in one call each, with their maps.
pub fn parts_for(notify_type: &str) -> &'static [&'static str] {
    match notify_type {
        "all" => &PARTS[..6],
        "mon_map" => &["mon_status", "daemon_metadata"],
        "osd_map" => &["osd_map", "osd_metadata"],
        "fs_map" => &["fs_map", "mds_metadata"],
        "health" => &["mon_status", "mgr_map", "service_map"],
        _ => &[],
    }
}

/// Applies the parts in `text` to `view`; on any error, `view` is left as it was.
pub fn update(view: &mut CephView, text: &str) -> Result<(), BackendError> {
    let parts: Map<String, Value> = serde_json::from_str(text).map_err(|error| {
        BackendError::InvalidInput(format!("Ceph's maps are not a JSON object: {error}"))
    })?;
    if let Some(unknown) = parts.keys().find(|key| !PARTS.contains(&key.as_str())) {
        return Err(BackendError::InvalidInput(format!(
            "Ceph's maps have an unknown part '{unknown}'; known parts: {}",
            PARTS.join(", ")
        )));
    }
    let mut next = view.clone();
    for part in PARTS {
        let Some(value) = parts.get(part) else {
            continue;
        };
        if value.is_null() {
            forget(&mut next, part);
            continue;
        }
        let read = match part {
            "mon_status" => mons(value).map(|mons| next.mons = Some(mons)),
            "mgr_map" => mgrs(value).map(|mgrs| next.mgrs = Some(mgrs)),
            "fs_map" => mds(value).map(|mds| next.mds = Some(mds)),
            "service_map" => services(value).map(|daemons| next.service_daemons = Some(daemons)),
            "osd_map" => osds(value).map(|osds| next.osds = Some(osds)),
            "daemon_metadata" => metadata(value).map(|metadata| next.metadata = metadata),
            _ => {
                let daemon_type = part.trim_end_matches("_metadata");
                metadata(&serde_json::json!({ daemon_type: value }))
                    .map(|metadata| replace_type(&mut next.metadata, daemon_type, metadata))
            }
        };
        read.map_err(|what| {
            BackendError::InvalidInput(format!("Ceph's {part} cannot be read: {what}"))
        })?;
    }
    *view = next;
    Ok(())
}

/// Makes a part unread.
fn forget(view: &mut CephView, part: &str) {
    match part {
        "mon_status" => view.mons = None,
        "mgr_map" => view.mgrs = None,
        "fs_map" => view.mds = None,
        "service_map" => view.service_daemons = None,
        "osd_map" => view.osds = None,
        "daemon_metadata" => view.metadata.clear(),
        _ => replace_type(
            &mut view.metadata,
            part.trim_end_matches("_metadata"),
            BTreeMap::new(),
        ),
    }
}

/// Replaces the metadata of the daemons of one type.
fn replace_type(
    all: &mut BTreeMap<String, DaemonMetadata>,
    daemon_type: &str,
    of_type: BTreeMap<String, DaemonMetadata>,
) {
    let prefix = format!("{daemon_type}.");
    all.retain(|name, _| !name.starts_with(&prefix));
    all.extend(of_type);
}

/// A reason a part cannot be read.
type Reading<T> = Result<T, String>;

fn mons(value: &Value) -> Reading<MonView> {
    if let Some(text) = value.get("json").and_then(Value::as_str) {
        let inner: Value = serde_json::from_str(text)
            .map_err(|error| format!("its 'json' text is not JSON: {error}"))?;
        return mons(&inner);
    }
    let monmap = array(field(value, "monmap")?, "mons")?;
    let mut names = BTreeMap::new();
    for mon in monmap {
        names.insert(number(mon, "rank")?, text(mon, "name")?);
    }
    let quorum = match value.get("quorum_names") {
        Some(listed) => strings(listed, "quorum_names")?,
        None => array(value, "quorum")?
            .iter()
            .map(|rank| {
                rank.as_u64()
                    .and_then(|rank| names.get(&rank).cloned())
                    .ok_or_else(|| format!("quorum names no mon of the monmap: {rank}"))
            })
            .collect::<Reading<Vec<String>>>()?,
    };
    Ok(MonView {
        monmap: names.into_values().collect(),
        quorum,
        election_epoch: number(value, "election_epoch")?,
    })
}

fn mgrs(value: &Value) -> Reading<MgrView> {
    let active = text(value, "active_name")?;
    let available = value
        .get("available")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    Ok(MgrView {
        active: (available && !active.is_empty()).then_some(active),
        active_gid: number(value, "active_gid")?,
        standbys: array(value, "standbys")?
            .iter()
            .map(|standby| text(standby, "name"))
            .collect::<Reading<_>>()?,
    })
}

fn mds(value: &Value) -> Reading<Vec<MdsDaemon>> {
    let mut daemons = Vec::new();
    for standby in array(value, "standbys")? {
        daemons.push(mds_daemon(standby, None)?);
    }
    for filesystem in array(value, "filesystems")? {
        let mdsmap = field(filesystem, "mdsmap")?;
        let fs_name = text(mdsmap, "fs_name")?;
        let info = field(mdsmap, "info")?
            .as_object()
            .ok_or("mdsmap.info is not an object")?;
        for daemon in info.values() {
            daemons.push(mds_daemon(daemon, Some(&fs_name))?);
        }
    }
    Ok(daemons)
}

fn mds_daemon(value: &Value, filesystem: Option<&str>) -> Reading<MdsDaemon> {
    let rank = field(value, "rank")?
        .as_i64()
        .ok_or("an MDS rank is not a number")?;
    Ok(MdsDaemon {
        name: text(value, "name")?,
        state: text(value, "state")?,
        rank: u64::try_from(rank).ok(),
        filesystem: filesystem.map(str::to_owned),
        gid: number(value, "gid")?,
    })
}

fn services(value: &Value) -> Reading<Vec<ServiceDaemon>> {
    let services = field(value, "services")?
        .as_object()
        .ok_or("services is not an object")?;
    let mut daemons = Vec::new();
    for (service, entry) in services {
        let listed = field(entry, "daemons")?
            .as_object()
            .ok_or_else(|| format!("services.{service}.daemons is not an object"))?;
        // `summary` is a string beside the daemons, not a daemon.
        for (key, daemon) in listed.iter().filter(|(_, daemon)| daemon.is_object()) {
            let metadata = daemon.get("metadata").unwrap_or(&Value::Null);
            daemons.push(ServiceDaemon {
                service: service.clone(),
                key: key.clone(),
                hostname: metadata
                    .get("hostname")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                start_stamp: daemon
                    .get("start_stamp")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                gid: number(daemon, "gid")?,
                version: version(metadata),
            });
        }
    }
    Ok(daemons)
}

fn osds(value: &Value) -> Reading<Vec<OsdState>> {
    array(value, "osds")?
        .iter()
        .map(|osd| {
            Ok(OsdState {
                id: number(osd, "osd")?,
                up: number(osd, "up")? != 0,
                is_in: number(osd, "in")? != 0,
                up_from: number(osd, "up_from")?,
            })
        })
        .collect()
}

fn metadata(value: &Value) -> Reading<BTreeMap<String, DaemonMetadata>> {
    let types = value
        .as_object()
        .ok_or("daemon_metadata is not an object of daemon types")?;
    let mut all = BTreeMap::new();
    for (daemon_type, daemons) in types {
        let daemons = daemons.as_object().ok_or_else(|| {
            format!("daemon_metadata.{daemon_type} is not an object of daemon ids")
        })?;
        for (daemon_id, metadata) in daemons {
            all.insert(
                format!("{daemon_type}.{daemon_id}"),
                DaemonMetadata {
                    hostname: metadata
                        .get("hostname")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    version: version(metadata),
                },
            );
        }
    }
    Ok(all)
}

/// The short Ceph version of a daemon's metadata: `ceph_version_short`, else the third word of `ceph version 18.2.7 (<hash>) reef (stable)`.
fn version(metadata: &Value) -> Option<String> {
    let short = metadata
        .get("ceph_version_short")
        .and_then(Value::as_str)
        .filter(|short| !short.is_empty());
    let long = || {
        metadata
            .get("ceph_version")
            .and_then(Value::as_str)
            .and_then(|long| long.split_whitespace().nth(2))
    };
    short.or_else(long).map(str::to_owned)
}

fn field<'v>(value: &'v Value, key: &str) -> Reading<&'v Value> {
    value.get(key).ok_or_else(|| format!("'{key}' is missing"))
}

fn array<'v>(value: &'v Value, key: &str) -> Reading<&'v Vec<Value>> {
    field(value, key)?
        .as_array()
        .ok_or_else(|| format!("'{key}' is not a list"))
}

fn text(value: &Value, key: &str) -> Reading<String> {
    field(value, key)?
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("'{key}' is not a string"))
}

fn number(value: &Value, key: &str) -> Reading<u64> {
    field(value, key)?
        .as_u64()
        .ok_or_else(|| format!("'{key}' is not a whole number"))
}

fn strings(value: &Value, what: &str) -> Reading<Vec<String>> {
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .ok_or_else(|| format!("'{what}' is not a list of strings"))
}
