//! `PUT /1.0/services/{name}`: enabling a service on a member, following MicroCeph's pipeline.
//!
//! The pipeline runs under the member's service lock: parse the payload, hospitality check, the enable duration (MicroCeph's post-placement wait), the "sustain" check, then the database record.
//! With `"bool": true` the request waits for the pipeline and reports its failure as 500; otherwise it answers 200 at once and the pipeline's outcome only reaches the fake's daemon log.
//! Only a successful pipeline writes the `{service, location}` row.

use std::net::IpAddr;
use std::sync::Arc;

use crate::cluster::{Cluster, NfsGroup, NfsMember, ServiceName};
use crate::envelope::Outcome;
use crate::go_json::decode;
use crate::go_struct::ENABLE_SERVICE;
use crate::payload::{NfsParams, parse_nfs, parse_rgw};
use crate::state::{Shared, pause};

/// `PUT /1.0/services/{name}`: enables the service named in the body (not the path) on `member`.
pub(crate) async fn enable(shared: &Arc<Shared>, member: &str, body: &[u8]) -> Outcome {
    let fields = match decode(body).and_then(|value| ENABLE_SERVICE.decode(&value)) {
        Ok(fields) => fields,
        Err(error) => return Outcome::error(500, error),
    };
    let (name, wait, payload) = (
        fields[0].as_str(),
        fields[1].as_bool(),
        fields[2].as_str().to_owned(),
    );
    let Some(service) = ServiceName::parse(name) else {
        return Outcome::error(500, format!("{name} enablement is not supported"));
    };
    if wait {
        return match run_enable(shared, member, service, &payload).await {
            Ok(()) => Outcome::null(),
            Err(error) => Outcome::error(500, error),
        };
    }
    let (shared, member) = (Arc::clone(shared), member.to_owned());
    tokio::spawn(async move {
        // The outcome only reaches the daemon log, as with MicroCeph's background goroutine.
        let _ = run_enable(&shared, &member, service, &payload).await;
    });
    Outcome::null()
}

/// MicroCeph's enable pipeline under the member's service lock; the error is the full 500 text.
async fn run_enable(
    shared: &Arc<Shared>,
    member: &str,
    service: ServiceName,
    payload: &str,
) -> Result<(), String> {
    let lock = shared.member_lock(member);
    let _guard = lock.lock().await;
    shared.log(format!("enabling {service} on {member}"));
    let result = enable_steps(shared, member, service, payload).await;
    match &result {
        Ok(details) => shared.log(format!("enabled {service} on {member}{details}")),
        Err(error) => shared.log(format!("failed to enable {service} on {member}: {error}")),
    }
    result.map(|_| ())
}

/// The pipeline's steps; success carries details for the log line.
async fn enable_steps(
    shared: &Arc<Shared>,
    member: &str,
    service: ServiceName,
    payload: &str,
) -> Result<String, String> {
    let populate =
        |error: String| format!("failed to populate the payload for {service} enablement: {error}");
    let mut details = String::new();
    let mut nfs = None;
    match service {
        ServiceName::Rgw => {
            let params = parse_rgw(payload).map_err(populate)?;
            details = match params.ssl_port {
                Some(ssl_port) => format!(" (port {}, SSL port {ssl_port})", params.port),
                None => format!(" (port {})", params.port),
            };
        }
        ServiceName::Nfs => nfs = Some(parse_nfs(payload).map_err(populate)?),
        _ => {}
    }
    {
        let state = shared.lock();
        hospitality_check(&state.cluster, member, service, nfs.as_ref()).map_err(|error| {
            format!("host failed hospitality check for {service} enablement: {error}")
        })?;
    }
    pause(shared.timing().enable_duration).await;
    let mut state = shared.lock();
    let cluster = &mut state.cluster;
    let Some(entry) = cluster.member(member) else {
        return Err(format!(
            "failed to add DB record for {service}: member {member:?} left the cluster"
        ));
    };
    if entry.failing_services.contains(&service) {
        return Err(format!(
            "{service} service unable to sustain on host: {service} service is not active"
        ));
    }
    record(cluster, member, service, nfs)
        .map_err(|error| format!("failed to add DB record for {service}: {error}"))?;
    Ok(details)
}

/// Whether the service's daemon is already active on the member; a service set to fail counts as inactive.
fn hospitality_check(
    cluster: &Cluster,
    member: &str,
    service: ServiceName,
    nfs: Option<&NfsParams>,
) -> Result<(), String> {
    let Some(entry) = cluster.member(member) else {
        return Ok(());
    };
    let placed = if let Some(params) = nfs {
        if let Some(address) = address_in_use(cluster, member, params) {
            return Err(format!("address '{address}' is currently in use."));
        }
        cluster.nfs_group_of(member).is_some()
    } else {
        entry.services.contains(&service)
    };
    if placed && !entry.failing_services.contains(&service) {
        return Err(format!("{service} service already active on host"));
    }
    Ok(())
}

/// The `address:port` the member's NFS daemon already binds, if it collides with the requested one.
fn address_in_use(cluster: &Cluster, member: &str, params: &NfsParams) -> Option<String> {
    let requested: Option<IpAddr> = params.bind_address.parse().ok();
    let collides = cluster
        .nfs_groups
        .iter()
        .flat_map(|group| &group.members)
        .any(|entry| {
            entry.member == member
                && entry.bind_port == params.bind_port
                && entry.bind_address.parse::<IpAddr>().ok() == requested
        });
    collides.then(|| format!("{}:{}", params.bind_address, params.bind_port))
}

/// Writes the database rows of a successful enable.
fn record(
    cluster: &mut Cluster,
    member: &str,
    service: ServiceName,
    nfs: Option<NfsParams>,
) -> Result<(), String> {
    let Some(params) = nfs else {
        let entry = cluster
            .member_mut(member)
            .ok_or("member left the cluster")?;
        if !entry.services.insert(service) {
            return Err("failed to record role: This \"services\" entry already exists".to_owned());
        }
        return Ok(());
    };
    let joining = NfsMember {
        member: member.to_owned(),
        bind_address: params.bind_address,
        bind_port: params.bind_port,
    };
    match cluster
        .nfs_groups
        .iter_mut()
        .find(|group| group.cluster_id == params.cluster_id)
    {
        Some(group) if group.v4_min_version != params.v4_min_version => {
            Err("conflicting service group configurations".to_owned())
        }
        Some(group) if group.members.iter().any(|entry| entry.member == member) => Err(
            "failed to record grouped service: This \"grouped_services\" entry already exists"
                .to_owned(),
        ),
        Some(group) => {
            group.members.push(joining);
            Ok(())
        }
        None => {
            cluster.nfs_groups.push(NfsGroup {
                cluster_id: params.cluster_id,
                v4_min_version: params.v4_min_version,
                members: vec![joining],
            });
            Ok(())
        }
    }
}
