//! The last observation of each MicroCeph socket, so that listings answer without touching the socket.
//!
//! Ceph calls the listings often (`orch ps`, the dashboard, the prometheus module while it builds metrics), so they read the cached observation.
//! The shim's `serve()` loop refreshes it every refresh interval; a listing observes again itself only when asked to refresh or when the cache is older than twice that interval.
//! Writes drop the cached observation of their socket, so the next listing shows what they did.
//! The cache holds Rust values only, never Python objects.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use microceph_client::{Observation, observe};

use crate::config::Config;
use crate::error::BackendError;
use crate::runtime::block_on;

/// An observation and when it was made.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    /// The observation.
    pub observation: Arc<Observation>,
    /// When it was made, for Ceph's `last_refresh` and device `created` fields.
    pub observed_at: SystemTime,
    /// When it was made, for the cache's age checks.
    fetched: Instant,
}

impl Snapshot {
    /// What could not be observed, one operator-readable line each.
    pub(crate) fn problem_texts(&self) -> Vec<String> {
        self.observation
            .problems
            .iter()
            .map(|problem| crate::error::error_text(problem))
            .collect()
    }

    /// When the observation was made, in seconds since the Unix epoch.
    pub(crate) fn observed_at_secs(&self) -> f64 {
        self.observed_at
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64()
    }
}

/// The cached observation for the configured socket, observing again when asked to, when there is none, or when it is too old.
pub(crate) fn snapshot(config: &Config, refresh: bool) -> Result<Snapshot, BackendError> {
    if !refresh
        && let Some(cached) = entries().get(&config.socket)
        && cached.fetched.elapsed() <= config.max_cache_age()
    {
        return Ok(cached.clone());
    }
    observe_now(config)
}

/// Observes the cluster now and caches the result.
pub(crate) fn observe_now(config: &Config) -> Result<Snapshot, BackendError> {
    let client = config.client();
    let observation = block_on(observe(&client))?
        .map_err(|error| BackendError::microceph("cannot observe the MicroCeph cluster", &error))?;
    Ok(remember(config, observation))
}

/// Caches an observation made elsewhere, such as after executing a plan.
pub(crate) fn remember(config: &Config, observation: Observation) -> Snapshot {
    let snapshot = Snapshot {
        observation: Arc::new(observation),
        observed_at: SystemTime::now(),
        fetched: Instant::now(),
    };
    entries().insert(config.socket.clone(), snapshot.clone());
    snapshot
}

/// Drops the cached observation of the configured socket.
pub(crate) fn forget(config: &Config) {
    entries().remove(&config.socket);
}

/// The cache; a panic while it was held left only whole entries, so a poisoned lock is used as is.
fn entries() -> MutexGuard<'static, BTreeMap<PathBuf, Snapshot>> {
    static ENTRIES: Mutex<BTreeMap<PathBuf, Snapshot>> = Mutex::new(BTreeMap::new());
    ENTRIES.lock().unwrap_or_else(PoisonError::into_inner)
}
