//! Per-request timeouts, one class of endpoint each.
//!
//! Each timeout bounds a whole request: connecting, writing the request, waiting for the response head and reading the whole body.
//! A request that exceeds its timeout fails with [`crate::ErrorKind::Timeout`]; the client never retries it.
//! For a write (enable, disable, restart) a timeout means the outcome is unknown: MicroCeph may still finish the work after the client gave up, so a caller must observe the cluster again before acting.
//! Giving up closes the connection, which cancels the request's context on the daemon: a synchronous enable cut off this way may leave the service started but not recorded, while an asynchronous enable and the restart worker carry on regardless (`microceph-api.md` §4.7, §6).

use std::time::Duration;

/// How long each class of request may take before the client gives up.
///
/// The defaults come from the server-side durations in `microceph-api.md` §6, with headroom, so that a request that MicroCeph will eventually answer is not cut off early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Reads: `/`, `/core/1.0`, `/core/1.0/ready`, `/core/1.0/cluster`, `/1.0/services`, `/1.0/services/mon`, `/1.0/disks` and `/1.0/resources`.
    ///
    /// The default is 15 s.
    /// The MicroCeph CLI uses 5 s for its reads, but `GET /core/1.0/cluster` probes every member's readiness one after the other, so a single slow member delays the whole reply.
    /// A member whose address silently drops packets can hold each probe for up to 30 s (the internal client's default), so even 15 s is not a hard upper bound on that endpoint; raise this value where such members are expected.
    pub read: Duration,

    /// Enabling (`PUT /1.0/services/<svc>`) and disabling (`DELETE /1.0/services/<svc>`) a service.
    ///
    /// The default is 130 s.
    /// A synchronous enable spends about 10 s in mandatory post-placement checks, and disabling MGR or MDS polls the Ceph map every 2 s for up to 120 s until the daemon leaves it.
    /// The extra 10 s over the slowest documented step covers the surrounding `snapctl` and `ceph` calls.
    pub enable_disable: Duration,

    /// Restarting services (`POST /1.0/services/restart`).
    ///
    /// The default is 480 s.
    /// MicroCeph's restart worker checks for the restarted daemons up to 10 times with a linear 10 s backoff, about 450 s in the worst case, which is longer than the 120 s the MicroCeph CLI allows.
    pub restart: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            read: Duration::from_secs(15),
            enable_disable: Duration::from_secs(130),
            restart: Duration::from_mins(8),
        }
    }
}
