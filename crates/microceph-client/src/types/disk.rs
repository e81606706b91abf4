//! OSD disks (`GET /1.0/disks`) and a host's block devices (`GET /1.0/resources`), `microceph-api.md` §4.10 and §4.11.

use serde::{Deserialize, Serialize};

/// One OSD disk recorded in the cluster database.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OsdDisk {
    /// The OSD id, for example `1` for `osd.1`.
    pub osd: i64,
    /// The device path as recorded, usually `/dev/disk/by-id/…`; a loop OSD has its loop file or device path.
    pub path: String,
    /// The member name of the host that owns the disk.
    pub location: String,
}

/// All block devices of one host, as LXD's `ResourcesStorage` reports them.
///
/// This list is not filtered: free-disk selection (not read-only, no partitions, large enough, not mounted, not already an OSD) is the caller's job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct Resources {
    /// The block devices.
    #[serde(deserialize_with = "super::null_as_empty")]
    pub disks: Vec<BlockDevice>,
    /// LXD's count for this list.
    pub total: u64,
}

/// One block device (LXD's `ResourcesStorageDisk`); every field defaults when LXD omits it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct BlockDevice {
    /// The kernel name, for example `sdb` or `nvme0n1`.
    pub id: String,
    /// The device number, for example `8:16`.
    pub device: String,
    /// The model name.
    pub model: String,
    /// The storage type, for example `scsi`, `nvme` or `virtio` (LXD's `type`).
    #[serde(rename = "type")]
    pub device_type: String,
    /// Whether the device is read-only.
    pub read_only: bool,
    /// Whether the device is mounted (recent LXD only).
    pub mounted: bool,
    /// The size in bytes.
    pub size: u64,
    /// Whether the device is removable.
    pub removable: bool,
    /// The WWN identifier.
    pub wwn: String,
    /// The NUMA node.
    pub numa_node: u64,
    /// The `/dev/disk/by-path/` name, without that prefix.
    pub device_path: String,
    /// The block size in bytes.
    pub block_size: u64,
    /// The firmware version.
    pub firmware_version: String,
    /// The rotation speed; `0` for solid-state devices.
    pub rpm: u64,
    /// The serial number.
    pub serial: String,
    /// The `/dev/disk/by-id/` name, without that prefix.
    pub device_id: String,
    /// The partitions on the device.
    #[serde(deserialize_with = "super::null_as_empty")]
    pub partitions: Vec<DiskPartition>,
    /// The PCI address.
    pub pci_address: String,
    /// The USB address.
    pub usb_address: String,
    /// The UUID of a filesystem directly on the device.
    pub device_fs_uuid: String,
    /// The parent device type, for example `bcache`.
    pub used_by: String,
}

/// One partition of a [`BlockDevice`] (LXD's `ResourcesStorageDiskPartition`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct DiskPartition {
    /// The kernel name, for example `nvme0n1p1`.
    pub id: String,
    /// The device number, for example `259:1`.
    pub device: String,
    /// Whether the partition is read-only.
    pub read_only: bool,
    /// The size in bytes.
    pub size: u64,
    /// The partition number.
    pub partition: u64,
    /// Whether the partition is mounted.
    pub mounted: bool,
    /// The UUID of the filesystem on the partition.
    pub device_fs_uuid: String,
}

impl BlockDevice {
    /// The stable path MicroCeph records for this device: `/dev/disk/by-id/<device_id>`, else `/dev/disk/by-path/<device_path>`, else `/dev/<id>`.
    ///
    /// The rule lives in `orch-core`, which decides device availability with it; this is the same answer for a listing's device.
    pub fn stable_path(&self) -> String {
        crate::convert::block_device(self).stable_path()
    }
}

#[cfg(test)]
mod tests {
    use super::Resources;

    #[test]
    fn sparse_and_null_fields_decode_with_defaults() {
        let resources: Resources = serde_json::from_str(
            r#"{"disks":[{"id":"vdb","device":"252:16","size":1,"partitions":null}],"total":1}"#,
        )
        .unwrap();
        assert_eq!(resources.disks[0].id, "vdb");
        assert!(resources.disks[0].partitions.is_empty());
        let empty: Resources = serde_json::from_str(r#"{"disks":null,"total":0}"#).unwrap();
        assert!(empty.disks.is_empty());
    }
}
