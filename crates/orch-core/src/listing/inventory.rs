//! The device inventory (`orch device ls`), with MicroCeph's own rules for which disks are free.
//!
//! MicroCeph's `disk list` offers a disk only if it is not read-only, has no partitions, is at least 2 GiB, is not mounted, and its stable path is not already an OSD on that member.
//! A device matches an OSD when any of its paths (`/dev/<id>`, by-id, by-path) is the path MicroCeph recorded, which also catches OSDs added by kernel name.
//! OSDs whose device was not inventoried are still listed, with an unknown type, as not available.
//! MicroCeph also hides devices used as an OSD's WAL or DB; those are not observed here, so they show as available.

use std::collections::BTreeMap;

use super::{Device, DeviceType, HostInventory};
use crate::index::Index;
use crate::state::{BlockDevice, ObservedState};

/// The smallest disk MicroCeph offers for an OSD: 2 GiB.
const MIN_SIZE: u64 = 2 * 1024 * 1024 * 1024;

/// The devices of every member, in member order.
pub fn inventory(observed: &ObservedState) -> Vec<HostInventory> {
    let index = Index::new(observed);
    index
        .members()
        .map(|member| {
            let osds: BTreeMap<&str, u64> = index
                .osds()
                .filter(|disk| disk.member == member.name)
                .map(|disk| (disk.path.as_str(), disk.osd))
                .collect();
            let mut matched: Vec<u64> = Vec::new();
            let mut devices: Vec<Device> = observed
                .block_devices
                .get(&member.name)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|block| {
                    let osd = block
                        .known_paths()
                        .iter()
                        .find_map(|path| osds.get(path.as_str()).copied());
                    matched.extend(osd);
                    device(block, osd)
                })
                .collect();
            devices.extend(osds.iter().filter(|(_, osd)| !matched.contains(osd)).map(
                |(path, osd)| Device {
                    path: (*path).to_owned(),
                    device_type: DeviceType::Unknown,
                    size: 0,
                    device_id: String::new(),
                    model: String::new(),
                    available: false,
                    rejected_reasons: vec![used_by(*osd)],
                },
            ));
            devices.sort_by(|left, right| left.path.cmp(&right.path));
            devices.dedup_by(|left, right| left.path == right.path);
            HostInventory {
                hostname: member.name.clone(),
                addr: member.ip().to_owned(),
                devices,
            }
        })
        .collect()
}

fn device(block: &BlockDevice, osd: Option<u64>) -> Device {
    let mut reasons = Vec::new();
    if let Some(osd) = osd {
        reasons.push(used_by(osd));
    }
    if block.partitions > 0 {
        reasons.push("Has partitions".to_owned());
    }
    if block.size < MIN_SIZE {
        reasons.push("Insufficient space (<2 GiB)".to_owned());
    }
    if block.read_only {
        reasons.push("Read-only".to_owned());
    }
    if block.mounted {
        reasons.push("Mounted".to_owned());
    }
    Device {
        path: block.stable_path(),
        device_type: if block.rpm > 0 {
            DeviceType::Hdd
        } else {
            DeviceType::Ssd
        },
        size: block.size,
        device_id: block.device_id.clone(),
        model: block.model.clone(),
        available: reasons.is_empty(),
        rejected_reasons: reasons,
    }
}

fn used_by(osd: u64) -> String {
    format!("Used by OSD osd.{osd}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(block: &BlockDevice, osd: Option<u64>, expected: &[&str]) {
        let device = device(block, osd);
        assert_eq!(device.rejected_reasons, expected, "device {block:?}");
        assert_eq!(device.available, expected.is_empty());
    }

    fn disk() -> BlockDevice {
        BlockDevice {
            id: "sdb".into(),
            size: MIN_SIZE,
            ..BlockDevice::default()
        }
    }

    #[test]
    fn applies_microceph_availability_rules() {
        check(&disk(), None, &[]);
        check(&disk(), Some(3), &["Used by OSD osd.3"]);
        check(
            &BlockDevice {
                partitions: 2,
                ..disk()
            },
            None,
            &["Has partitions"],
        );
        check(
            &BlockDevice {
                size: MIN_SIZE - 1,
                ..disk()
            },
            None,
            &["Insufficient space (<2 GiB)"],
        );
        check(
            &BlockDevice {
                read_only: true,
                ..disk()
            },
            None,
            &["Read-only"],
        );
        check(
            &BlockDevice {
                mounted: true,
                ..disk()
            },
            None,
            &["Mounted"],
        );
        check(
            &BlockDevice {
                read_only: true,
                mounted: true,
                partitions: 1,
                size: 0,
                ..disk()
            },
            Some(1),
            &[
                "Used by OSD osd.1",
                "Has partitions",
                "Insufficient space (<2 GiB)",
                "Read-only",
                "Mounted",
            ],
        );
    }

    #[test]
    fn types_devices_by_rotation() {
        assert_eq!(
            device(
                &BlockDevice {
                    rpm: 7200,
                    ..disk()
                },
                None
            )
            .device_type,
            DeviceType::Hdd
        );
        assert_eq!(device(&disk(), None).device_type, DeviceType::Ssd);
    }
}
