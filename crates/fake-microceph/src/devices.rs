//! Block devices as LXD's `api.ResourcesStorageDisk` describes them, which `GET /1.0/resources` returns.
//!
//! Field names, order and `omitempty` rules follow LXD's `shared/api/resource.go`, so a client decoding real LXD output decodes these too.
//! [`standard_devices`] is the set every generated member gets: one OSD disk and two free disks.

use serde::Serialize;

/// One block device of a member (LXD `ResourcesStorageDisk`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockDevice {
    /// Kernel name, such as `sdb`.
    pub id: String,
    /// Major and minor numbers, such as `8:16`.
    pub device: String,
    /// Model name; omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub model: String,
    /// Bus type, such as `scsi`, `nvme` or `virtio`; omitted from JSON when empty.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Whether the device is read-only.
    pub read_only: bool,
    /// Whether the device is mounted.
    pub mounted: bool,
    /// Size in bytes.
    pub size: u64,
    /// Whether the device is removable.
    pub removable: bool,
    /// World wide name; omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub wwn: String,
    /// NUMA node.
    pub numa_node: u64,
    /// The `/dev/disk/by-path/` name without that prefix.
    pub device_path: String,
    /// Block size in bytes.
    pub block_size: u64,
    /// Firmware version; omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub firmware_version: String,
    /// Rotation speed; 0 for solid-state devices.
    pub rpm: u64,
    /// Serial number; omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub serial: String,
    /// The `/dev/disk/by-id/` name without that prefix.
    pub device_id: String,
    /// Partitions, `[]` when there are none.
    pub partitions: Vec<Partition>,
    /// PCI address; omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pci_address: String,
    /// USB address; omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub usb_address: String,
    /// Filesystem UUID, `""` when there is no filesystem.
    pub device_fs_uuid: String,
    /// The parent device type that uses the device, such as `bcache` (LXD's `UsedBy` string); omitted from JSON when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub used_by: String,
}

impl Default for BlockDevice {
    fn default() -> Self {
        Self {
            id: String::new(),
            device: String::new(),
            model: String::new(),
            kind: String::new(),
            read_only: false,
            mounted: false,
            size: 0,
            removable: false,
            wwn: String::new(),
            numa_node: 0,
            device_path: String::new(),
            block_size: 512,
            firmware_version: String::new(),
            rpm: 0,
            serial: String::new(),
            device_id: String::new(),
            partitions: Vec::new(),
            pci_address: String::new(),
            usb_address: String::new(),
            device_fs_uuid: String::new(),
            used_by: String::new(),
        }
    }
}

/// One partition of a block device (LXD `ResourcesStorageDiskPartition`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Partition {
    /// Kernel name, such as `sdb1`.
    pub id: String,
    /// Major and minor numbers, such as `8:17`.
    pub device: String,
    /// Whether the partition is read-only.
    pub read_only: bool,
    /// Size in bytes.
    pub size: u64,
    /// Partition number.
    pub partition: u64,
    /// Whether the partition is mounted.
    pub mounted: bool,
    /// Filesystem UUID, `""` when there is none.
    pub device_fs_uuid: String,
}

/// One gibibyte in bytes.
pub const GIB: u64 = 1024 * 1024 * 1024;

/// The three block devices of a generated member: its OSD disk `sdb` and the free disks `sdc` (a spinning disk) and `sdd` (a solid-state disk).
///
/// `index` is the member's 1-based position; it keeps serial numbers and WWNs unique across members.
pub fn standard_devices(member: &str, index: usize) -> Vec<BlockDevice> {
    vec![
        BlockDevice {
            id: "sdb".to_owned(),
            device: "8:16".to_owned(),
            model: "QEMU HARDDISK".to_owned(),
            kind: "scsi".to_owned(),
            size: 10 * GIB,
            device_path: "pci-0000:00:05.0-scsi-0:0:0:1".to_owned(),
            firmware_version: "2.5+".to_owned(),
            serial: format!("{member}-sdb"),
            device_id: osd_device_id(member),
            ..BlockDevice::default()
        },
        BlockDevice {
            id: "sdc".to_owned(),
            device: "8:32".to_owned(),
            model: "ST20000NM007D".to_owned(),
            kind: "scsi".to_owned(),
            size: 20 * GIB,
            wwn: format!("0x5000c500{index:08x}"),
            device_path: "pci-0000:00:05.0-scsi-0:0:0:2".to_owned(),
            block_size: 4096,
            firmware_version: "SN04".to_owned(),
            rpm: 7200,
            serial: format!("ZVT{index:05}C"),
            device_id: format!("wwn-0x5000c500{index:08x}"),
            ..BlockDevice::default()
        },
        BlockDevice {
            id: "sdd".to_owned(),
            device: "8:48".to_owned(),
            model: "Samsung SSD 870 EVO".to_owned(),
            kind: "scsi".to_owned(),
            size: 8 * GIB,
            device_path: "pci-0000:00:05.0-scsi-0:0:0:3".to_owned(),
            firmware_version: "SVT02B6Q".to_owned(),
            serial: format!("S6PNNS0T{index:06}"),
            device_id: format!("ata-Samsung_SSD_870_EVO_S6PNNS0T{index:06}"),
            ..BlockDevice::default()
        },
    ]
}

/// The `/dev/disk/by-id/` name of a generated member's OSD disk.
pub fn osd_device_id(member: &str) -> String {
    format!("scsi-0QEMU_QEMU_HARDDISK_{member}-sdb")
}
