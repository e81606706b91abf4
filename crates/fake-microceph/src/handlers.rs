//! The read-only endpoints: server info, readiness, cluster members, services, monitor addresses, disks and resources.
//!
//! Each builds its metadata from plain structs whose field order is the Go structs' order, so the JSON matches MicroCeph's byte for byte.
//! The service-changing endpoints live in `services.rs`.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::cluster::MemberStatus;
use crate::devices::BlockDevice;
use crate::envelope::{Escaping, Outcome, to_go_json};
use crate::state::{DatabaseStatus, Shared};

/// The MicroCeph version `GET /core/1.0` reports.
pub(crate) const VERSION: &str = "19.2.1";

/// microcluster's internal API extensions, which every member reports.
const EXTENSIONS: [&str; 2] = [
    "internal:runtime_extension_v1",
    "internal:rename_core_endpoints",
];

/// `GET /core/1.0`: the local daemon's name, address, version, readiness and extensions.
pub(crate) fn server_info(shared: &Arc<Shared>) -> Outcome {
    #[derive(Serialize)]
    struct ServerInfo<'a> {
        name: &'a str,
        address: &'a str,
        version: &'a str,
        ready: bool,
        extensions: [&'a str; 2],
    }
    let state = shared.lock();
    let cluster = &state.cluster;
    let database = state.daemon.database;
    let address = match (database, cluster.member(&cluster.local_member)) {
        (DatabaseStatus::NotInitialized, _) | (_, None) => "",
        (_, Some(member)) => member.address.as_str(),
    };
    Outcome::success(&ServerInfo {
        name: &cluster.local_member,
        address,
        version: VERSION,
        ready: database == DatabaseStatus::Ready,
        extensions: EXTENSIONS,
    })
}

/// `GET /core/1.0/ready`: `{}` once the daemon has started.
pub(crate) fn ready(shared: &Arc<Shared>) -> Outcome {
    let daemon = shared.lock().daemon;
    if daemon.shutting_down {
        Outcome::error(503, "Daemon is shutting down")
    } else if daemon.ready {
        Outcome::empty_object()
    } else {
        Outcome::error(503, "Daemon is not ready yet")
    }
}

/// `GET /core/1.0/cluster`: every member with its status as the readiness probes found it.
pub(crate) fn cluster_members(shared: &Arc<Shared>) -> Outcome {
    #[derive(Serialize)]
    struct ClusterMember<'a> {
        name: &'a str,
        address: &'a str,
        certificate: String,
        role: &'a str,
        schema_internal_version: u64,
        schema_external_version: u64,
        last_heartbeat: String,
        status: &'a str,
        extensions: [&'a str; 2],
        secret: &'a str,
    }
    let now = SystemTime::now();
    let state = shared.lock();
    let members: Vec<ClusterMember<'_>> = state
        .cluster
        .members
        .iter()
        .map(|member| ClusterMember {
            name: &member.name,
            address: &member.address,
            certificate: fake_certificate(&member.name),
            role: member.role.as_str(),
            schema_internal_version: 7,
            schema_external_version: 14,
            last_heartbeat: rfc3339(if member.status == MemberStatus::Unreachable {
                shared.started_at
            } else {
                now
            }),
            status: member.status.as_str(),
            extensions: EXTENSIONS,
            secret: "",
        })
        .collect();
    Outcome::success(&members)
}

/// `GET /1.0/services`: plain services by member join order and name, then NFS members by group and join order.
pub(crate) fn list_services(shared: &Arc<Shared>) -> Outcome {
    #[derive(Serialize)]
    struct ServiceRow<'a> {
        service: &'a str,
        location: &'a str,
        group_id: &'a str,
        info: String,
    }
    #[derive(Serialize)]
    struct NfsInfo<'a> {
        bind_address: &'a str,
        bind_port: u64,
    }
    let state = shared.lock();
    let cluster = &state.cluster;
    let mut rows: Vec<ServiceRow<'_>> = Vec::new();
    for member in &cluster.members {
        rows.extend(member.services.iter().map(|service| ServiceRow {
            service: service.as_str(),
            location: &member.name,
            group_id: "",
            info: String::new(),
        }));
    }
    let join_order = |name: &str| {
        cluster
            .members
            .iter()
            .position(|member| member.name == name)
    };
    for group in &cluster.nfs_groups {
        let mut entries: Vec<_> = group.members.iter().collect();
        entries.sort_by_key(|entry| join_order(&entry.member));
        rows.extend(entries.into_iter().map(|entry| ServiceRow {
            service: "nfs",
            location: &entry.member,
            group_id: &group.cluster_id,
            info: to_go_json(
                &NfsInfo {
                    bind_address: &entry.bind_address,
                    bind_port: entry.bind_port,
                },
                Escaping::Html,
            ),
        }));
    }
    Outcome::success(&rows)
}

/// `GET /1.0/services/mon`: the `mon.host.<member>` address of each monitor, by member name.
pub(crate) fn mon_addresses(shared: &Arc<Shared>) -> Outcome {
    #[derive(Serialize)]
    struct MonAddresses {
        addresses: Vec<String>,
    }
    let state = shared.lock();
    let mut monitors: Vec<_> = state
        .cluster
        .members
        .iter()
        .filter(|member| member.services.contains(&crate::cluster::ServiceName::Mon))
        .collect();
    monitors.sort_by(|left, right| left.name.cmp(&right.name));
    Outcome::success(&MonAddresses {
        addresses: monitors.iter().map(|member| member.mon_address()).collect(),
    })
}

/// `GET /1.0/disks`: every OSD disk by member name and then path.
pub(crate) fn list_disks(shared: &Arc<Shared>) -> Outcome {
    #[derive(Serialize)]
    struct DiskRow<'a> {
        osd: u64,
        path: &'a str,
        location: &'a str,
    }
    let state = shared.lock();
    let mut rows: Vec<DiskRow<'_>> = state
        .cluster
        .members
        .iter()
        .flat_map(|member| {
            member.disks.iter().map(|disk| DiskRow {
                osd: disk.osd,
                path: &disk.path,
                location: &member.name,
            })
        })
        .collect();
    rows.sort_by(|left, right| (left.location, left.path).cmp(&(right.location, right.path)));
    Outcome::success(&rows)
}

/// `GET /1.0/resources`: every block device of the member the request acts on, unfiltered.
pub(crate) fn resources(shared: &Arc<Shared>, member: &str) -> Outcome {
    #[derive(Serialize)]
    struct Storage<'a> {
        disks: &'a [BlockDevice],
        total: usize,
    }
    let state = shared.lock();
    match state.cluster.member(member) {
        Some(member) => Outcome::success(&Storage {
            disks: &member.block_devices,
            total: member.block_devices.len(),
        }),
        None => Outcome::error(
            500,
            format!("Failed to get storage resources: member {member:?} left the cluster"),
        ),
    }
}

/// A stable, well-formed but fake PEM certificate for a member.
fn fake_certificate(member: &str) -> String {
    let seed = format!(
        "fake-microceph certificate of cluster member {member}; not a real X.509 certificate. "
    );
    let der: Vec<u8> = seed.bytes().cycle().take(seed.len() * 4).collect();
    let encoded = base64_encode(&der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in encoded.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let value = chunk.iter().enumerate().fold(0u32, |acc, (index, byte)| {
            acc | (u32::from(*byte) << (16 - 8 * index))
        });
        for position in 0..4 {
            if position <= chunk.len() {
                let sextet = (value >> (18 - 6 * position)) & 0x3f;
                out.push(char::from(ALPHABET[sextet as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Formats a time as Go marshals `time.Time` in UTC: RFC 3339 with trailing zeros of the fraction dropped.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    let mut text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    );
    let nanos = since_epoch.subsec_nanos();
    if nanos != 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    text
}

/// Converts days since 1970-01-01 to a proleptic Gregorian (year, month, day).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01 so that leap days fall at the end of each 400-year era.
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn timestamps_format_like_go() {
        let check = |seconds: u64, nanos: u32, expected: &str| {
            let time = UNIX_EPOCH + Duration::new(seconds, nanos);
            assert_eq!(rfc3339(time), expected);
        };
        check(0, 0, "1970-01-01T00:00:00Z");
        check(951_782_400, 0, "2000-02-29T00:00:00Z");
        check(1_787_238_245, 123_456_789, "2026-08-20T15:04:05.123456789Z");
        check(1_787_238_241, 500_000_000, "2026-08-20T15:04:01.5Z");
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"h"), "aA==");
        assert_eq!(base64_encode(b"hi"), "aGk=");
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
    }
}
