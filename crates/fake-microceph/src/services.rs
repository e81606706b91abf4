//! The endpoints that stop or restart services: disable (`DELETE /1.0/services/{name}`) and restart (`POST /1.0/services/restart`).
//!
//! Generic disables (mon, mgr, mds, rbd-mirror, cephfs-mirror) take the member's service lock, as enables do; RGW and NFS disables and restarts do not, as in MicroCeph.
//! Removing a monitor first checks MicroCeph's keep-one invariant on the remaining quorum.
//! Enables live in `enable.rs`.

use std::sync::Arc;

use crate::cluster::{Cluster, MemberStatus, ServiceName};
use crate::envelope::Outcome;
use crate::go_json::decode;
use crate::go_struct::{NFS_SERVICE, SERVICE};
use crate::payload::{INVALID_CLUSTER_ID, is_valid_cluster_id};
use crate::state::{Shared, pause};

/// Services `POST /1.0/services/restart` accepts (MicroCeph's config-table set).
const RESTARTABLE: [&str; 5] = ["mon", "mgr", "osd", "mds", "rgw"];

/// Services MicroCeph has a restart handler for.
const RESTART_HANDLERS: [&str; 3] = ["osd", "mon", "rgw"];

/// `DELETE /1.0/services/{mon,mgr,mds,rbd-mirror,cephfs-mirror}` on `member`.
pub(crate) async fn disable_generic(
    shared: &Arc<Shared>,
    member: &str,
    service: ServiceName,
) -> Outcome {
    let lock = shared.member_lock(member);
    let _guard = lock.lock().await;
    shared.log(format!("disabling {service} on {member}"));
    pause(shared.timing().disable_duration).await;
    let result = {
        let mut state = shared.lock();
        let cluster = &mut state.cluster;
        check_monitor_removal(cluster, member, service).and_then(|()| {
            let removed = cluster
                .member_mut(member)
                .is_some_and(|entry| entry.services.remove(&service));
            if removed {
                Ok(())
            } else {
                Err(Outcome::error(
                    404,
                    format!(
                        "failed to remove service \"{service}\" from database: failed to remove service from db \"{service}\": Service not found"
                    ),
                ))
            }
        })
    };
    log_disable(shared, member, service, result, Outcome::null())
}

/// `DELETE /1.0/services/rgw` on `member`.
pub(crate) async fn disable_rgw(shared: &Arc<Shared>, member: &str) -> Outcome {
    shared.log(format!("disabling rgw on {member}"));
    pause(shared.timing().disable_duration).await;
    let removed = {
        let mut state = shared.lock();
        state
            .cluster
            .member_mut(member)
            .is_some_and(|entry| entry.services.remove(&ServiceName::Rgw))
    };
    let result = if removed {
        Ok(())
    } else {
        Err(Outcome::error(
            404,
            "failed to remove service from db \"rgw\": Service not found",
        ))
    };
    log_disable(
        shared,
        member,
        ServiceName::Rgw,
        result,
        Outcome::empty_object(),
    )
}

/// `DELETE /1.0/services/nfs` on `member`, with a `{"cluster_id": …}` body.
pub(crate) async fn disable_nfs(shared: &Arc<Shared>, member: &str, body: &[u8]) -> Outcome {
    let fields = match decode(body).and_then(|value| NFS_SERVICE.decode(&value)) {
        Ok(fields) => fields,
        Err(error) => return Outcome::error(500, error),
    };
    let cluster_id = fields[0].as_str();
    if !is_valid_cluster_id(cluster_id) {
        return Outcome::error(500, INVALID_CLUSTER_ID);
    }
    let serves_group = |cluster: &Cluster| {
        cluster.nfs_groups.iter().any(|group| {
            group.cluster_id == cluster_id
                && group.members.iter().any(|entry| entry.member == member)
        })
    };
    let not_found = || {
        Outcome::error(
            500,
            format!("NFS service with ClusterID '{cluster_id}' not found on node '{member}'"),
        )
    };
    if !serves_group(&shared.lock().cluster) {
        return not_found();
    }
    shared.log(format!("disabling nfs on {member}"));
    pause(shared.timing().disable_duration).await;
    let result = {
        let mut state = shared.lock();
        let cluster = &mut state.cluster;
        if serves_group(cluster) {
            for group in &mut cluster.nfs_groups {
                if group.cluster_id == cluster_id {
                    group.members.retain(|entry| entry.member != member);
                }
            }
            cluster.nfs_groups.retain(|group| !group.members.is_empty());
            Ok(())
        } else {
            Err(not_found())
        }
    };
    log_disable(
        shared,
        member,
        ServiceName::Nfs,
        result,
        Outcome::empty_object(),
    )
}

/// `POST /1.0/services/restart` on `member`, with a `[{"service": …}, …]` body.
pub(crate) async fn restart(shared: &Arc<Shared>, member: &str, body: &[u8]) -> Outcome {
    let entries =
        match decode(body).and_then(|value| SERVICE.decode_slice(&value, "types.Services")) {
            Ok(entries) => entries,
            Err(error) => return Outcome::error(500, error),
        };
    let names: Vec<String> = entries
        .iter()
        .map(|fields| fields[0].as_str().to_owned())
        .collect();
    if let Some(invalid) = names
        .iter()
        .find(|name| !RESTARTABLE.contains(&name.as_str()))
    {
        return Outcome::error(500, format!("{invalid} is not a valid ceph service"));
    }
    for name in &names {
        if !RESTART_HANDLERS.contains(&name.as_str()) {
            return Outcome::error(500, format!("no handler defined for service {name}"));
        }
        let placed = ServiceName::parse(name).is_some_and(|service| {
            let state = shared.lock();
            state
                .cluster
                .member(member)
                .is_some_and(|entry| entry.services.contains(&service))
        });
        if !placed {
            shared.log(format!(
                "skipped restart of {name} on {member}: {name} service is not planned for current host"
            ));
            continue;
        }
        pause(shared.timing().restart_duration).await;
        if let Err(error) = run_restart_hook(shared, member, name).await {
            shared.log(format!("failed to restart {name} on {member}: {error}"));
            return Outcome::error(500, format!("failed to restart {name}: {error}"));
        }
        let mut state = shared.lock();
        if let Some(entry) = state.cluster.member_mut(member) {
            *entry.restarts.entry(name.clone()).or_default() += 1;
        }
        state.log.push(format!("restarted {name} on {member}"));
    }
    Outcome::empty_object()
}

/// Runs the server's restart hook, if it has one, as `HOOK MEMBER SERVICE`, and waits for it.
async fn run_restart_hook(shared: &Arc<Shared>, member: &str, service: &str) -> Result<(), String> {
    let Some(hook) = shared.lock().restart_hook.clone() else {
        return Ok(());
    };
    let (member, service) = (member.to_owned(), service.to_owned());
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&hook)
            .args([&member, &service])
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|error| format!("restart hook {} did not run: {error}", hook.display()))
    })
    .await
    .map_err(|error| format!("restart hook failed: {error}"))??;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "restart hook {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}

/// Refuses to remove a monitor when the remaining quorum would be too small (MicroCeph's keep-one invariant).
fn check_monitor_removal(
    cluster: &Cluster,
    member: &str,
    service: ServiceName,
) -> Result<(), Outcome> {
    let has_monitor = cluster
        .member(member)
        .is_some_and(|entry| entry.services.contains(&ServiceName::Mon));
    if service != ServiceName::Mon || !has_monitor {
        return Ok(());
    }
    let others: Vec<_> = cluster
        .members
        .iter()
        .filter(|entry| entry.name != member && entry.services.contains(&ServiceName::Mon))
        .collect();
    let remaining = others
        .iter()
        .filter(|entry| entry.status == MemberStatus::Online)
        .count();
    let map_size = others.len();
    let needed = map_size / 2 + 1;
    if remaining < needed {
        return Err(Outcome::error(
            500,
            format!(
                "failed to remove monitor membership \"{member}\": keep-one invariant: refusing to remove monitor \"{member}\": \
                 {remaining} remaining monitor(s) in quorum, need {needed} for the resulting {map_size}-monitor map"
            ),
        ));
    }
    Ok(())
}

fn log_disable(
    shared: &Arc<Shared>,
    member: &str,
    service: ServiceName,
    result: Result<(), Outcome>,
    success: Outcome,
) -> Outcome {
    match result {
        Ok(()) => {
            shared.log(format!("disabled {service} on {member}"));
            success
        }
        Err(outcome) => {
            if let Outcome::Error { message, .. } = &outcome {
                shared.log(format!(
                    "failed to disable {service} on {member}: {message}"
                ));
            }
            outcome
        }
    }
}
