//! Observing the cluster: MicroCeph's listings gathered concurrently into an [`orch_core::ObservedState`].
//!
//! [`observe`] reads the members, the placed services and the OSD disks at once, then the block devices of every `ONLINE` member, at most [`Client::host_concurrency`] at a time.
//! The first three listings are the cluster's state: if one fails, the observation fails.
//! A member's block devices are only its inventory: if that read fails, the member is left without an inventory entry and the failure is returned as a [`HostProblem`], so one sick member never hides the rest of the cluster.
//! Members that are not `ONLINE` are not asked for their block devices at all, because MicroCeph could not forward the request to them.
//! [`observe_placement`] reads only the placed services and the OSD disks, which is what a write changes, and leaves the rest of an earlier observation as it was.

use std::collections::BTreeMap;

use orch_core::ObservedState;

use crate::client::Client;
use crate::convert;
use crate::error::Error;
use crate::parallel::run_bounded;
use crate::types::{InvalidNfsInfo, Resources};

/// The observed state, and what could not be observed on individual members.
#[derive(Debug)]
pub struct Observation {
    /// The cluster state the planners work from.
    pub state: ObservedState,
    /// Problems with individual members or rows, in member order; the state leaves the affected data out.
    pub problems: Vec<HostProblem>,
}

/// Something that could not be observed on one member.
#[derive(Debug, thiserror::Error)]
pub enum HostProblem {
    /// `GET /1.0/resources` failed for the member, so its block devices are unknown.
    #[error("cannot list the block devices of {member}")]
    Resources {
        /// The member.
        member: String,
        /// The client error, which keeps MicroCeph's text.
        #[source]
        source: Error,
    },
    /// An NFS instance's `info` is not the JSON document MicroCeph normally writes; the instance is kept without bind information.
    #[error(
        "the nfs instance of cluster {cluster_id} on {member} has undecodable bind information"
    )]
    NfsInfo {
        /// The member running the instance.
        member: String,
        /// The NFS cluster id.
        cluster_id: String,
        /// The decoding error.
        #[source]
        source: InvalidNfsInfo,
    },
    /// An OSD row has a negative id, which names no OSD; the row is left out.
    #[error("osd id {osd} on {member} is negative and was ignored")]
    InvalidOsd {
        /// The member owning the disk.
        member: String,
        /// The id as MicroCeph listed it.
        osd: i64,
    },
}

impl HostProblem {
    /// The member the problem concerns.
    pub fn member(&self) -> &str {
        match self {
            Self::Resources { member, .. }
            | Self::NfsInfo { member, .. }
            | Self::InvalidOsd { member, .. } => member,
        }
    }
}

/// Reads the cluster state from MicroCeph.
///
/// Fails only when the member, service or disk listing fails; per-member problems are in [`Observation::problems`].
pub async fn observe(client: &Client) -> Result<Observation, Error> {
    let (members, services, disks) = tokio::try_join!(
        client.cluster_members(),
        client.services(None),
        client.disks(None)
    )?;
    let mut state = ObservedState {
        members: members.iter().map(convert::member).collect(),
        ..ObservedState::default()
    };
    let mut problems = placement(&mut state, &services, &disks);
    let online: Vec<String> = state
        .members
        .iter()
        .filter(|member| member.is_online())
        .map(|member| member.name.clone())
        .collect();
    let (block_devices, resource_problems) = block_devices(client, online).await;
    state.block_devices = block_devices;
    problems.extend(resource_problems);
    problems.sort_by(|left, right| left.member().cmp(right.member()));
    Ok(Observation { state, problems })
}

/// Reads the placed services and the OSD disks again, keeping the members and block devices of `earlier`.
///
/// The problems are those of the rows read now; problems with block devices are not observed again.
pub async fn observe_placement(
    client: &Client,
    earlier: &ObservedState,
) -> Result<Observation, Error> {
    let (services, disks) = tokio::try_join!(client.services(None), client.disks(None))?;
    let mut state = ObservedState {
        members: earlier.members.clone(),
        block_devices: earlier.block_devices.clone(),
        ..ObservedState::default()
    };
    let mut problems = placement(&mut state, &services, &disks);
    problems.sort_by(|left, right| left.member().cmp(right.member()));
    Ok(Observation { state, problems })
}

/// Fills the placed services and OSD disks of `state`, returning the rows that could not be read.
fn placement(
    state: &mut ObservedState,
    services: &[crate::types::ServiceInstance],
    disks: &[crate::types::OsdDisk],
) -> Vec<HostProblem> {
    let mut problems = Vec::new();
    for instance in services {
        let (placed, problem) = convert::placed_service(instance);
        state.services.extend(placed);
        problems.extend(problem);
    }
    for disk in disks {
        match convert::osd_disk(disk) {
            Ok(osd_disk) => state.osd_disks.push(osd_disk),
            Err(problem) => problems.push(problem),
        }
    }
    problems
}

/// The block devices of each member, and a problem for each member whose devices could not be listed.
async fn block_devices(
    client: &Client,
    members: Vec<String>,
) -> (
    BTreeMap<String, Vec<orch_core::BlockDevice>>,
    Vec<HostProblem>,
) {
    let replies: Vec<(String, Result<Resources, Error>)> =
        run_bounded(members, client.host_concurrency(), |member| {
            let client = client.clone();
            async move {
                let reply = client.resources(Some(&member)).await;
                (member, reply)
            }
        })
        .await;
    let mut devices = BTreeMap::new();
    let mut problems = Vec::new();
    for (member, reply) in replies {
        match reply {
            Ok(resources) => {
                let converted = resources.disks.iter().map(convert::block_device).collect();
                devices.insert(member, converted);
            }
            Err(source) => problems.push(HostProblem::Resources { member, source }),
        }
    }
    (devices, problems)
}
