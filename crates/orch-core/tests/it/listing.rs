//! Snapshots of the listing projections for every shape, rendered as tables like Ceph's plain output.

use std::fmt::Write;

use orch_core::listing;

use crate::shapes::{self, alive};

#[test]
fn services_on_every_shape() {
    for shape in shapes::all() {
        let mut text =
            String::from("NAME | TYPE | ID | RUNNING/SIZE | PLACEMENT | UNMANAGED | PORTS\n");
        for service in listing::services(&shape.observed, &shape.stored, &alive(&shape.observed)) {
            writeln!(
                text,
                "{} | {} | {} | {}/{} | {} | {} | {:?}",
                service.service_name,
                service.service_type,
                service.service_id.as_deref().unwrap_or("-"),
                service.running,
                service.size,
                service.placement,
                service.unmanaged,
                service.ports
            )
            .unwrap();
        }
        insta::assert_snapshot!(format!("services__{}", shape.name), text);
    }
}

#[test]
fn daemons_on_every_shape() {
    for shape in shapes::all() {
        let mut text = String::from("NAME | SERVICE | HOST | IP | PORTS | STATUS\n");
        for daemon in listing::daemons(&shape.observed, &shape.stored, &alive(&shape.observed)) {
            let status = daemon.liveness.description();
            writeln!(
                text,
                "{} | {} | {} | {} | {:?} | {status}",
                daemon.daemon_name(),
                daemon.service_name,
                daemon.hostname,
                daemon.ip.as_deref().unwrap_or("-"),
                daemon.ports
            )
            .unwrap();
        }
        insta::assert_snapshot!(format!("daemons__{}", shape.name), text);
    }
}

#[test]
fn hosts_on_every_shape() {
    for shape in shapes::all() {
        let mut text = String::from("HOST | ADDR | STATUS\n");
        for host in listing::hosts(&shape.observed) {
            writeln!(
                text,
                "{} | {} | {:?}",
                host.hostname, host.addr, host.status
            )
            .unwrap();
        }
        insta::assert_snapshot!(format!("hosts__{}", shape.name), text);
    }
}

#[test]
fn inventory_on_every_shape() {
    for shape in shapes::all() {
        let mut text =
            String::from("HOST | PATH | TYPE | DEVICE ID | SIZE | AVAILABLE | REJECT REASONS\n");
        for host in listing::inventory(&shape.observed) {
            writeln!(text, "{} ({})", host.hostname, host.addr).unwrap();
            for device in host.devices {
                writeln!(
                    text,
                    "  {} | {} | {} | {} | {} | {}",
                    device.path,
                    device.device_type.as_str(),
                    if device.device_id.is_empty() {
                        "-"
                    } else {
                        &device.device_id
                    },
                    device.size,
                    if device.available { "yes" } else { "no" },
                    device.rejected_reasons.join(", ")
                )
                .unwrap();
            }
        }
        insta::assert_snapshot!(format!("inventory__{}", shape.name), text);
    }
}
