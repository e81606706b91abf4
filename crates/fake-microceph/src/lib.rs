//! A test double of the MicroCeph daemon's local REST API: one process, one unix socket, a whole cluster of members behind it.
//!
//! It serves demos, integration tests and benchmarks, so it reproduces MicroCeph's envelopes, status codes, error texts, `?target=` forwarding and per-member locking rather than a happy path.
//! The reference it follows is `microceph-api.md` (§1–§7, checklist §9).
//! It imports no type from `microceph-client` and builds its JSON itself, so a client bug cannot be mirrored here and pass unnoticed.
//!
//! # Routes
//!
//! MicroCeph routes (`T` = honours `?target=<member>`):
//!
//! | Method | Path | T | Answer |
//! |---|---|---|---|
//! | any | `/` | | `["/1.0"]`, whatever the daemon state |
//! | GET | `/core/1.0` | | `{name, address, version, ready, extensions}` of the local member |
//! | GET | `/core/1.0/ready` | | `{}`, or 503 `Daemon is not ready yet` / `Daemon is shutting down` |
//! | GET | `/core/1.0/cluster` | | every member with certificate, role, schema versions, heartbeat and status |
//! | GET | `/1.0/services` | T | plain service rows, then NFS rows |
//! | GET | `/1.0/services/mon` | T | `{"addresses": [...]}` |
//! | PUT | `/1.0/services/{mon,mgr,mds,nfs,rgw,rbd-mirror,cephfs-mirror}` | T | enable the body's `name`: 200 `null` |
//! | DELETE | `/1.0/services/{mon,mgr,mds,rbd-mirror,cephfs-mirror}` | T | generic disable: 200 `null` or 404 |
//! | DELETE | `/1.0/services/rgw` | T | 200 `{}` or 404 |
//! | DELETE | `/1.0/services/nfs` | T | body `{"cluster_id"}`: 200 `{}` or 500 |
//! | POST | `/1.0/services/restart` | T | body `[{"service"}]`: 200 `{}` |
//! | GET | `/1.0/disks` | T | `[{osd, path, location}]` |
//! | GET | `/1.0/resources` | T | the target member's block devices, `{"disks": [...], "total": N}` |
//!
//! Routes the real daemon has but the fake does not emulate answer 501 `Not Implemented` to every standard method: `POST /1.0/disks`, `/1.0/disks/{osdid}`, `/1.0/disks/encryption-support`, `/core/1.0/cluster/{name}`, `/1.0/placement`, `/1.0/ceph/bootstrap`, `/1.0/cluster`, `/1.0/cluster/capabilities`, `/1.0/configs`, `/1.0/pools`, `/1.0/pools-op`, `/1.0/certificates/rgw`, `/1.0/client[/configs[/{key}]|/remotes[/{name}]]`, `/1.0/microceph[/configs/log-level]`, `/1.0/ops[/maintenance/{node}]`.
//! Any other path, `GET /1.0/status` included, is 404 `Not Found`; `router.rs` lists the order of all checks.
//!
//! Control routes, which the real daemon does not have (never recorded as MicroCeph requests, never delayed or faulted):
//!
//! | Method | Path | Effect |
//! |---|---|---|
//! | GET, PUT | `/fake/1.0/state` | read or replace the whole cluster, in the cluster file format |
//! | PUT | `/fake/1.0/members/{name}` | change `status` and/or `failing_services` of one member |
//! | POST | `/fake/1.0/members/{name}/block-devices` | add a block device to one member |
//! | GET, PUT | `/fake/1.0/timing` | read or change `request_latency_ms`, `hop_latency_ms`, `enable_duration_ms`, `disable_duration_ms`, `restart_duration_ms` |
//! | GET, PUT | `/fake/1.0/daemon` | read or change `database`, `ready`, `shutting_down` |
//! | GET, POST, DELETE | `/fake/1.0/faults` | list, add (answers `{"id": N}`) or clear scripted faults |
//! | DELETE | `/fake/1.0/faults/{id}` | remove one fault |
//! | GET, DELETE | `/fake/1.0/requests` | list or clear the MicroCeph requests received |
//! | GET, DELETE | `/fake/1.0/concurrency` | read the requests (and writes) in flight and their peaks, or restart the peaks |
//! | GET, DELETE | `/fake/1.0/log` | list or clear the daemon log (enable, disable and restart outcomes) |
//!
//! # Where to start
//!
//! [`Server::start`] serves a [`Cluster`] on a socket and returns a [`ServerHandle`], whose [`Control`] is the control API in-process.
//! [`Cluster::generate`] builds the default cluster and [`Cluster::load`] reads a cluster description file; the crate's `README.md` documents that format and the control API.
//! `router.rs` holds the route table, `enable.rs` and `services.rs` the enable, disable and restart pipelines, and `target.rs` the `?target=` emulation.

mod cluster;
mod control;
mod control_http;
mod devices;
mod enable;
mod envelope;
mod faults;
mod go_json;
mod go_quote;
mod go_struct;
mod handlers;
mod in_flight;
mod json_fields;
mod payload;
mod pipeline;
mod router;
mod schema;
mod server;
mod services;
mod state;
mod target;
mod validate;

pub mod cli;

pub use cluster::{
    Cluster, ClusterError, Disk, Member, MemberRole, MemberStatus, NfsGroup, NfsMember, ServiceName,
};
pub use control::{Control, ControlError, DaemonUpdate, MemberUpdate};
pub use devices::{BlockDevice, GIB, Partition, osd_device_id, standard_devices};
pub use faults::{Fault, FaultAction, PendingFault};
pub use in_flight::{Concurrency, ConcurrencyReport};
pub use schema::CLUSTER_FILE_VERSION;
pub use server::{BlockingServer, Options, Server, ServerHandle, StartError};
pub use state::{DaemonState, DatabaseStatus, RequestRecord, Timing};

/// Waits until the process receives SIGTERM or SIGINT.
pub async fn wait_for_termination() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    Ok(())
}
