//! The cluster description file, version 1: reading it into a [`Cluster`] and writing a [`Cluster`] back.
//!
//! The crate's README documents the format; `examples/clusters/` has sample files.
//! Reading is strict: unknown fields, wrong types and unknown names are errors that name the field's path.
//! Omitted fields get the defaults the README lists, so a block device can be as short as `{"id": "sdb", "size": 10737418240}`.
//! `GET /fake/1.0/state` answers in this format and `PUT /fake/1.0/state` reads it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::cluster::{
    Cluster, ClusterError, Disk, Member, MemberRole, MemberStatus, NfsGroup, NfsMember, ServiceName,
};
use crate::devices::{BlockDevice, Partition};
use crate::envelope::{Escaping, to_go_json};
use crate::json_fields::{Fields, index_path, parse_choice};

/// The only cluster description format version this crate reads and writes.
pub const CLUSTER_FILE_VERSION: u64 = 1;

/// How a cluster is written out: the version first, then the model.
#[derive(Serialize)]
pub(crate) struct ClusterFile<'a> {
    version: u64,
    local_member: &'a str,
    members: &'a [Member],
    nfs_groups: &'a [NfsGroup],
}

impl<'a> ClusterFile<'a> {
    /// Wraps a cluster for writing.
    pub(crate) fn new(cluster: &'a Cluster) -> Self {
        Self {
            version: CLUSTER_FILE_VERSION,
            local_member: &cluster.local_member,
            members: &cluster.members,
            nfs_groups: &cluster.nfs_groups,
        }
    }
}

impl Cluster {
    /// Reads and validates a cluster description from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ClusterError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|error| ClusterError::new(format!("invalid JSON: {error}")))?;
        Self::from_value(&value)
    }

    /// Reads and validates a cluster description file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ClusterError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|error| {
            ClusterError::new(format!("cannot read {}: {error}", path.display()))
        })?;
        Self::from_json(&text)
            .map_err(|error| ClusterError::new(format!("{}: {error}", path.display())))
    }

    /// Writes the cluster as a pretty-printed cluster description.
    pub fn to_json_pretty(&self) -> String {
        let mut text =
            serde_json::to_string_pretty(&ClusterFile::new(self)).expect("plain data serialises");
        text.push('\n');
        text
    }

    /// Writes the cluster as compact cluster description JSON, as `GET /fake/1.0/state` does.
    pub fn to_json(&self) -> String {
        to_go_json(&ClusterFile::new(self), Escaping::Success)
    }

    /// Reads and validates a cluster description from a parsed JSON value.
    pub(crate) fn from_value(value: &Value) -> Result<Self, ClusterError> {
        let cluster = read_cluster(value).map_err(ClusterError::new)?;
        cluster.validate()?;
        Ok(cluster)
    }
}

fn read_cluster(value: &Value) -> Result<Cluster, String> {
    let mut fields = Fields::new(value, "")?;
    match fields.u64("version")? {
        Some(CLUSTER_FILE_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "version: unsupported cluster file version {other}; this fake-microceph reads version {CLUSTER_FILE_VERSION}"
            ));
        }
        None => return Err(fields.missing("version")),
    }
    let items = fields
        .array("members")?
        .ok_or_else(|| fields.missing("members"))?;
    let members = items
        .iter()
        .enumerate()
        .map(|(index, item)| read_member(item, &index_path("members", index)))
        .collect::<Result<Vec<_>, _>>()?;
    let local_member = match fields.string("local_member")? {
        Some(name) => name,
        None => members
            .first()
            .map(|member| member.name.clone())
            .unwrap_or_default(),
    };
    let nfs_groups = fields
        .array("nfs_groups")?
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(index, item)| read_nfs_group(item, &index_path("nfs_groups", index)))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    fields.finish()?;
    Ok(Cluster {
        local_member,
        members,
        nfs_groups,
    })
}

fn read_member(value: &Value, path: &str) -> Result<Member, String> {
    let mut fields = Fields::new(value, path)?;
    let name = fields.required_string("name")?;
    let address = fields.required_string("address")?;
    let status = fields
        .choice("status", &MemberStatus::ALL)?
        .unwrap_or(MemberStatus::Online);
    let role = fields
        .choice("role", &MemberRole::ALL)?
        .unwrap_or(MemberRole::Voter);
    let services = read_services(&mut fields, "services")?;
    let disks = read_list(&mut fields, "disks", read_disk)?;
    let block_devices = read_list(&mut fields, "block_devices", read_block_device)?;
    let failing_services = read_services(&mut fields, "failing_services")?;
    let restarts = read_restarts(&mut fields)?;
    fields.finish()?;
    Ok(Member {
        name,
        address,
        status,
        role,
        services,
        disks,
        block_devices,
        failing_services,
        restarts,
    })
}

fn read_services(
    fields: &mut Fields<'_>,
    key: &'static str,
) -> Result<BTreeSet<ServiceName>, String> {
    let path = fields.path_of(key);
    let names = fields.strings(key)?.unwrap_or_default();
    names
        .iter()
        .enumerate()
        .map(|(index, name)| parse_choice(&index_path(&path, index), name, &ServiceName::ALL))
        .collect()
}

fn read_restarts(fields: &mut Fields<'_>) -> Result<BTreeMap<String, u64>, String> {
    let path = fields.path_of("restarts");
    let Some(value) = fields.value("restarts") else {
        return Ok(BTreeMap::new());
    };
    let Value::Object(map) = value else {
        return Err(format!("{path}: expected an object of restart counts"));
    };
    map.iter()
        .map(|(service, count)| {
            count
                .as_u64()
                .map(|count| (service.clone(), count))
                .ok_or_else(|| format!("{path}.{service}: expected a non-negative integer"))
        })
        .collect()
}

fn read_list<T>(
    fields: &mut Fields<'_>,
    key: &'static str,
    read: fn(&Value, &str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let path = fields.path_of(key);
    let Some(items) = fields.array(key)? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| read(item, &index_path(&path, index)))
        .collect()
}

fn read_disk(value: &Value, path: &str) -> Result<Disk, String> {
    let mut fields = Fields::new(value, path)?;
    let osd = fields.u64("osd")?.ok_or_else(|| fields.missing("osd"))?;
    let disk_path = fields.required_string("path")?;
    fields.finish()?;
    Ok(Disk {
        osd,
        path: disk_path,
    })
}

pub(crate) fn read_block_device(value: &Value, path: &str) -> Result<BlockDevice, String> {
    let mut fields = Fields::new(value, path)?;
    let defaults = BlockDevice::default();
    let device = BlockDevice {
        id: fields.required_string("id")?,
        device: fields.string("device")?.unwrap_or(defaults.device),
        model: fields.string("model")?.unwrap_or(defaults.model),
        kind: fields.string("type")?.unwrap_or(defaults.kind),
        read_only: fields.bool("read_only")?.unwrap_or(defaults.read_only),
        mounted: fields.bool("mounted")?.unwrap_or(defaults.mounted),
        size: fields.u64("size")?.unwrap_or(defaults.size),
        removable: fields.bool("removable")?.unwrap_or(defaults.removable),
        wwn: fields.string("wwn")?.unwrap_or(defaults.wwn),
        numa_node: fields.u64("numa_node")?.unwrap_or(defaults.numa_node),
        device_path: fields
            .string("device_path")?
            .unwrap_or(defaults.device_path),
        block_size: fields.u64("block_size")?.unwrap_or(defaults.block_size),
        firmware_version: fields
            .string("firmware_version")?
            .unwrap_or(defaults.firmware_version),
        rpm: fields.u64("rpm")?.unwrap_or(defaults.rpm),
        serial: fields.string("serial")?.unwrap_or(defaults.serial),
        device_id: fields.string("device_id")?.unwrap_or(defaults.device_id),
        partitions: read_list(&mut fields, "partitions", read_partition)?,
        pci_address: fields
            .string("pci_address")?
            .unwrap_or(defaults.pci_address),
        usb_address: fields
            .string("usb_address")?
            .unwrap_or(defaults.usb_address),
        device_fs_uuid: fields
            .string("device_fs_uuid")?
            .unwrap_or(defaults.device_fs_uuid),
        used_by: fields.string("used_by")?.unwrap_or(defaults.used_by),
    };
    fields.finish()?;
    Ok(device)
}

fn read_partition(value: &Value, path: &str) -> Result<Partition, String> {
    let mut fields = Fields::new(value, path)?;
    let partition = Partition {
        id: fields.required_string("id")?,
        device: fields.string("device")?.unwrap_or_default(),
        read_only: fields.bool("read_only")?.unwrap_or_default(),
        size: fields.u64("size")?.unwrap_or_default(),
        partition: fields.u64("partition")?.unwrap_or_default(),
        mounted: fields.bool("mounted")?.unwrap_or_default(),
        device_fs_uuid: fields.string("device_fs_uuid")?.unwrap_or_default(),
    };
    fields.finish()?;
    Ok(partition)
}

fn read_nfs_group(value: &Value, path: &str) -> Result<NfsGroup, String> {
    let mut fields = Fields::new(value, path)?;
    let cluster_id = fields.required_string("cluster_id")?;
    let v4_min_version = fields.u64("v4_min_version")?.unwrap_or(0);
    let members = read_list(&mut fields, "members", read_nfs_member)?;
    fields.finish()?;
    Ok(NfsGroup {
        cluster_id,
        v4_min_version,
        members,
    })
}

fn read_nfs_member(value: &Value, path: &str) -> Result<NfsMember, String> {
    let mut fields = Fields::new(value, path)?;
    let member = fields.required_string("member")?;
    let bind_address = fields
        .string("bind_address")?
        .unwrap_or_else(|| "0.0.0.0".to_owned());
    let bind_port = fields.u64("bind_port")?.unwrap_or(2049);
    fields.finish()?;
    Ok(NfsMember {
        member,
        bind_address,
        bind_port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_error(text: &str, expected: &str) {
        assert_eq!(Cluster::from_json(text).unwrap_err().to_string(), expected);
    }

    const MEMBER: &str = r#"{"name": "node1", "address": "10.0.0.1:7443"}"#;

    #[test]
    fn round_trips_through_the_file_format() {
        let cluster = Cluster::generate(4);
        assert_eq!(
            Cluster::from_json(&cluster.to_json_pretty()).unwrap(),
            cluster
        );
        assert_eq!(Cluster::from_json(&cluster.to_json()).unwrap(), cluster);
    }

    #[test]
    fn omitted_fields_get_defaults() {
        let cluster =
            Cluster::from_json(&format!(r#"{{"version": 1, "members": [{MEMBER}]}}"#)).unwrap();
        let member = &cluster.members[0];
        assert_eq!(cluster.local_member, "node1");
        assert_eq!(
            (member.status, member.role),
            (MemberStatus::Online, MemberRole::Voter)
        );
        assert!(member.services.is_empty() && member.block_devices.is_empty());
    }

    #[test]
    fn errors_name_the_problem() {
        check_error(
            r#"{"version": 2, "members": []}"#,
            "version: unsupported cluster file version 2; this fake-microceph reads version 1",
        );
        check_error(r#"{"members": []}"#, "version: missing required field");
        check_error(
            r#"{"version": 1, "members": []}"#,
            "members: a cluster needs at least one member",
        );
        check_error(
            &format!(r#"{{"version": 1, "members": [{MEMBER}, {MEMBER}]}}"#),
            r#"duplicate member name "node1""#,
        );
        check_error(
            r#"{"version": 1, "members": [{"name": "n", "address": "10.0.0.1:1", "status": "DOWN"}]}"#,
            r#"members[0].status: expected one of ONLINE, UNREACHABLE, UPGRADING, NEEDS UPGRADE, found "DOWN""#,
        );
        check_error(
            r#"{"version": 1, "members": [{"name": "n", "address": "10.0.0.1:1", "services": ["mon", "osd"]}]}"#,
            r#"members[0].services[1]: expected one of mon, mgr, mds, nfs, rgw, rbd-mirror, cephfs-mirror, found "osd""#,
        );
        check_error(
            r#"{"version": 1, "members": [{"name": "a", "address": "10.0.0.1:1", "disks": [{"osd": 1, "path": "/x"}]},
                {"name": "b", "address": "10.0.0.2:1", "disks": [{"osd": 1, "path": "/y"}]}]}"#,
            "duplicate osd id 1 (on a and b)",
        );
        check_error(
            &format!(
                r#"{{"version": 1, "members": [{MEMBER}], "nfs_groups": [{{"cluster_id": "foo", "members": [{{"member": "node9"}}]}}]}}"#
            ),
            r#"nfs group "foo": unknown member "node9""#,
        );
        check_error(
            &format!(r#"{{"version": 1, "members": [{MEMBER}], "extra": true}}"#),
            "extra: unknown field (expected one of version, members, local_member, nfs_groups)",
        );
    }
}
